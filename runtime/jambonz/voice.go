package jambonz

import (
	"regexp"
	"strings"
)

// Voices. A flow's voice names a jambonz synthesizer:
//
//   - "VENDOR:VOICE", such as "google:en-US-Wavenet-C" or "polly:Joanna":
//     that vendor and voice;
//   - "VOICE" alone: that voice of the application's default vendor
//     (vendor "default", which jambonz reads as the application's
//     speech settings);
//   - no voice: no synthesizer, so the application's vendor, language and
//     voice.
//
// The language is the BCP 47 tag a voice name starts with ("en-US" of
// "en-US-Wavenet-C"), when it starts with one; else jambonz's default.

// voiceLanguage matches a voice name that starts with a language tag.
var voiceLanguage = regexp.MustCompile(`^[a-z]{2,3}-[A-Z]{2}\b`)

// defaultVendor is the vendor jambonz reads as the application's own.
const defaultVendor = "default"

// synth is the synthesizer of a flow's voice; nil for none.
func synth(voice string) *synthesizer {
	if voice == "" {
		return nil
	}
	s := &synthesizer{Vendor: defaultVendor, Voice: voice}
	if v, name, ok := strings.Cut(voice, ":"); ok && v != "" && name != "" {
		s.Vendor, s.Voice = v, name
	}
	s.Language = voiceLanguage.FindString(s.Voice)
	return s
}
