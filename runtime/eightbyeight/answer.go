package eightbyeight

import (
	"math"
	"slices"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/callflow/callflow/runtime/internal/jsonscan"
)

// The answer to a VCA and its JSON. Every step of every 8x8 call is
// answered with one, so it is appended to one buffer as each action is
// checked, rather than built as values and reflected, which cost more than
// deciding the step:
//
//	{"clientActionId":"…","callflow":[{"action":"say","params":{…}},{"action":"hangup"}]}
//
// Fields come in the order 8x8's guide lists them; optional ones are left
// out when empty, as `omitempty` would. Strings are quoted as
// encoding/json/v2 quotes them (<, > and & and every non-ASCII character
// pass through), and invalid UTF-8 becomes U+FFFD. FuzzAnswerJSON checks
// the result against encoding/json.

// appendHead starts an answer: the clientActionId (left out when empty) and
// the opening of the callflow list. Steps follow, separated by commas, and
// appendTail closes it.
func appendHead(b []byte, resume string) []byte {
	b = append(b, '{')
	if resume != "" {
		b = append(field(b, "clientActionId", resume), ',')
	}
	return append(b, `"callflow":[`...)
}

func appendTail(b []byte) []byte { return append(b, "]}"...) }

// appendHangup appends the hangup step, which has no params.
func appendHangup(b []byte) []byte { return append(b, `{"action":"hangup"}`...) }

// The size of each step's JSON without its strings, rounded up, to size the
// answer's buffer once.
const (
	headSize     = 48
	saySize      = 96
	playSize     = 64
	captureSize  = 256
	makeCallSize = 96
	hangupSize   = 20
)

type sayParams struct {
	Text         string
	VoiceProfile string
	Repetition   int
	Speed        speed
}

type playParams struct {
	FileURL    string
	Repetition int
}

type captureParams struct {
	PromptMessage  string
	VoiceProfile   string
	Speed          speed
	MinDigits      int
	MaxDigits      int
	CompleteOnHash bool
	DigitTimeout   int64
	OverallTimeout int64
	NoOfTries      int
	SuccessMessage string // omitted when empty
	FailureMessage string // omitted when empty
}

type makeCallParams struct {
	Source        string
	Destination   string
	CallRecording bool // omitted when false
}

// speed is a TTS speed, always written with a decimal point (1.0, not 1):
// 8x8 documents it as a float.
type speed float64

func (s speed) appendJSON(b []byte) []byte {
	// Speeds are tenths in practice (0.9, 1.0, 1.5): written digit by digit,
	// they cost less than strconv's shortest-float search. k/10 is the
	// shortest form of a float that equals it.
	if k := int(math.Round(float64(s) * 10)); k >= 0 && k < 1000 && float64(k)/10 == float64(s) {
		if k >= 100 {
			b = append(b, byte('0'+k/100))
		}
		return append(b, byte('0'+k/10%10), '.', byte('0'+k%10))
	}
	n := len(b)
	b = strconv.AppendFloat(b, float64(s), 'f', -1, 64)
	if !slices.Contains(b[n:], '.') {
		b = append(b, ".0"...)
	}
	return b
}

func (p *sayParams) appendStep(b []byte) []byte {
	b = append(field(append(b, `{"action":"say","params":{`...), "text", p.Text), ',')
	b = append(field(b, "voiceProfile", p.VoiceProfile), ',')
	b = append(intField(b, "repetition", int64(p.Repetition)), `,"speed":`...)
	return append(p.Speed.appendJSON(b), "}}"...)
}

func (p *playParams) appendStep(b []byte) []byte {
	b = append(field(append(b, `{"action":"playFile","params":{`...), "fileUrl", p.FileURL), ',')
	return append(intField(b, "repetition", int64(p.Repetition)), "}}"...)
}

func (p *captureParams) appendStep(b []byte) []byte {
	b = append(field(append(b, `{"action":"sayAndCapture","params":{`...), "promptMessage", p.PromptMessage), ',')
	b = append(field(b, "voiceProfile", p.VoiceProfile), `,"speed":`...)
	b = append(p.Speed.appendJSON(b), ',')
	b = append(intField(b, "minDigits", int64(p.MinDigits)), ',')
	b = append(intField(b, "maxDigits", int64(p.MaxDigits)), ',')
	b = append(boolField(b, "completeOnHash", p.CompleteOnHash), ',')
	b = append(intField(b, "digitTimeout", p.DigitTimeout), ',')
	b = append(intField(b, "overallTimeout", p.OverallTimeout), ',')
	b = intField(b, "noOfTries", int64(p.NoOfTries))
	if p.SuccessMessage != "" {
		b = field(append(b, ','), "successMessage", p.SuccessMessage)
	}
	if p.FailureMessage != "" {
		b = field(append(b, ','), "failureMessage", p.FailureMessage)
	}
	return append(b, "}}"...)
}

func (p *makeCallParams) appendStep(b []byte) []byte {
	b = append(field(append(b, `{"action":"makeCall","params":{`...), "source", p.Source), ',')
	b = field(b, "destination", p.Destination)
	if p.CallRecording {
		b = boolField(append(b, ','), "callRecording", true)
	}
	return append(b, "}}"...)
}

// field appends "key":"value"; keys are plain ASCII and need no escaping.
func field(b []byte, key, value string) []byte {
	b = append(append(append(b, '"'), key...), `":`...)
	if jsonscan.Plain(value) { // most values: ids, tokens, prompts in English
		return append(append(append(b, '"'), value...), '"')
	}
	b, _ = jsontext.AppendQuote(b, value) // the error only reports U+FFFD replacements
	return b
}

func intField(b []byte, key string, n int64) []byte {
	b = append(append(append(b, '"'), key...), `":`...)
	return strconv.AppendInt(b, n, 10)
}

func boolField(b []byte, key string, v bool) []byte {
	b = append(append(append(b, '"'), key...), `":`...)
	return strconv.AppendBool(b, v)
}
