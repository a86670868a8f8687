package eightbyeight

import (
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// BenchmarkRender renders the answer support.flow gives a new call: a
// welcome, then the menu's capture, with a clientActionId. answer is
// Render; steps appends the same JSON to one reused buffer, the encoding
// without the answer's allocation, whose cost (most of answer's in a
// benchmark that does nothing else) hides the encoding's.
func BenchmarkRender(b *testing.B) {
	const resume = "AcSQ5ckGBAdzdXBwb3J0EHYxMjM0NTY3ODlhYmNkZWYFb3JkZXJ6pXJ7w2kKl0G_0t8GxA"
	ev := &platform.Event{Kind: platform.CallStarted, Platform: Name, Callee: "+6512345678"}
	r := &platform.Response{Resume: resume, Actions: []platform.Action{
		platform.Say{Text: "Welcome to ACME.", Voice: "en-US-ZiraRUS"},
		platform.Capture{Prompt: "Press 1 for sales, 2 for support, or 9 to check an order.", Voice: "en-US-ZiraRUS",
			MaxDigits: 1, MinDigits: 1, Timeout: 10 * time.Second, Tries: 3, Failure: "Sorry, that is not an option."},
	}}
	a := New()
	if _, err := a.Render(ev, r); err != nil {
		b.Fatal(err)
	}
	b.Run("answer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Render(ev, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	say := sayParams{Text: "Welcome to ACME.", VoiceProfile: "en-US-ZiraRUS", Repetition: 1, Speed: 1}
	capture := captureParams{PromptMessage: "Press 1 for sales, 2 for support, or 9 to check an order.", VoiceProfile: "en-US-ZiraRUS",
		Speed: 1, MinDigits: 1, MaxDigits: 1, DigitTimeout: 5000, OverallTimeout: 10000, NoOfTries: 3, FailureMessage: "Sorry, that is not an option."}
	buf := make([]byte, 0, 1024)
	b.Run("steps", func(b *testing.B) {
		for b.Loop() {
			out := append(say.appendStep(appendHead(buf[:0], resume)), ',')
			buf = appendTail(capture.appendStep(out))
		}
	})
}
