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
// The language is a say's `language`, else the BCP 47 tag a voice name
// starts with ("en-US" of "en-US-Wavenet-C"), when it starts with one;
// else jambonz's default. A say with a language and no voice gets the
// application's vendor and voice in that language.

// voiceLanguage matches a voice name that starts with a language tag.
var voiceLanguage = regexp.MustCompile(`^[a-z]{2,3}-[A-Z]{2}\b`)

// defaultVendor is the vendor jambonz reads as the application's own.
const defaultVendor = "default"

// synth is the synthesizer of a flow's voice and a say's language (which
// wins over the voice's); nil for neither.
func synth(voice, language string) *synthesizer {
	if voice == "" && language == "" {
		return nil
	}
	s := &synthesizer{Vendor: defaultVendor, Voice: voice}
	if v, name, ok := strings.Cut(voice, ":"); ok && v != "" && name != "" {
		s.Vendor, s.Voice = v, name
	}
	s.Language = voiceLanguage.FindString(s.Voice)
	if language != "" {
		s.Language = language
	}
	return s
}
