package eightbyeight

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	goldenpkg "github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/platform"
)

var at = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("SGT", 8*3600))

func TestWebhookGolden(t *testing.T) {
	cases := []struct {
		name string
		call platform.Call
	}{
		{"webhook_call_received", platform.Call{Session: sessA, Delivery: "d1", Caller: "+6591234567", Callee: "+6512345678", At: at}},
		{"webhook_digits", platform.Call{Session: sessA, Delivery: "d2", Caller: "+6591234567", Callee: "+6512345678", At: at, Resume: tokenA, Digits: ptr("1")}},
		{"webhook_no_input", platform.Call{Session: sessA, Delivery: "d3", Caller: "+6591234567", Callee: "+6512345678", At: at, Resume: tokenA, NoInput: true}},
		{"webhook_data", platform.Call{Session: sessA, Delivery: "d4", At: at, Resume: tokenA, Digits: ptr("42"), Data: map[string]any{"asrCaptured": nil, "dtmf": "ignored"}}},
	}
	a := New()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := a.Webhook(c.call)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, b)
		})
	}
}

func TestWebhookRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		call platform.Call
		want platform.Event
	}{
		{"new call", platform.Call{Session: sessA, Delivery: "d1", Caller: "+6591234567", Callee: "+6512345678", At: at},
			platform.Event{Kind: platform.CallStarted, Platform: Name, Session: sessA, Delivery: "d1", Caller: "+6591234567", Callee: "+6512345678"}},
		{"digits", platform.Call{Session: sessA, Delivery: "d2", Caller: "+6591234567", Callee: "+6512345678", Resume: tokenA, Digits: ptr("123#")},
			platform.Event{Kind: platform.Input, Platform: Name, Session: sessA, Delivery: "d2", Caller: "+6591234567", Callee: "+6512345678", Digits: ptr("123#"), Resume: tokenA}},
		{"no input", platform.Call{Session: sessA, Delivery: "d3", Resume: tokenA, NoInput: true},
			platform.Event{Kind: platform.Input, Platform: Name, Session: sessA, Delivery: "d3", Resume: tokenA}},
		{"no input wins over digits", platform.Call{Session: sessA, Delivery: "d4", Resume: tokenA, NoInput: true, Digits: ptr("5")},
			platform.Event{Kind: platform.Input, Platform: Name, Session: sessA, Delivery: "d4", Resume: tokenA}},
		{"empty digits", platform.Call{Session: sessA, Delivery: "d5", Resume: tokenA, Digits: ptr("")},
			platform.Event{Kind: platform.Input, Platform: Name, Session: sessA, Delivery: "d5", Resume: tokenA}},
		{"capture without resume", platform.Call{Session: sessA, Delivery: "d6", Digits: ptr("9")},
			platform.Event{Kind: platform.Input, Platform: Name, Session: sessA, Delivery: "d6", Digits: ptr("9")}},
	}
	a := New()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := a.Webhook(c.call)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := a.Decode(b, nil)
			if err != nil {
				t.Fatalf("Decode(%s): %v", b, err)
			}
			if diff := cmp.Diff(&c.want, ev, ignoreRaw); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestWebhookGeneratedIDs(t *testing.T) {
	a := New()
	one, err := a.Webhook(platform.Call{Caller: "+6591234567", Callee: "+6512345678"})
	if err != nil {
		t.Fatal(err)
	}
	two, err := a.Webhook(platform.Call{Caller: "+6591234567", Callee: "+6512345678"})
	if err != nil {
		t.Fatal(err)
	}
	e1, err := a.Decode(one, nil)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := a.Decode(two, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{e1.Session, e1.Delivery, e2.Session, e2.Delivery} {
		if !uuidRE.MatchString(s) {
			t.Errorf("%q is not a version 4 UUID", s)
		}
	}
	if e1.Session == e2.Session || e1.Delivery == e2.Delivery {
		t.Error("two generated webhooks share an id")
	}
	ts, _ := e1.RawJSON()["payload"].(map[string]any)["timestamp"].(string)
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", ts); err != nil {
		t.Errorf("timestamp %q: %v", ts, err)
	}
	// The call id is one per session.
	x, _ := a.Webhook(platform.Call{Session: e1.Session, Digits: ptr("1")})
	ex, _ := a.Decode(x, nil)
	if ex.RawJSON()["payload"].(map[string]any)["callId"] != e1.RawJSON()["payload"].(map[string]any)["callId"] {
		t.Error("callId changed within a session")
	}
}

