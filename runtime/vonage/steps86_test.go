package vonage

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// The steps of §8.6 as NCCO actions, golden.
func TestRenderSteps86(t *testing.T) {
	tests := []struct {
		golden  string
		actions []platform.Action
	}{
		{"pause.json", []platform.Action{platform.Say{Text: "One moment."}, platform.Pause{Length: 2 * time.Second}, platform.Hangup{}}},
		{"pause_long.json", []platform.Action{platform.Pause{Length: 25 * time.Second}, platform.Hangup{}}},
		{"say_language.json", []platform.Action{platform.Say{Text: "Bonjour.", Voice: "en-GB:3", Language: "fr-FR"}, platform.Hangup{}}},
		{"capture_audio_bargein.json", []platform.Action{platform.Capture{Prompt: "https://cdn.example.com/menu.wav", Audio: true, BargeIn: true, MaxDigits: 1, Timeout: 5 * time.Second}}},
		{"capture_bargein.json", []platform.Action{platform.Capture{Prompt: "Press 1.", BargeIn: true, MaxDigits: 1, Timeout: 5 * time.Second}}},
		{"record.json", []platform.Action{platform.Say{Text: "Leave a message after the tone."}, platform.Record{Max: 2 * time.Minute, Silence: 5 * time.Second, End: "#", Beep: true}}},
		{"record_defaults.json", []platform.Action{platform.Record{}}},
		{"makecall_sip_outcomes.json", []platform.Action{platform.MakeCall{Number: "sip:desk@pbx.example.com", From: "+447700900000",
			Target: lplatform.TargetSIP, Timeout: 20 * time.Second, Limit: time.Hour, Continues: true}}},
		{"makecall_user.json", []platform.Action{platform.MakeCall{Number: "alice", Target: lplatform.TargetUser, Timeout: 1500 * time.Millisecond}}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			reply, err := New().Render(answered(t), &platform.Response{Actions: tt.actions, Resume: "TOKEN"})
			if err != nil {
				t.Fatal(err)
			}
			goldenCheck(t, tt.golden, reply.Body)
		})
	}
}

func TestRenderSteps86Limits(t *testing.T) {
	tests := []struct {
		name string
		a    platform.Action
		want string
	}{
		{"queue", platform.MakeCall{Number: "support", Target: lplatform.TargetQueue}, "connect.endpoint: a queue target is not supported"},
		{"sip not a URI", platform.MakeCall{Number: "desk@pbx", Target: lplatform.TargetSIP}, "connect.endpoint.uri"},
		{"limit over 2h", platform.MakeCall{Number: "+14155550100", Limit: 3 * time.Hour}, "connect.limit"},
		{"record too short", platform.Record{Max: time.Second}, "record.timeOut: 1s is outside 3s..2h0m0s"},
		{"silence too long", platform.Record{Silence: 11 * time.Second}, "record.endOnSilence"},
		{"end two keys", platform.Record{End: "12"}, "record.endOnKey"},
		{"audio prompt not mp3", platform.Capture{Prompt: "https://x.example/a.ogg", Audio: true, MaxDigits: 1}, "stream.streamUrl"},
		{"no pause", platform.Pause{}, "no pause"},
	}
	for _, tt := range tests {
		_, err := New().Render(answered(t), &platform.Response{Actions: []platform.Action{tt.a}, Resume: "T"})
		var le *LimitError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	// Nothing may follow a record or a connect that waits for its outcome.
	for _, first := range []platform.Action{platform.Record{}, platform.MakeCall{Number: "+14155550100", Continues: true}} {
		if _, err := New().Render(answered(t), &platform.Response{Actions: []platform.Action{first, platform.Say{Text: "x"}}}); err == nil {
			t.Errorf("an action after %T was rendered", first)
		}
	}
}

// A connect's leg events come to its eventUrl, which names the call: the
// final one is the outcome, the others are acknowledged. A recording comes
// to the record's.
func TestDecodeSteps86(t *testing.T) {
	const u = "https://calls.example.com/hooks/vonage/menu?resume=TOK&seq=S2&call=" + legUUID
	for status, want := range map[string]lplatform.DialOutcome{
		"busy": lplatform.DialBusy, "rejected": lplatform.DialBusy, "timeout": lplatform.DialNoAnswer, "unanswered": lplatform.DialNoAnswer,
		"failed": lplatform.DialFailed, "completed": lplatform.DialCompleted, "ringing": "", "answered": "",
	} {
		body := `{"uuid":"other-leg","conversation_uuid":"CON-1","status":"` + status + `","direction":"outbound"}`
		ev := decode(t, post(t, u, []byte(body)))
		switch {
		case want == "" && ev.Kind != platform.Status:
			t.Errorf("%s: kind %d, want an acknowledged status", status, ev.Kind)
		case want != "" && (ev.Kind != platform.Input || ev.DialOutcome != want || ev.Session != legUUID || ev.Resume != "TOK" || ev.Delivery != legUUID+"|TOK|S2"):
			t.Errorf("%s: %+v, want the outcome %s for the call %s", status, ev, want, legUUID)
		}
	}
	ev := decode(t, post(t, u, sample(t, "event_record.json")))
	if ev.Kind != platform.Input || ev.Session != legUUID || ev.RecordingURL != "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab" {
		t.Errorf("recording: %+v", ev)
	}
	// Without a token the same webhooks are call events.
	if ev := decode(t, post(t, "https://calls.example.com/hooks/vonage", sample(t, "event_record.json"))); ev.Kind != platform.Status {
		t.Errorf("a recording without a token: kind %d, want status", ev.Kind)
	}
}

// Webhook builds the leg's final event and the recording as Vonage posts
// them, and they decode back (without a URL, from the body).
func TestWebhookSteps86(t *testing.T) {
	a := New()
	for _, o := range lplatform.DialOutcomes() {
		b, err := a.Webhook(platform.Call{Session: "s1", Caller: "+447700900001", Callee: "+447700900000", Resume: "TOK", DialOutcome: o})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := a.Decode(b, http.Header{})
		if err != nil || ev.Kind != platform.Input || ev.DialOutcome != o || ev.Session != "s1" || ev.Resume != "TOK" {
			t.Errorf("%s: %s → %+v, %v", o, b, ev, err)
		}
	}
	for _, rec := range []string{"https://api.nexmo.com/v1/files/r1", ""} {
		b, err := a.Webhook(platform.Call{Session: "s1", Resume: "TOK", Recorded: true, RecordingURL: rec})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := a.Decode(b, http.Header{})
		if err != nil || ev.Kind != platform.Input || ev.RecordingURL != rec || ev.Session != "s1" {
			t.Errorf("recording %q: %s → %+v, %v", rec, b, ev, err)
		}
	}
}
