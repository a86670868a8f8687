package twilio

import (
	"testing"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// What Webhook builds decodes back into the event it stands for.
func TestWebhookRoundTrip(t *testing.T) {
	keys := "42"
	tests := []struct {
		name string
		call platform.Call
		want platform.Event
	}{
		{"a new call", platform.Call{Session: "CA1", Caller: "+14158675309", Callee: "+15005550006"},
			platform.Event{Kind: platform.CallStarted, Session: "CA1", Delivery: "CA1"}},
		{"digits", platform.Call{Session: "CA1", Callee: "+15005550006", Resume: "tok", Delivery: "d2", Digits: &keys},
			platform.Event{Kind: platform.Input, Session: "CA1", Delivery: "CA1|tok.d2", Resume: "tok", Digits: &keys}},
		{"nothing entered", platform.Call{Session: "CA1", Callee: "+15005550006", Resume: "tok", Delivery: "d3", NoInput: true},
			platform.Event{Kind: platform.Input, Session: "CA1", Delivery: "CA1|tok.d3", Resume: "tok"}},
		{"a dial outcome", platform.Call{Session: "CA1", Callee: "+15005550006", Resume: "tok", Delivery: "d4", DialOutcome: lplatform.DialNoAnswer},
			platform.Event{Kind: platform.Input, Session: "CA1", Delivery: "CA1|tok.d4", Resume: "tok", DialOutcome: lplatform.DialNoAnswer}},
		{"a recording", platform.Call{Session: "CA1", Callee: "+15005550006", Resume: "tok", Delivery: "d5", Recorded: true, RecordingURL: "https://r.example/RE1"},
			platform.Event{Kind: platform.Input, Session: "CA1", Delivery: "CA1|tok.d5", Resume: "tok", RecordingURL: "https://r.example/RE1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := New().Webhook(tt.call)
			if err != nil {
				t.Fatal(err)
			}
			if !recognize(body) {
				t.Errorf("%s is not recognized as Twilio's", body)
			}
			ev, err := New().Decode(body, nil)
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if ev.Kind != w.Kind || ev.Session != w.Session || ev.Delivery != w.Delivery || ev.Resume != w.Resume ||
				ev.DialOutcome != w.DialOutcome || ev.RecordingURL != w.RecordingURL ||
				(ev.Digits == nil) != (w.Digits == nil) || ev.Digits != nil && *ev.Digits != *w.Digits {
				t.Errorf("%s decodes as %+v, want %+v", body, ev, w)
			}
		})
	}
	if _, err := New().Webhook(platform.Call{Resume: "tok", NoInput: true}); err == nil {
		t.Error("a capture answer without a CallSid was built")
	}
}
