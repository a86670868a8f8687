package compile_test

import (
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
)

// An expression is marked as a variable (ir.Expr.Var) exactly when its
// text is nothing but a variable's name: the runtime reads those from the
// session without building the environment, so nothing else may be marked.
func TestBareVariables(t *testing.T) {
	tests := []struct{ value, want string }{
		{`x`, "x"},
		{` x `, "x"},
		{`(x)`, ""},
		{`x + "b"`, ""},
		{`"${x}"`, ""},
		{`x == "a"`, ""},
		{`caller`, ""},   // a builtin
		{`greeting`, ""}, // a constant
		{`crm`, ""},      // a lookup
		{`crm.vip`, ""},
		{`upper(x)`, ""},
	}
	for _, tt := range tests {
		src := "flow f\ntarget tencent\nconst greeting = \"hi\"\n" +
			"lookup crm = get \"https://crm.example.com/${caller}\" timeout 1s else {vip: false}\n" +
			"otherwise -> main\nhandler main {\n  set x = caller\n  set v = " + tt.value + "\n  agent 1\n}\n"
		prog, ds := lang.CompileFile("f.flow", []byte(src))
		if ds.HasErrors() || prog == nil {
			t.Fatalf("%s does not compile: %v", tt.value, ds)
		}
		set, ok := prog.Flow("f").Handlers["main"].Code[1].(*ir.Set)
		if !ok {
			t.Fatalf("second instruction is %T, want *ir.Set", prog.Flow("f").Handlers["main"].Code[1])
		}
		if set.Value.Var != tt.want {
			t.Errorf("%s: Var = %q, want %q", tt.value, set.Value.Var, tt.want)
		}
	}
}
