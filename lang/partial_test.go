package lang_test

import (
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
)

// WithPartial keeps the flows without errors, and drops those whose
// source, tests or number claim has one; without it there is no program.
func TestCompilePartial(t *testing.T) {
	fsys := fstest.MapFS{
		"good.flow":        {Data: []byte("flow good\ntarget 8x8\nnumber \"+6511111111\"\notherwise -> h\nhandler h { hangup }\n")},
		"broken.flow":      {Data: []byte("flow broken\ntarget 8x8\notherwise -> nothing\n")},
		"taken.flow":       {Data: []byte("flow taken\ntarget 8x8\nnumber \"+6511111111\"\notherwise -> h\nhandler h { hangup }\n")},
		"tested.flow":      {Data: []byte("flow tested\ntarget 8x8\notherwise -> h\nhandler h { hangup }\n")},
		"tested_test.flow": {Data: []byte("flow tested\ntest \"t\" {\n  call 8x8\n  expect nonsense\n}\n")},
	}
	paths, err := lang.FlowFiles(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	if prog, _ := lang.CompileFiles(fsys, paths); prog != nil {
		t.Fatal("without WithPartial a folder with errors gave a program")
	}
	prog, ds := lang.CompileFiles(fsys, paths, lang.WithPartial(true))
	if !ds.HasErrors() {
		t.Fatal("the errors were not reported")
	}
	if prog == nil || len(prog.Flows) != 1 || prog.Flows[0].Name != "good" {
		t.Fatalf("got %v, want the program of flow good alone; diagnostics:\n%v", prog, ds)
	}
	if prog, _ := lang.CompileFiles(fsys, []string{"broken.flow"}, lang.WithPartial(true)); prog != nil {
		t.Errorf("no flow compiles, yet a program of %d flows", len(prog.Flows))
	}
}
