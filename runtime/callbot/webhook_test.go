package callbot

import (
	"math"
	"regexp"
	"testing"

	"github.com/callflow/callflow/runtime/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/runtime/platform"
)

func TestWebhookRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		call platform.Call
		id   string
	}{
		{"exam_result", platform.Call{Session: "exam-2026-hk1-hs0042", Caller: "+84988888888", Callee: "842499950291",
			Data: map[string]any{"name": "Trần Văn A", "email": "tran.van.a@thpt-chuvanan.edu.vn", "student_id": "HS-0042", "math": 9.5}},
			"exam-2026-hk1-hs0042"},
		{"nodata", platform.Call{Delivery: "d-1", Caller: "0988888888"}, "d-1"},
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
		if diff := cmp.Diff(want, got); diff != "" {
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
	none := "1"
	for name, c := range map[string]platform.Call{
		"digits":   {Session: "s", Digits: &none},
		"no input": {Session: "s", NoInput: true},
		"Inf data": {Session: "s", Data: map[string]any{"x": math.Inf(1)}},
	} {
		if _, err := New().Webhook(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
