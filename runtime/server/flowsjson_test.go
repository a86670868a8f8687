package server_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
)

// A diagnostic in /v1/flows names its fields as `callflow check --format
// json` does, with the same values: one name for a column ("column", not
// "col"; "col" stays as a deprecated copy for the clients that read it).
func TestFlowsDiagnosticsNamedAsCheck(t *testing.T) {
	const src = "flow broken\ntarget tencent\notherwise -> nothing\n"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "broken.flow"), src)
	s := newStack(t, dir)

	var status struct {
		Flows []struct {
			Diagnostics []map[string]any `json:"diagnostics"`
		} `json:"flows"`
	}
	if err := getJSON(s.url+"/v1/flows", &status); err != nil {
		t.Fatal(err)
	}
	if len(status.Flows) != 1 || len(status.Flows[0].Diagnostics) != 1 {
		t.Fatalf("/v1/flows: %+v, want one flow with one diagnostic", status)
	}
	served := status.Flows[0].Diagnostics[0]

	_, ds := lang.CompileFiles(fstest.MapFS{"broken.flow": {Data: []byte(src)}}, []string{"broken.flow"})
	var buf bytes.Buffer
	if err := diag.WriteJSON(&buf, ds, nil); err != nil {
		t.Fatal(err)
	}
	var checked []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &checked); err != nil || len(checked) != 1 {
		t.Fatalf("check's JSON: %v %s", err, buf.Bytes())
	}
	for _, k := range slices.Sorted(maps.Keys(served)) {
		want, named := checked[0][k]
		switch {
		case k == "col":
			if served[k] != served["column"] {
				t.Errorf("the deprecated col is %v, column %v", served[k], served["column"])
			}
		case !named:
			t.Errorf("/v1/flows names a field %q that check --format json does not", k)
		case served[k] != want:
			t.Errorf("%s: /v1/flows says %v, check %v", k, served[k], want)
		}
	}
	for _, k := range []string{"file", "line", "column", "end_line", "end_column", "code", "severity", "message", "hint"} {
		if _, ok := served[k]; !ok {
			t.Errorf("/v1/flows lacks %q: %v", k, served)
		}
	}
}
