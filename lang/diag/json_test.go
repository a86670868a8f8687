package diag

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestJSONFields(t *testing.T) {
	ds, fs := fixture(t)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, ds, fs); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ds) {
		t.Fatalf("%d objects for %d diagnostics", len(got), len(ds))
	}
	first := got[0]
	for k, want := range map[string]any{
		"code": "unknown-handler", "severity": "error", "file": "flows/support.flow",
		"line": 4.0, "column": 32.0, "end_line": 4.0, "end_column": 38.0,
		"message": `no handler named "suport"`, "suggestion": "support",
		"hint": `Declare the handler or fix the name. Did you mean "support"?`,
	} {
		if first[k] != want {
			t.Errorf("%s = %#v, want %#v", k, first[k], want)
		}
	}
	if _, ok := first["related"]; ok {
		t.Errorf("related present without related spans")
	}
	if _, ok := got[1]["suggestion"]; ok {
		t.Errorf("suggestion present without one")
	}
	rel, ok := got[3]["related"].([]any)
	if !ok || len(rel) != 1 {
		t.Fatalf("related = %#v", got[3]["related"])
	}
	r := rel[0].(map[string]any)
	if r["file"] != "flows/hotline.flow" || r["line"] != 2.0 || r["column"] != 9.0 || r["message"] != "first declared here" {
		t.Errorf("related = %#v", r)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("[\n  {\n    \"code\"")) {
		t.Errorf("not indented by two spaces:\n%s", buf.Bytes()[:40])
	}
}
