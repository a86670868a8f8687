package eightbyeight

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/callflow/callflow/runtime/internal/jsonscan"
	"github.com/go-json-experiment/json/jsontext"
)

// The answer as it was appended before steps were constant fragments, a
// member at a time: FuzzFragmentsAreTheMembers checks the two are the
// same bytes.

func refHead(b []byte, resume string) []byte {
	b = append(b, '{')
	if resume != "" {
		b = append(refField(b, "clientActionId", resume), ',')
	}
	return append(b, `"callflow":[`...)
}

func (p *sayParams) refStep(b []byte) []byte {
	b = append(refField(append(b, `{"action":"say","params":{`...), "text", p.Text), ',')
	b = append(refField(b, "voiceProfile", p.VoiceProfile), ',')
	b = append(refInt(b, "repetition", int64(p.Repetition)), `,"speed":`...)
	return append(p.Speed.appendJSON(b), "}}"...)
}

func (p *playParams) refStep(b []byte) []byte {
	b = append(refField(append(b, `{"action":"playFile","params":{`...), "fileUrl", p.FileURL), ',')
	return append(refInt(b, "repetition", int64(p.Repetition)), "}}"...)
}

func (p *captureParams) refStep(b []byte) []byte {
	b = append(refField(append(b, `{"action":"sayAndCapture","params":{`...), "promptMessage", p.PromptMessage), ',')
	b = append(refField(b, "voiceProfile", p.VoiceProfile), `,"speed":`...)
	b = append(p.Speed.appendJSON(b), ',')
	b = append(refInt(b, "minDigits", int64(p.MinDigits)), ',')
	b = append(refInt(b, "maxDigits", int64(p.MaxDigits)), ',')
	b = append(refBool(b, "completeOnHash", p.CompleteOnHash), ',')
	b = append(refInt(b, "digitTimeout", p.DigitTimeout), ',')
	b = append(refInt(b, "overallTimeout", p.OverallTimeout), ',')
	b = refInt(b, "noOfTries", int64(p.NoOfTries))
	if p.SuccessMessage != "" {
		b = refField(append(b, ','), "successMessage", p.SuccessMessage)
	}
	if p.FailureMessage != "" {
		b = refField(append(b, ','), "failureMessage", p.FailureMessage)
	}
	return append(b, "}}"...)
}

func (p *makeCallParams) refStep(b []byte) []byte {
	b = append(refField(append(b, `{"action":"makeCall","params":{`...), "source", p.Source), ',')
	b = refField(b, "destination", p.Destination)
	if p.CallRecording {
		b = refBool(append(b, ','), "callRecording", true)
	}
	return append(b, "}}"...)
}

func refField(b []byte, key, value string) []byte {
	b = append(append(append(b, '"'), key...), `":`...)
	if jsonscan.Plain(value) {
		return append(append(append(b, '"'), value...), '"')
	}
	b, _ = jsontext.AppendQuote(b, value)
	return b
}

func refInt(b []byte, key string, n int64) []byte {
	b = append(append(append(b, '"'), key...), `":`...)
	return strconv.AppendInt(b, n, 10)
}

func refBool(b []byte, key string, v bool) []byte {
	b = append(append(append(b, '"'), key...), `":`...)
	return strconv.AppendBool(b, v)
}

// FuzzFragmentsAreTheMembers checks each step, and the head, byte for
// byte against the encoder that appended a member's quotes, name and colon
// one by one.
func FuzzFragmentsAreTheMembers(f *testing.F) {
	f.Add("tok", "Xin chào <b>&</b> \"VIP\"\n", "en-US-ZiraRUS", 1.25, 3, int64(5000), true, "ok", "", "+6512345678")
	f.Add("", "\xff\u2028\u0000", "", 2.0, 25, int64(-1), false, "", "bad\x80", "")
	f.Fuzz(func(t *testing.T, resume, text, voice string, sp float64, n int, ms int64, flag bool, success, failure, number string) {
		same := func(what string, got, want []byte) {
			if !bytes.Equal(got, want) {
				t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
			}
		}
		same("head", appendHead([]byte("x"), resume), refHead([]byte("x"), resume))
		say := sayParams{Text: text, VoiceProfile: voice, Repetition: n, Speed: speed(sp)}
		same("say", say.appendStep(nil), say.refStep(nil))
		play := playParams{FileURL: text, Repetition: n}
		same("playFile", play.appendStep(nil), play.refStep(nil))
		call := makeCallParams{Source: number, Destination: voice, CallRecording: flag}
		same("makeCall", call.appendStep(nil), call.refStep(nil))
		capture := captureParams{PromptMessage: text, VoiceProfile: voice, Speed: speed(sp),
			MinDigits: n, MaxDigits: n + 1, CompleteOnHash: flag, DigitTimeout: ms, OverallTimeout: ms + 1,
			NoOfTries: n, SuccessMessage: success, FailureMessage: failure}
		same("sayAndCapture", capture.appendStep(nil), capture.refStep(nil))
	})
}
