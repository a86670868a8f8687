package runtime

import (
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
)

func compileVersion(t *testing.T, greeting string) *ir.Program {
	t.Helper()
	src := "flow hello\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\notherwise -> main\nhandler main {\n  say \"" + greeting + "\"\n  hangup\n}\n"
	prog, ds := lang.CompileFile("hello.flow", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return prog
}

func loadedVersions(e *Engine) int {
	n := 0
	e.versions.Range(func(_, _ any) bool { n++; return true })
	return n
}

// Old versions stay loaded while calls may be pinned to them, and are
// dropped once none has used them for the session TTL, so hot reloads do
// not accumulate programs.
func TestOldVersionsArePruned(t *testing.T) {
	v1, v2, v3 := compileVersion(t, "one"), compileVersion(t, "two"), compileVersion(t, "three")

	kept, err := New(WithFlows(v1))
	if err != nil {
		t.Fatal(err)
	}
	kept.Swap(v2)
	if n := loadedVersions(kept); n != 2 {
		t.Errorf("%d versions loaded after a swap within the TTL, want 2 (calls may still run on v1)", n)
	}

	pruned, err := New(WithSessionTTL(time.Nanosecond), WithFlows(v1))
	if err != nil {
		t.Fatal(err)
	}
	pruned.Swap(v2)
	pruned.Swap(v3)
	if n := loadedVersions(pruned); n != 1 {
		t.Errorf("%d versions loaded after the TTL passed, want only the current one", n)
	}
	if f := pruned.version("hello", v3.Flows[0].Version, time.Now()); f == nil {
		t.Error("the current version was pruned")
	}
}
