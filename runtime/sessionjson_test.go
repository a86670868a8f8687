package runtime_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
)

// FuzzSessionJSON: a corrupted value under a session key (any bytes) is
// an error or a session, never a panic; and a session decoded encodes to
// something that decodes to the same encoding (the wire form is stable).
func FuzzSessionJSON(f *testing.F) {
	seed := &runtime.Session{Platform: "8x8", ID: "s", Flow: "f", Version: "0123456789ab", Handler: "h", PC: 2,
		Vars: map[string]any{"n": 3, "big": int64(1 << 60), "at": time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
			"l": []any{1, "x", map[string]any{"d": 90 * time.Second}}, "s": "t"},
		Lookups: map[string]any{"crm|u": map[string]any{"id": int64(-1 << 62), "ok": true}}}
	data, err := json.Marshal(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"tv":{"x":{"t":"list","l":[{"t":"map","m":{"a":{"t":"int","v":"1"}}}]}}}`))
	f.Add([]byte(`{"tv":{"x":{"t":"json","j":"nope"}}}`))
	f.Add([]byte(`{"tl":{"x":{"t":"weird"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s runtime.Session
		if json.Unmarshal(data, &s) != nil {
			return
		}
		once, err := json.Marshal(&s)
		if err != nil {
			t.Fatalf("a decoded session does not encode: %v", err)
		}
		var again runtime.Session
		if err := json.Unmarshal(once, &again); err != nil {
			t.Fatalf("%s: does not decode: %v", once, err)
		}
		twice, err := json.Marshal(&again)
		if err != nil || string(twice) != string(once) {
			t.Fatalf("unstable encoding:\n%s\n%s", once, twice)
		}
	})
}
