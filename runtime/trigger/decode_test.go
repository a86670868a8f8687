package trigger

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/platform"
)

// testPlatform names the events these tests decode; the callback and
// callbot adapters pass their own names and test their samples themselves.
const testPlatform = "callback"

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
			ev, err := Decode(testPlatform, []byte(tt.body))
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
		{"from too long", `{"id":"t1","from":"` + strings.Repeat("1", 60_000) + `","to":"b"}`, "from", "is 60000 bytes long; phone numbers and addresses are at most 256 bytes"},
		{"to too long", `{"id":"t1","from":"a","to":"` + strings.Repeat("1", 60_000) + `"}`, "to", "at most 256 bytes"},
		{"id too long", `{"id":"` + strings.Repeat("x", 60_000) + `","from":"a","to":"b"}`, "id", "is 60000 bytes long; ids are at most 256 bytes"},
		{"huge number", `{"id":"t1","from":"a","to":"b","data":{"n":1e400}}`, "data.n", "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Decode(testPlatform, []byte(tt.body))
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
			if len(err.Error()) > 200 {
				t.Errorf("the error is %d bytes long: it quotes the body", len(err.Error()))
			}
		})
	}
}

func TestDecodeIDOfMaxLength(t *testing.T) {
	id := strings.Repeat("é", platform.MaxID/2) // bytes, not characters, count
	ev, err := Decode(testPlatform, []byte(`{"id":"`+id+`","from":"a","to":"b"}`))
	if err != nil || ev.Session != id {
		t.Fatalf("an id of MaxID bytes: %v", err)
	}
	if _, err := Decode(testPlatform, []byte(`{"id":"`+id+`x","from":"a","to":"b"}`)); err == nil {
		t.Error("an id of MaxID+1 bytes was taken")
	}
}

// FuzzDecode checks that Decode never panics and returns either a complete
// event or a *platform.DecodeError, and that an event survives Webhook.
// Both trigger platforms decode with it; their samples seed it.
func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"callback", "callbot"} {
		testdata := filepath.Join("..", "..", "testdata", "webhooks", dir)
		for _, name := range golden.Samples(f, testdata) {
			f.Add(golden.Sample(f, testdata, name))
		}
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `"x"`, `{"id":"t"}`, `{"id":"t","from":"","to":"","data":null}`,
		`{"id":"t","from":"a","to":"b","data":{"a":{"b":{"c":[1,2,{"d":1e308}]}}}}`,
		`{"id":"\ud800","from":"\u0000","to":"\xff","data":{"\u2028":"<&>"}}`,
		`{"id":"` + strings.Repeat("x", 60_000) + `","from":"a","to":"b"}`,
		`{"id":"t","from":"a","to":"b","data":{"n":9007199254740993,"m":-9223372036854775808,"f":0.1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := Decode(testPlatform, body)
		if err != nil {
			var de *platform.DecodeError
			if !errors.As(err, &de) || ev != nil {
				t.Fatalf("Decode = %v, %v (%T)", ev, err, err)
			}
			return
		}
		if ev == nil || ev.Kind != platform.Trigger || ev.Session == "" || len(ev.Session) > platform.MaxID || ev.Delivery != ev.Session || ev.Raw == nil || ev.Data == nil {
			t.Fatalf("incomplete event %+v", ev)
		}
		built, err := Webhook(testPlatform, platform.Call{Session: ev.Session, Caller: ev.Caller, Callee: ev.Callee, Data: ev.Data})
		if err != nil {
			t.Fatalf("Webhook: %v", err)
		}
		if _, err := Decode(testPlatform, built); err != nil {
			t.Fatalf("Decode(Webhook()): %v\n%s", err, built)
		}
	})
}

// A trigger's data is echoed into what the flow sends (a callbot contact's
// variables, a callback's legs): its numbers are decoded exactly.
func TestDecodeExactNumbers(t *testing.T) {
	ev, err := Decode(testPlatform, []byte(`{"id":"t1","from":"a","to":"b","data":{"order":9007199254740993,"score":9.5,"n":[-9007199254740993]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"order": int64(9007199254740993), "score": 9.5, "n": []any{int64(-9007199254740993)}}
	if diff := cmp.Diff(want, ev.Data); diff != "" {
		t.Errorf("Data (-want +got):\n%s", diff)
	}
}
