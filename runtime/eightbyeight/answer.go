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
	if resume != "" {
		return append(quoted(append(b, `{"clientActionId":`...), resume), `,"callflow":[`...)
	}
	return append(b, `{"callflow":[`...)
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

// Each step is appended as constant fragments, a member's name with the
// punctuation around it, and its values: one append a member rather than
// one for each quote, name and colon, which cost a third of rendering.

func (p *sayParams) appendStep(b []byte) []byte {
	b = quoted(append(b, `{"action":"say","params":{"text":`...), p.Text)
	b = quoted(append(b, `,"voiceProfile":`...), p.VoiceProfile)
	b = strconv.AppendInt(append(b, `,"repetition":`...), int64(p.Repetition), 10)
	return append(p.Speed.appendJSON(append(b, `,"speed":`...)), "}}"...)
}

func (p *playParams) appendStep(b []byte) []byte {
	b = quoted(append(b, `{"action":"playFile","params":{"fileUrl":`...), p.FileURL)
	return append(strconv.AppendInt(append(b, `,"repetition":`...), int64(p.Repetition), 10), "}}"...)
}

func (p *captureParams) appendStep(b []byte) []byte {
	b = quoted(append(b, `{"action":"sayAndCapture","params":{"promptMessage":`...), p.PromptMessage)
	b = quoted(append(b, `,"voiceProfile":`...), p.VoiceProfile)
	b = p.Speed.appendJSON(append(b, `,"speed":`...))
	b = strconv.AppendInt(append(b, `,"minDigits":`...), int64(p.MinDigits), 10)
	b = strconv.AppendInt(append(b, `,"maxDigits":`...), int64(p.MaxDigits), 10)
	if p.CompleteOnHash {
		b = append(b, `,"completeOnHash":true,"digitTimeout":`...)
	} else {
		b = append(b, `,"completeOnHash":false,"digitTimeout":`...)
	}
	b = strconv.AppendInt(b, p.DigitTimeout, 10)
	b = strconv.AppendInt(append(b, `,"overallTimeout":`...), p.OverallTimeout, 10)
	b = strconv.AppendInt(append(b, `,"noOfTries":`...), int64(p.NoOfTries), 10)
	if p.SuccessMessage != "" {
		b = quoted(append(b, `,"successMessage":`...), p.SuccessMessage)
	}
	if p.FailureMessage != "" {
		b = quoted(append(b, `,"failureMessage":`...), p.FailureMessage)
	}
	return append(b, "}}"...)
}

func (p *makeCallParams) appendStep(b []byte) []byte {
	b = quoted(append(b, `{"action":"makeCall","params":{"source":`...), p.Source)
	b = quoted(append(b, `,"destination":`...), p.Destination)
	if p.CallRecording {
		b = append(b, `,"callRecording":true`...)
	}
	return append(b, "}}"...)
}

// quoted appends value as a JSON string.
func quoted(b []byte, value string) []byte {
	if jsonscan.Plain(value) { // most values: ids, tokens, prompts in English
		return append(append(append(b, '"'), value...), '"')
	}
	b, _ = jsontext.AppendQuote(b, value) // the error only reports U+FFFD replacements
	return b
}
