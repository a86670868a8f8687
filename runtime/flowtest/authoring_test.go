package flowtest_test

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/format"
	"github.com/callflow/callflow/runtime/flowtest"
)

// The worked examples of docs/authoring.md section 8 live in
// testdata/authoring: each checks without a diagnostic (warnings
// included), is formatted, is printed in the guide as it is, and its tests
// pass and run every step.
func TestAuthoringExamples(t *testing.T) {
	fsys := os.DirFS("../../testdata/authoring")
	prog, diags := lang.CompileDir(fsys, lang.WithPlaceholderSecrets()) // as callflow test does
	if len(diags) > 0 || prog == nil {
		t.Fatalf("the examples do not check cleanly:\n%v", diags)
	}
	guide, err := os.ReadFile("../../docs/authoring.md")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(fsys, "*.flow")
	for _, name := range files {
		src, _ := fs.ReadFile(fsys, name)
		if out, err := format.Source(name, src); err != nil || string(out) != string(src) {
			t.Errorf("%s is not formatted (%v)", name, err)
		}
		if !strings.Contains(string(guide), "```flow\n"+string(src)+"```") {
			t.Errorf("docs/authoring.md does not print %s as it is", name)
		}
	}
	rep := flowtest.Run(context.Background(), prog, flowtest.WithFS(fsys))
	for _, r := range rep.Tests {
		if !r.Passed() {
			t.Errorf("%q: %v", r.Name, r.Failure)
		}
	}
	if len(rep.Tests) < 15 {
		t.Errorf("%d tests ran, want the 15 of the examples", len(rep.Tests))
	}
	for _, c := range rep.Coverage {
		if c.Steps.Hit != c.Steps.Total || c.Handlers.Hit != c.Handlers.Total {
			t.Errorf("%s: handlers %s, steps %s; the guide says 100%%", c.Flow, c.Handlers, c.Steps)
		}
	}
}
