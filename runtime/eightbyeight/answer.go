package eightbyeight

import (
	"slices"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// The answer to a VCA and its JSON. Every step of every 8x8 call is
// answered with one, so it is encoded by appending to one buffer rather
// than by reflection, which cost more than deciding the step. Fields come
// in the order 8x8's guide lists them; optional ones are left out when
// empty, as `omitempty` would. Strings are quoted as encoding/json/v2
// quotes them (<, > and & and every non-ASCII character pass through), and
// invalid UTF-8 becomes U+FFFD. TestAnswerJSON checks the result against
// encoding/json.

type callflow struct {
	ClientActionID string // omitted when empty
	Callflow       []step
}

type step struct {
	Action string
	Params params // nil: no params key
}

// params are the parameters of one action.
type params interface {
	appendJSON(b []byte) []byte
}

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
	n := len(b)
	b = strconv.AppendFloat(b, float64(s), 'f', -1, 64)
	if !slices.Contains(b[n:], '.') {
		b = append(b, ".0"...)
	}
	return b
}

// encode returns the answer's JSON:
//
//	{"clientActionId":"…","callflow":[{"action":"say","params":{…}},{"action":"hangup"}]}
func (c *callflow) encode() []byte {
	size := 64 + len(c.ClientActionID)
	for _, s := range c.Callflow {
		size += 256 // a sayAndCapture's fixed text is about 230 bytes
		if p, ok := s.Params.(*captureParams); ok {
			size += len(p.PromptMessage) + len(p.SuccessMessage) + len(p.FailureMessage)
		} else if p, ok := s.Params.(*sayParams); ok {
			size += len(p.Text)
		}
	}
	b := append(make([]byte, 0, size), '{')
	if c.ClientActionID != "" {
		b = append(field(b, "clientActionId", c.ClientActionID), ',')
	}
	b = append(b, `"callflow":[`...)
	for i, s := range c.Callflow {
		if i > 0 {
			b = append(b, ',')
		}
		b = field(append(b, '{'), "action", s.Action)
		if s.Params != nil {
			b = s.Params.appendJSON(append(b, `,"params":`...))
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func (p *sayParams) appendJSON(b []byte) []byte {
	b = append(field(append(b, '{'), "text", p.Text), ',')
	b = append(field(b, "voiceProfile", p.VoiceProfile), ',')
	b = append(intField(b, "repetition", int64(p.Repetition)), `,"speed":`...)
	return append(p.Speed.appendJSON(b), '}')
}

func (p *playParams) appendJSON(b []byte) []byte {
	b = append(field(append(b, '{'), "fileUrl", p.FileURL), ',')
	return append(intField(b, "repetition", int64(p.Repetition)), '}')
}

func (p *captureParams) appendJSON(b []byte) []byte {
	b = append(field(append(b, '{'), "promptMessage", p.PromptMessage), ',')
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
	return append(b, '}')
}

func (p *makeCallParams) appendJSON(b []byte) []byte {
	b = append(field(append(b, '{'), "source", p.Source), ',')
	b = field(b, "destination", p.Destination)
	if p.CallRecording {
		b = boolField(append(b, ','), "callRecording", true)
	}
	return append(b, '}')
}

// field appends "key":"value"; keys are plain ASCII and need no escaping.
func field(b []byte, key, value string) []byte {
	b = append(append(append(b, '"'), key...), `":`...)
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
