package flows_test

import (
	"context"
	"os"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime/flowtest"
)

// TestShippedFlowTests runs the test blocks of every shipped flow, as
// `callflow test flows` does, and requires them to pass and, together, to
// match every rule, enter every handler and run every step of every flow:
// a shipped example is copied, so all of it must be shown to work.
func TestShippedFlowTests(t *testing.T) {
	fsys := os.DirFS(".")
	prog, diags := lang.CompileDir(fsys, lang.WithPlaceholderSecrets())
	if diags.HasErrors() || prog == nil {
		t.Fatalf("the shipped flows do not compile:\n%v", diags)
	}
	rep := flowtest.Run(context.Background(), prog, flowtest.WithFS(fsys))
	if len(rep.Tests) == 0 {
		t.Fatal("no tests ran")
	}
	for _, r := range rep.Tests {
		if r.Failure != nil {
			t.Errorf("FAIL %s: %q: %s", r.Failure.At, r.Name, r.Failure.Msg)
		}
	}
	tested := map[string]bool{}
	for _, r := range rep.Tests {
		tested[r.Flow] = true
	}
	for _, f := range prog.Flows {
		if !tested[f.Name] {
			t.Errorf("flow %s has no tests", f.Name)
		}
	}
	for _, c := range rep.Coverage {
		if c.Rules.Hit != c.Rules.Total || c.Handlers.Hit != c.Handlers.Total || c.Steps.Hit != c.Steps.Total {
			t.Errorf("flow %s: the tests match rules %s, enter handlers %s, run steps %s; want all of each", c.Flow, c.Rules, c.Handlers, c.Steps)
		}
		for _, m := range c.Missed {
			t.Errorf("%s: no test exercises %s", m.At, m)
		}
		t.Logf("%s: rules %s, handlers %s, steps %s", c.Flow, c.Rules, c.Handlers, c.Steps)
	}
}
