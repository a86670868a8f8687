package tencent

import (
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/callflow/callflow/runtime/platform"
)

func TestWebhookRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		call platform.Call
	}{
		{"vip", platform.Call{Session: "01bd935d-c45e-476a-9e5b-700e09494470", Caller: "+8613066668888", Callee: "+8675566668888", Bound: platform.Bound{AgentID: 123}}},
		{"unbound", platform.Call{Session: "7c9e6679-7425-40de-944b-e07fc1f90ae7", Caller: "+14155550100", Callee: "+8675566668888"}},
		{"ivr", platform.Call{Session: "3f2b8a61-0d4e-4c57-9a1e-5b6c7d8e9f01", Caller: "+8618912345678", Callee: "+8675566668888", Bound: platform.Bound{IVRID: 4021}}},
		{"odd_text", platform.Call{Session: "<s&1>", Caller: "anonymous <sip:x@y>", Callee: "Tổng đài", Bound: platform.Bound{AgentID: 1, IVRID: 2},
			Delivery: "ignored", At: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Data: map[string]any{"ignored": true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := New().Webhook(tt.call)
			if err != nil {
				t.Fatal(err)
			}
			goldenCheck(t, "webhook_"+tt.name+".json", body)
			ev, err := New().Decode(body, nil)
			if err != nil {
				t.Fatalf("Decode(Webhook()): %v\n%s", err, body)
			}
			want := platform.Event{
				Kind: platform.CallStarted, Platform: "tencent",
				Session: tt.call.Session, Delivery: tt.call.Session,
				Caller: tt.call.Caller, Callee: tt.call.Callee, Bound: tt.call.Bound,
			}
			if diff := cmp.Diff(&want, ev, cmpopts.IgnoreFields(platform.Event{}, "Raw", "Body")); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			if got := ev.RawJSON()["SdkAppId"]; got != float64(SampleSdkAppID) {
				t.Errorf("SdkAppId = %v", got)
			}
		})
	}
}

// The built webhooks have the vendor's exact shape: the documented example
// and the built one decode to the same event, Raw included.
func TestWebhookMatchesSample(t *testing.T) {
	want, err := New().Decode(sample(t, "call_vip.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := New().Webhook(platform.Call{Session: want.Session, Caller: want.Caller, Callee: want.Callee, Bound: want.Bound})
	if err != nil {
		t.Fatal(err)
	}
	got, err := New().Decode(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(platform.Event{}, "Body")); diff != "" {
		t.Errorf("(-sample +built):\n%s", diff)
	}
	if diff := cmp.Diff(want.RawJSON(), got.RawJSON()); diff != "" {
		t.Errorf("raw (-sample +built):\n%s", diff)
	}
}

func TestWebhookGeneratesSession(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 3 {
		body, err := New().Webhook(platform.Call{Caller: "+1", Callee: "+2"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := New().Decode(body, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !uuid.MatchString(ev.Session) || seen[ev.Session] {
			t.Errorf("generated SessionId %q is not a fresh UUID", ev.Session)
		}
		seen[ev.Session] = true
	}
}

func TestWebhookErrors(t *testing.T) {
	none := ""
	for name, c := range map[string]platform.Call{
		"digits":   {Session: "s", Digits: &none},
		"no input": {Session: "s", NoInput: true},
		"negative": {Session: "s", Bound: platform.Bound{AgentID: -1}},
	} {
		if _, err := New().Webhook(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
