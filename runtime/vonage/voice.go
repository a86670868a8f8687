package vonage

import (
	"regexp"
	"strconv"
	"strings"
)

// Vonage's talk speaks a language (BCP-47, "en-GB") in one of its styles
// (0, 1, …); a flow names one voice. A voice maps onto them when it is
//
//   - a language, optionally with a style after a colon: "en-GB", "en-GB:2";
//   - a language-region voice name as other platforms write them
//     ("en-US-ZiraRUS", "en-US-JennyNeural"): its language-region.
//
// Any other voice leaves the language to Vonage's default (en-US).
var (
	languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)
	namedVoice  = regexp.MustCompile(`^([a-z]{2,3}-[A-Z]{2})-[A-Za-z0-9]+$`)
)

// talkVoice returns the language and style (nil for Vonage's default) of
// voice.
func talkVoice(voice string) (language string, style *int) {
	lang, st, hasStyle := strings.Cut(voice, ":")
	if languageTag.MatchString(lang) {
		if n, err := strconv.Atoi(st); hasStyle && err == nil && n >= 0 {
			style = &n
		}
		return lang, style
	}
	if m := namedVoice.FindStringSubmatch(voice); m != nil {
		return m[1], nil
	}
	return "", nil
}
