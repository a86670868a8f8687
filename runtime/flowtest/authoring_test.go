package flowtest_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime/flowtest"
)

// The worked examples of docs/authoring.md (a PIN check against a CRM
// with an auth header, a feedback survey that posts its answers) are the
// flows in testdata/authoring: they check, their tests pass, and the guide
// shows them as they are.
func TestAuthoringExamples(t *testing.T) {
	const dir = "../../testdata/authoring"
	fsys := os.DirFS(dir)
	prog, ds := lang.CompileDir(fsys, lang.WithPlaceholderSecrets())
	if ds.HasErrors() || prog == nil || len(ds) != 0 {
		t.Fatalf("the examples do not check cleanly:\n%v", ds)
	}
	rep := flowtest.Run(context.Background(), prog, flowtest.WithFS(fsys))
	if len(rep.Tests) < 6 {
		t.Errorf("%d tests ran, want the examples' 6", len(rep.Tests))
	}
	for _, r := range rep.Tests {
		if !r.Passed() {
			t.Errorf("%s %q: %v", r.Flow, r.Name, r.Failure)
		}
	}
	guide, err := os.ReadFile("../../docs/authoring.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pincheck.flow", "pincheck_test.flow", "survey.flow", "survey_test.flow"} {
		src, err := os.ReadFile(dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(guide), "```flow\n"+string(src)+"```\n") {
			t.Errorf("docs/authoring.md does not show testdata/authoring/%s as it is", name)
		}
	}
}