func TestWebhookInputNeedsSession(t *testing.T) {
	if _, err := New().Webhook(platform.Call{Digits: ptr("1")}); err == nil {
		t.Error("a capture answer without a session was built")
	}
	if _, err := New().Webhook(platform.Call{NoInput: true}); err == nil {
		t.Error("a no-input answer without a session was built")
	}
}

// addSamples seeds a fuzz target with the sample webhooks.
func addSamples(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in %s: %v", dir, err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzDecode feeds webhooks to Decode: it must not panic, every error must
// be a *platform.DecodeError, and an event it accepts must be renderable.
func FuzzDecode(f *testing.F) {
	addSamples(f)
	f.Add([]byte(completed(`"{\"dtmf\":12}"`, "")))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"sessionId":"s","callStatus":"ACTION_COMPLETED","eventData":"\"x\""}}`))
	f.Add([]byte(`{"eventType":"CALL_STATUS","payload":{"sessionId":"s","n":[1e999]}}`))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"e","sessionId":"s","callStatus":"CALL_RECEIVED","source":null,"eventData":{"k":1,"dtmf":"2"}}}`))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"e","sessionId":"s","sessionId":"t","callStatus":"CALL_RECEIVED"}}`))
	f.Add([]byte(`{"event\u0054ype":"CALL_ACTION","payload":{"eventId":"e","sessionId":"s","callStatus":"ACTION_COMPLETED","eventData":{"dtmf":""}}}`))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"e","sessionId":"s","session\u0049d":"t","callStatus":"CALL_RECEIVED"}}`))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"e","sessionId":"s","callStatus":"CALL_RECEIVED"},"payload":{"eventId":"f","sessionId":"t","callStatus":"CALL_RECEIVED"}}`))
	long := strings.Repeat("x", 60_000)
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"e","sessionId":"` + long + `","callStatus":"CALL_RECEIVED"}}`))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"` + long + `","sessionId":"s","callStatus":"CALL_RECEIVED"}}`))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"e","sessionId":"s","callStatus":"ACTION_COMPLETED","clientActionId":"` + long + `"}}`))
	f.Add([]byte(`{"eventType":"CALL_ACTION","payload":{"eventId":"e","sessionId":"s","callStatus":"CALL_RECEIVED","eventData":{"n":9007199254740993}}}`))
	a := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		if fast, ok := decodeFast(body); ok {
			strict, err := decodeStrict(body)
			goldenpkg.SameEvent(t, body, fast, strict, err)
		}
		ev, err := a.Decode(body, nil)
		if err != nil {
			var de *platform.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a *platform.DecodeError", err, err)
			}
			return
		}
		if ev.Session == "" || ev.Delivery == "" || ev.RawJSON() == nil || ev.Platform != Name ||
			len(ev.Session) > platform.MaxID || len(ev.Resume) > platform.MaxID || len(ev.Delivery) > 5*(platform.MaxID+1) {
			t.Fatalf("accepted event lacks an id: %+v", ev)
		}
		switch ev.Kind {
		case platform.CallStarted, platform.Input, platform.CallEnded, platform.Status:
		default:
			t.Fatalf("kind %d", ev.Kind)
		}
		if ev.Digits != nil && *ev.Digits == "" {
			t.Fatal("Digits is an empty string, want nil")
		}
		if _, err := a.Render(ev, &platform.Response{}); err != nil {
			t.Fatalf("Render of an empty response: %v", err)
		}
		a.Fallback(ev, platform.FallbackOptions{Apology: "Sorry.", Voice: voice})
	})
}
