package callback

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/runtime/platform"
)

func TestDecodeSamples(t *testing.T) {
	tests := []struct {
		file         string
		id, from, to string
		data         map[string]any
	}{
		{"trigger_high.json", "web-callme-20261123-000187", "+6591234567", "+6561112222", map[string]any{
			"priority": "high", "name": "Tan Wei Ming",
			"topic": "Billing <invoice #4471> & refund",
			"page":  "https://example.com/contact?ref=pricing&lang=en",
		}},
		{"trigger_low.json", "crm-7f3a9c2e", "+6598765432", "+6561112222", map[string]any{
			"priority": "low",
			"customer": map[string]any{"tier": "silver", "since": 2019.0, "tags": []any{"newsletter", "sg"}},
			"attempt":  1.0, "consent": true, "note": nil,
		}},
		{"trigger_nodata.json", "sms-gw-5521-0093", "+6581230000", "+6561112222", map[string]any{}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			body := sample(t, tt.file)
			ev, err := New().Decode(body, nil)
			if err != nil {
				t.Fatal(err)
			}
			if reply, err := New().Render(ev, nil); err != nil || reply.Status != http.StatusNoContent {
				t.Errorf("Render of no actions = %+v, %v, want 204", reply, err)
			}
			want := &platform.Event{
				Kind: platform.Trigger, Platform: "callback",
				Session: tt.id, Delivery: tt.id, Caller: tt.from, Callee: tt.to, Data: tt.data,
			}
			if err := json.Unmarshal(body, &want.Raw); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, ev); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
	for _, f := range samples(t) {
		if !seen[f] {
			t.Errorf("sample %s has no decode test", f)
		}
	}
}

// A trigger id over platform.MaxID bytes is refused, naming the field.
func TestDecodeLongID(t *testing.T) {
	body := `{"id":"` + strings.Repeat("x", 60_000) + `","from":"+6591234567","to":"+6561112222"}`
	ev, err := New().Decode([]byte(body), nil)
	var de *platform.DecodeError
	if ev != nil || !errors.As(err, &de) || de.Field != "id" || len(err.Error()) > 200 {
		t.Errorf("Decode = %v, %.300v; want a short DecodeError for id", ev, err)
	}
}
