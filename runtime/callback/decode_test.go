package callback

import (
	"encoding/json"
	"errors"
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

func TestDecodeShapes(t *testing.T) {
	tests := []struct {
		name, body string
		from, to   string
		data       map[string]any
	}{
		{"no data", `{"id":"t1","from":"+1","to":"+2"}`, "+1", "+2", map[string]any{}},
		{"null data", `{"id":"t1","from":"+1","to":"+2","data":null}`, "+1", "+2", map[string]any{}},
		{"empty data", `{"id":"t1","from":"+1","to":"+2","data":{}}`, "+1", "+2", map[string]any{}},
		{"empty from and to", `{"id":"t1","from":"","to":"","data":{"a":1}}`, "", "", map[string]any{"a": 1.0}},
		{"unicode", `{"id":"t1","from":"+84988888888","to":"\u0030","data":{"tên":"Trần Văn A"}}`, "+84988888888", "0", map[string]any{"tên": "Trần Văn A"}},
		{"key order and extras", `{"data":{"x":[]},"to":"+2","extra":1,"from":"+1","id":"t1"}`, "+1", "+2", map[string]any{"x": []any{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New().Decode([]byte(tt.body), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Session != "t1" || ev.Delivery != "t1" || ev.Caller != tt.from || ev.Callee != tt.to || ev.Kind != platform.Trigger {
				t.Errorf("got %+v", ev)
			}
			if diff := cmp.Diff(tt.data, ev.Data); diff != "" {
				t.Errorf("Data (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, body, field, msg string
	}{
		{"empty body", ``, "", "empty body"},
		{"blank body", "\r\n ", "", "empty body"},
		{"not JSON", `id=t1&from=%2B1`, "", "not JSON"},
		{"truncated", `{"id":"t1"`, "", "not JSON"},
		{"trailing garbage", `{"id":"t1","from":"a","to":"b"}]`, "", "not JSON"},
		{"array", `[{"id":"t1","from":"a","to":"b"}]`, "", "must be a JSON object, not an array"},
		{"string", `"t1"`, "", "not a string"},
		{"null", `null`, "", "not null"},
		{"bool", `true`, "", "not a boolean"},
		{"id missing", `{"from":"a","to":"b"}`, "id", "missing"},
		{"id empty", `{"id":"","from":"a","to":"b"}`, "id", "must not be empty"},
		{"id number", `{"id":42,"from":"a","to":"b"}`, "id", "must be a string, not a number"},
		{"id null", `{"id":null,"from":"a","to":"b"}`, "id", "must be a string, not null"},
		{"from missing", `{"id":"t1","to":"b"}`, "from", "missing"},
		{"from number", `{"id":"t1","from":6591234567,"to":"b"}`, "from", "must be a string, not a number"},
		{"to missing", `{"id":"t1","from":"a"}`, "to", "missing"},
		{"to array", `{"id":"t1","from":"a","to":["b"]}`, "to", "must be a string, not an array"},
		{"data string", `{"id":"t1","from":"a","to":"b","data":"priority=high"}`, "data", "must be an object, not a string"},
		{"data array", `{"id":"t1","from":"a","to":"b","data":[1]}`, "data", "must be an object, not an array"},
		{"data number", `{"id":"t1","from":"a","to":"b","data":0}`, "data", "must be an object, not a number"},
		{"data false", `{"id":"t1","from":"a","to":"b","data":false}`, "data", "must be an object, not a boolean"},
		{"huge number", `{"id":"t1","from":"a","to":"b","data":{"n":1e400}}`, "", "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New().Decode([]byte(tt.body), nil)
			if ev != nil {
				t.Errorf("Decode returned an event with error %v", err)
			}
			var de *platform.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *platform.DecodeError", err, err)
			}
			if de.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", de.Field, tt.field, err)
			}
			if !strings.Contains(de.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", de.Msg, tt.msg)
			}
		})
	}
}
