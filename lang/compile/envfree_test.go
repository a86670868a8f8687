package compile_test

import (
	"slices"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
)

// An expression is marked as a variable (ir.Shortcut.Var) exactly when its
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
		set, ok := mainStep(t, src, 1).(*ir.Set)
		if !ok {
			t.Fatalf("%s: the second step is no *ir.Set", tt.value)
		}
		if got := shortcut(set.Value).Var; got != tt.want {
			t.Errorf("%s: Var = %q, want %q", tt.value, got, tt.want)
		}
	}
}

// A say's text is marked as a template (ir.Shortcut.Template) exactly when it
// is one string literal whose interpolations are each a variable's name.
func TestTemplates(t *testing.T) {
	tests := []struct {
		text  string
		lits  []string
		names []string
	}{
		{`"Order ${x} is on its way."`, []string{"Order ", " is on its way."}, []string{"x"}},
		{`"${x}"`, []string{"", ""}, []string{"x"}},
		{` "${ x }-${y}\n" `, []string{"", "-", "\n"}, []string{"x", "y"}},
		{`"${x}${y}${x}${y}"`, []string{"", "", "", "", ""}, []string{"x", "y", "x", "y"}},
		{`"${x}${y}${x}${y}${x}"`, nil, nil}, // more names than MaxTemplateNames
		{`"plain"`, nil, nil},                // a constant
		{`"hi ${caller}"`, nil, nil},         // a builtin
		{`"hi ${greeting} ${x}"`, nil, nil},  // a constant
		{`"hi ${upper(x)}"`, nil, nil},
		{`"hi ${x + x}"`, nil, nil},
		{`"a ${x}" + "b"`, nil, nil},
		{`x + "b"`, nil, nil},
		{`"hi ${crm.name}"`, nil, nil}, // a lookup
	}
	for _, tt := range tests {
		src := "flow f\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\nconst greeting = \"hi\"\n" +
			"lookup crm = get \"https://crm.example.com/${caller}\" timeout 1s else {name: \"\"}\n" +
			"otherwise -> main\nhandler main {\n  set x = caller\n  set y = 2\n  say " + tt.text + "\n  hangup\n}\n"
		say, ok := mainStep(t, src, 2).(*ir.Say)
		if !ok {
			t.Fatalf("%s: the third step is no *ir.Say", tt.text)
		}
		tmpl := shortcut(say.Text).Template
		if tt.names == nil {
			if tmpl != nil {
				t.Errorf("%s is marked as a template: %+v", tt.text, tmpl)
			}
			continue
		}
		if tmpl == nil || !slices.Equal(tmpl.Lits, tt.lits) || !slices.Equal(tmpl.Names, tt.names) {
			t.Errorf("%s: template %+v, want %q %q", tt.text, tmpl, tt.lits, tt.names)
		}
	}
}

// An expression is marked as asking an hours declaration (ir.Shortcut.Hours)
// exactly when it is nothing but open(NAME) or not open(NAME).
func TestOpenHours(t *testing.T) {
	tests := []struct {
		cond         string
		marked, shut bool
	}{
		{`open(office)`, true, false},
		{`not open(office)`, true, true},
		{` not  open( office ) `, true, true},
		{`open(office) and caller == "+6591234567"`, false, false},
		{`not not open(office)`, false, false},
		{`!open(office)`, false, false},
		{`(open(office))`, false, false},
		{`open(office) == true`, false, false},
	}
	for _, tt := range tests {
		src := "flow f\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\nhours office \"Mon-Fri 09:00-18:00\" tz \"Asia/Singapore\"\n" +
			"when " + tt.cond + " -> main\notherwise -> main\nhandler main {\n  hangup\n}\n"
		f := flowF(t, src)
		cond := shortcut(f.Rules[0].Cond)
		if (cond.Hours != nil) != tt.marked || cond.Closed != tt.shut {
			t.Errorf("%s: Hours %v, Closed %v; want marked %v, closed %v", tt.cond, cond.Hours, cond.Closed, tt.marked, tt.shut)
		}
		if tt.marked && cond.Hours != f.Hours["office"] {
			t.Errorf("%s asks another schedule than office", tt.cond)
		}
	}
}

// shortcut is x's Shortcut, the zero one when x has none.
func shortcut(x *ir.Expr) ir.Shortcut {
	if x.Short == nil {
		return ir.Shortcut{}
	}
	return *x.Short
}

// mainStep compiles src, a flow named f, and returns instruction i of its
// handler main.
func mainStep(t *testing.T, src string, i int) ir.Instr {
	t.Helper()
	return flowF(t, src).Handlers["main"].Code[i]
}

// flowF compiles src, a flow named f.
func flowF(t *testing.T, src string) *ir.Flow {
	t.Helper()
	prog, ds := lang.CompileFile("f.flow", []byte(src))
	if ds.HasErrors() || prog == nil {
		t.Fatalf("does not compile: %v\n%s", ds, src)
	}
	return prog.Flow("f")
}
