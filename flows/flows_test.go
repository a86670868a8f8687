// Package flows_test proves the shipped example flows are fit to copy: every
// one compiles without a single diagnostic.
package flows_test

import (
	"os"
	"testing"

	"github.com/callflow/callflow/lang"
)

func TestShippedFlowsCheckClean(t *testing.T) {
	prog, diags := lang.CompileDir(os.DirFS("."))
	for _, d := range diags {
		t.Errorf("%s: %s", d.Error(), d.Hint())
	}
	if prog == nil {
		t.Fatal("no program")
	}
	want := []string{"callme", "exam_results", "reception", "support"}
	if len(prog.Flows) != len(want) {
		t.Fatalf("compiled %d flows, want %v", len(prog.Flows), want)
	}
	for i, f := range prog.Flows {
		if f.Name != want[i] {
			t.Errorf("flow %d is %q, want %q", i, f.Name, want[i])
		}
	}
	if got := len(prog.Flow("support").Syntax); got != 2 {
		t.Errorf("support has %d files, want the flow and support_test.flow", got)
	}
}
