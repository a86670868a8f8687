package lang_test

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
)

// An editor gets the diagnostics `callflow check` prints, with the trees and
// the checker's findings beside them.
func TestAnalyzeReportsWhatCompileReports(t *testing.T) {
	fsys := fstest.MapFS{
		"a.flow":      {Data: []byte("flow a\ntarget 8x8\nconst desk = \"+6587650000\"\notherwise -> menu\nhandler menu { goto mneu }\nhandler lost { hangup }\n")},
		"a_test.flow": {Data: []byte("flow a\ntest \"t\" { call 8x8 from \"+6591234567\" to \"+6512345678\" }\n")},
	}
	paths := []string{"a.flow", "a_test.flow"}
	_, want := lang.CompileFiles(fsys, paths)
	a := lang.Analyze(fsys, paths, lang.WithPlaceholderSecrets())
	if got, w := a.Diagnostics.String(), want.String(); got != w || w == "" {
		t.Fatalf("Analyze diagnostics:\n%s\nCompileFiles:\n%s", got, w)
	}
	fa := a.Flow("a_test.flow")
	if fa == nil || fa.Unit.Main.Name != "a.flow" || len(fa.Unit.Tests) != 1 {
		t.Fatalf("the test file's flow = %+v, want a.flow with one test file", fa)
	}
	if fa.Info.Consts["desk"] != "+6587650000" || fa.Info.Handlers["lost"] == nil {
		t.Errorf("the checker's findings are missing: consts %v, handlers %v", fa.Info.Consts, fa.Info.Handlers)
	}
	if a.Trees["a.flow"] == nil || a.Files["a_test.flow"] == nil {
		t.Errorf("trees or sources missing: %v %v", a.Trees, a.Files)
	}
}

// The shipped flows analyze without errors, as they compile.
func TestAnalyzeShippedFlows(t *testing.T) {
	fsys := os.DirFS("../flows")
	paths, err := lang.FlowFiles(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	a := lang.Analyze(fsys, paths, lang.WithPlaceholderSecrets())
	if a.Diagnostics.HasErrors() || len(a.Flows) == 0 {
		t.Fatalf("%d flows, diagnostics:\n%s", len(a.Flows), a.Diagnostics)
	}
}
