package runtime

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/platform"
)

// TestSessionVarIsTheBytecodes: an expression that is a variable's name
// evaluates, read from the session (sessionVar), to what its bytecode
// evaluates to in the environment, for values of every kind a variable
// holds; a variable the session does not hold, and a value the bytecode's
// run refuses, are left to the bytecode.
func TestSessionVarIsTheBytecodes(t *testing.T) {
	src := "flow f\ntarget tencent\notherwise -> main\nhandler main {\n  set x = caller\n  set v = x\n  agent 1\n}\n"
	prog, ds := lang.CompileFile("f.flow", []byte(src))
	if ds.HasErrors() || prog == nil {
		t.Fatalf("does not compile: %v", ds)
	}
	flow := prog.Flow("f")
	x := flow.Handlers["main"].Code[1].(*ir.Set).Value
	if x.Var != "x" {
		t.Fatalf("the expression x is not marked as the variable x: %+v", x)
	}
	bytecode := *x
	bytecode.Var = ""
	eng, err := New()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	eval := func(x *ir.Expr, vars map[string]any) (any, error) {
		c := &call{e: eng, flow: flow, now: at, ev: &platform.Event{Platform: "tencent", Session: "s", Caller: "+8613800000000"},
			sess: &Session{Platform: "tencent", ID: "s", Vars: vars}}
		defer c.release()
		return c.eval(x)
	}
	huge := make([]any, 200_000)
	for i := range huge {
		huge[i] = strings.Repeat("x", 10)
	}
	for _, v := range []any{"a", "", 7, int64(1) << 60, 2.5, true, false, at, 90 * time.Second, nil,
		[]any{1, "a", []any{true}}, map[string]any{"k": "v", "n": 1.5}, huge} {
		vars := map[string]any{"x": v, "y": "other"}
		got, gotErr := eval(x, vars)
		want, wantErr := eval(&bytecode, vars)
		if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("x = %T: read from the session %v (%v), by the bytecode %v (%v)", v, short(got), gotErr, short(want), wantErr)
		}
	}
	got, gotErr := eval(x, map[string]any{"y": "other"}) // x not set
	want, wantErr := eval(&bytecode, map[string]any{"y": "other"})
	if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
		t.Errorf("x not set: %v (%v), by the bytecode %v (%v)", got, gotErr, want, wantErr)
	}
}

func short(v any) string {
	s := text(v)
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
