package compile_test

import (
	"slices"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/exprs"
)

// A flow gets the per-webhook memory budget in its environment only when
// one of its expressions builds a value: the decision is made when the flow
// compiles, so a routing flow of comparisons pays nothing for it per
// webhook, and a flow that builds strings is always charged.
func TestBudgetOnlyWhereExpressionsBuild(t *testing.T) {
	tests := []struct {
		name, body string
		budget     bool
	}{
		{"comparisons", `when caller startsWith "+861" -> main
otherwise -> main
handler main { set vip = caller == "+8613000000000"
  agent 1 }`, false},
		{"concatenation", `otherwise -> main
handler main { set greeting = "hello " + caller
  agent 1 }`, true},
		{"builtin", `otherwise -> main
handler main { set shout = upper(caller)
  agent 1 }`, true},
		{"lookup URL", `lookup crm = get "https://crm.example.com/c/${caller}" else {vip: false}
otherwise -> main
handler main { if crm.vip { agent 2 }
  agent 1 }`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog, ds := lang.CompileFile("f.flow", []byte("flow f\ntarget tencent\n"+tt.body+"\n"))
			if ds.HasErrors() || prog == nil {
				t.Fatalf("does not compile: %v", ds)
			}
			f := prog.Flow("f")
			if got := slices.Contains(f.Builtins, exprs.BudgetName); got != tt.budget {
				t.Errorf("budget in the environment: %v, want %v (builtins %q)", got, tt.budget, f.Builtins)
			}
		})
	}
}
