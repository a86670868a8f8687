package callback

import (
	"math"
	"regexp"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/callflow/callflow/runtime/platform"
)

func TestWebhookRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		call platform.Call
		id   string
	}{
		{"high", platform.Call{Session: "web-callme-20261123-000187", Caller: "+6591234567", Callee: "+6561112222",
			Data: map[string]any{"priority": "high", "name": "Tan Wei Ming", "topic": "Billing <invoice #4471> & refund"}}, "web-callme-20261123-000187"},
		{"nodata", platform.Call{Session: "sms-gw-5521-0093", Caller: "+6581230000", Callee: "+6561112222"}, "sms-gw-5521-0093"},
		{"delivery_as_id", platform.Call{Delivery: "d-77", Caller: "+1", Callee: "",
			At: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Bound: platform.Bound{AgentID: 3}, Resume: "ignored",
			Data: map[string]any{"n": 2.5, "nested": map[string]any{"ok": true, "list": []any{"a", 1.0, nil}}}}, "d-77"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := golden.TriggerRoundTrip(t, New(), tt.call, tt.id)
			goldenCheck(t, "webhook_"+tt.name+".json", body)
		})
	}
}

func TestWebhookMatchesSamples(t *testing.T) {
	for _, name := range samples(t) {
		want, err := New().Decode(sample(t, name), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, err := New().Webhook(platform.Call{Session: want.Session, Caller: want.Caller, Callee: want.Callee, Data: want.Data})
		if err != nil {
			t.Fatal(err)
		}
		got, err := New().Decode(body, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Call cannot carry a sample's extra fields, and Webhook always
		// sends data, an empty object when there is none.
		extra := cmpopts.IgnoreMapEntries(func(k string, v any) bool {
			m, isMap := v.(map[string]any)
			return k == "source" || k == "data" && isMap && len(m) == 0
		})
		if diff := cmp.Diff(want, got, extra); diff != "" {
			t.Errorf("%s (-sample +built):\n%s", name, diff)
		}
	}
}

func TestWebhookGeneratesID(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	body, err := New().Webhook(platform.Call{Caller: "+1", Callee: "+2"})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := New().Decode(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !uuid.MatchString(ev.Session) {
		t.Errorf("generated id %q is not a UUID", ev.Session)
	}
}

func TestWebhookErrors(t *testing.T) {
	none := ""
	for name, c := range map[string]platform.Call{
		"digits":   {Session: "s", Digits: &none},
		"no input": {Session: "s", NoInput: true},
		"NaN data": {Session: "s", Data: map[string]any{"x": math.NaN()}},
		"func":     {Session: "s", Data: map[string]any{"f": func() {}}},
	} {
		if _, err := New().Webhook(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
