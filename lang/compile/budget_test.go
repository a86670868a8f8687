package compile_test

import (
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
)

// An expression is marked as charging the webhook's memory budget exactly
// when it builds a value: the runtime puts the budget in the environment
// only once such an expression runs, so a routing decision of comparisons
// pays nothing for it, and an expression that builds is always charged.
func TestBudgetedExpressions(t *testing.T) {
	tests := []struct {
		name, value string
		budgeted    bool
	}{
		{"comparison", `caller == "+8613000000000"`, false},
		{"startsWith", `caller startsWith "+861"`, false},
		{"number sum", `1 + len(caller)`, false},
		{"concatenation", `"hello " + caller`, true},
		{"interpolation", `"hello ${caller}"`, true},
		{"builtin", `upper(caller)`, true},
		{"range", `len(1..len(caller))`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "flow f\ntarget tencent\notherwise -> main\nhandler main {\n  set v = " + tt.value + "\n  agent 1\n}\n"
			prog, ds := lang.CompileFile("f.flow", []byte(src))
			if ds.HasErrors() || prog == nil {
				t.Fatalf("does not compile: %v", ds)
			}
			set, ok := prog.Flow("f").Handlers["main"].Code[0].(*ir.Set)
			if !ok {
				t.Fatalf("first instruction is %T, want *ir.Set", prog.Flow("f").Handlers["main"].Code[0])
			}
			if set.Value.Budgeted != tt.budgeted {
				t.Errorf("%s: Budgeted = %v, want %v", tt.value, set.Value.Budgeted, tt.budgeted)
			}
		})
	}
}
