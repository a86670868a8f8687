package vonage_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime/flowtest"
)

// The example flow in testdata/flows passes its own tests, run as
// `callflow test` runs them: calls built by the adapter's Webhook, presses
// judged by its Press, answers rendered to NCCOs and compared with the
// golden files beside it.
func TestHelplineFlow(t *testing.T) {
	const dir = "testdata/flows"
	fsys := os.DirFS(dir)
	paths, err := filepath.Glob(filepath.Join(dir, "*.flow"))
	if err != nil || len(paths) != 2 {
		t.Fatalf("want helpline.flow and its tests: %v %v", paths, err)
	}
	for i, p := range paths {
		paths[i] = filepath.Base(p)
	}
	prog, ds := lang.CompileFiles(fsys, paths)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	rep := flowtest.Run(context.Background(), prog, flowtest.WithFS(fsys), flowtest.WithTime(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)))
	if len(rep.Tests) != 9 || !rep.OK() {
		for _, f := range rep.Failures() {
			t.Error(f.Failure)
		}
		t.Fatalf("%d tests, %d passed; want 9 passing", len(rep.Tests), rep.Passed())
	}
}
