package eightbyeight

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The answer as encoding/json reads it, with the keys 8x8 documents.
type refCallflow struct {
	ClientActionID string    `json:"clientActionId,omitempty"`
	Callflow       []refStep `json:"callflow"`
}

type refStep struct {
	Action string          `json:"action"`
	Params json.RawMessage `json:"params,omitempty"`
}

type refSay struct {
	Text         string  `json:"text"`
	VoiceProfile string  `json:"voiceProfile"`
	Repetition   int     `json:"repetition"`
	Speed        float64 `json:"speed"`
}

type refPlay struct {
	FileURL    string `json:"fileUrl"`
	Repetition int    `json:"repetition"`
}

type refCapture struct {
	PromptMessage  string  `json:"promptMessage"`
	VoiceProfile   string  `json:"voiceProfile"`
	Speed          float64 `json:"speed"`
	MinDigits      int     `json:"minDigits"`
	MaxDigits      int     `json:"maxDigits"`
	CompleteOnHash bool    `json:"completeOnHash"`
	DigitTimeout   int64   `json:"digitTimeout"`
	OverallTimeout int64   `json:"overallTimeout"`
	NoOfTries      int     `json:"noOfTries"`
	SuccessMessage string  `json:"successMessage,omitempty"`
	FailureMessage string  `json:"failureMessage,omitempty"`
}

type refMakeCall struct {
	Source        string `json:"source"`
	Destination   string `json:"destination"`
	CallRecording bool   `json:"callRecording,omitempty"`
}

// strictDecode is encoding/json refusing any key the reference does not
// name.
func strictDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

// valid is s as it must arrive: each invalid UTF-8 byte is U+FFFD.
func valid(s string) string { return string([]rune(s)) }

// FuzzAnswerJSON checks the hand-written encoder against encoding/json:
// whatever the strings and numbers, the answer is valid JSON that decodes,
// key for key, into what was encoded.
func FuzzAnswerJSON(f *testing.F) {
	f.Add("tok", "Xin chào <b>&</b> \"VIP\"\n", "en-US-ZiraRUS", 1.25, 3, int64(5000), true, "ok", "", "+6512345678")
	f.Add("", "\xff\u2028\u0000", "", 2.0, 25, int64(-1), false, "", "bad\x80", "")
	f.Fuzz(func(t *testing.T, resume, text, voice string, sp float64, n int, ms int64, flag bool, success, failure, number string) {
		if sp != sp || sp > 1e300 || sp < -1e300 { // NaN and infinities are refused by Render's limits
			t.Skip()
		}
		b := appendHead(nil, resume)
		b = append((&sayParams{Text: text, VoiceProfile: voice, Repetition: n, Speed: speed(sp)}).appendStep(b), ',')
		b = append((&playParams{FileURL: text, Repetition: n}).appendStep(b), ',')
		b = append((&makeCallParams{Source: number, Destination: voice, CallRecording: flag}).appendStep(b), ',')
		b = append((&captureParams{PromptMessage: text, VoiceProfile: voice, Speed: speed(sp),
			MinDigits: n, MaxDigits: n + 1, CompleteOnHash: flag, DigitTimeout: ms, OverallTimeout: ms + 1,
			NoOfTries: n, SuccessMessage: success, FailureMessage: failure}).appendStep(b), ',')
		b = appendTail(appendHangup(b))
		var got refCallflow
		strictDecode(t, b, &got)
		actions := []string{"say", "playFile", "makeCall", "sayAndCapture", "hangup"}
		if got.ClientActionID != valid(resume) || len(got.Callflow) != len(actions) {
			t.Fatalf("envelope %+v from %s", got, b)
		}
		for i, s := range got.Callflow {
			if s.Action != actions[i] {
				t.Fatalf("step %d action %q, want %q", i, s.Action, actions[i])
			}
		}
		var say refSay
		strictDecode(t, got.Callflow[0].Params, &say)
		if d := cmp.Diff(refSay{valid(text), valid(voice), n, sp}, say); d != "" {
			t.Errorf("say (-want +got):\n%s", d)
		}
		var play refPlay
		strictDecode(t, got.Callflow[1].Params, &play)
		if d := cmp.Diff(refPlay{valid(text), n}, play); d != "" {
			t.Errorf("playFile (-want +got):\n%s", d)
		}
		var call refMakeCall
		strictDecode(t, got.Callflow[2].Params, &call)
		if d := cmp.Diff(refMakeCall{valid(number), valid(voice), flag}, call); d != "" {
			t.Errorf("makeCall (-want +got):\n%s", d)
		}
		var capture refCapture
		strictDecode(t, got.Callflow[3].Params, &capture)
		want := refCapture{valid(text), valid(voice), sp, n, n + 1, flag, ms, ms + 1, n, valid(success), valid(failure)}
		if d := cmp.Diff(want, capture); d != "" {
			t.Errorf("sayAndCapture (-want +got):\n%s", d)
		}
		if got.Callflow[4].Params != nil {
			t.Errorf("hangup has params %s", got.Callflow[4].Params)
		}
	})
}

// TestSpeedJSON checks the digit-by-digit tenths against strconv's
// shortest form, with ".0" added to whole numbers.
func TestSpeedJSON(t *testing.T) {
	want := func(f float64) string {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	var values []float64
	for k := range 1200 {
		values = append(values, float64(k)/10, float64(k)*0.1, float64(k)/100)
	}
	values = append(values, 0.5, 0.75, 1e-9, 2.0000000000000004, 99.95, 123456.5)
	for _, f := range values {
		if got := string(speed(f).appendJSON(nil)); got != want(f) {
			t.Errorf("speed %v is written %s, want %s", f, got, want(f))
		}
	}
}
