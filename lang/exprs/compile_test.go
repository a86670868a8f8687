package exprs

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/hours"
	"github.com/callflow/callflow/lang/source"
)

// compileAt compiles the expression that starts at the first "«" in line and
// ends at "»", as if it stood in a .flow file.
func compileAt(t *testing.T, env *Env, line string) (*Compiled, *diag.Diagnostic, *source.File) {
	t.Helper()
	start := strings.Index(line, "«")
	end := strings.Index(line, "»")
	src := line[:start] + line[start+len("«"):end] + line[end+len("»"):]
	end -= len("«")
	f := source.NewFile("t.flow", []byte(src))
	x := &ast.Expr{Base: ast.Base{At: f.Span(start, end)}, Text: src[start:end]}
	c, d := env.Compile(f, x)
	return c, d, f
}

func testEnv() *Env {
	env := NewEnv()
	env.Define("sales", "+6587654321", ConstName)
	env.Define("vips", Table, TableName)
	env.Define("customer", Map, LookupName)
	env.DefineHours("office")
	env.Define("order_no", "", VarName)
	return env
}

func TestCompileErrorsAtExactPositions(t *testing.T) {
	for _, tc := range []struct {
		line     string
		code     diag.Code
		col, end int
		suggest  string
	}{
		{`  say «"Order ${ordr_no} is on its way."»`, diag.UnknownName, 16, 23, "order_no"},
		{`when «caller in vip» -> x`, diag.UnknownName, 16, 19, "vips"},
		{`  set x = «nationl(caller)»`, diag.UnknownFunction, 11, 18, "national"},
		{`  set x = «"a ${"b ${salse}"}"»`, diag.UnknownName, 21, 26, "sales"},
		{`when «1 +» -> x`, diag.BadExpr, 0, 0, ""},
		{`  agent «"abc" + 1»`, diag.TypeMismatch, 0, 0, ""},
		{`  set x = «now()»`, diag.BadExpr, 0, 0, ""}, // now is the call's time, not a function
	} {
		_, d, _ := compileAt(t, testEnv(), tc.line)
		if d == nil {
			t.Errorf("%s: no diagnostic", tc.line)
			continue
		}
		if d.Code != tc.code {
			t.Errorf("%s: code %s (%s), want %s", tc.line, d.Code, d.Summary, tc.code)
		}
		if tc.col != 0 && (d.Subject.Start.Col != tc.col || d.Subject.End.Col != tc.end) {
			t.Errorf("%s: span %d-%d, want %d-%d (%s)", tc.line, d.Subject.Start.Col, d.Subject.End.Col, tc.col, tc.end, d.Summary)
		}
		if d.Suggest != tc.suggest {
			t.Errorf("%s: suggestion %q, want %q", tc.line, d.Suggest, tc.suggest)
		}
	}
}

func TestCompileInterpolationAndFunctions(t *testing.T) {
	env := testEnv()
	c, d, _ := compileAt(t, env, `say «"Order ${order_no} costs ${1.50 + 1} and ${2 * 3} \${x}"»`)
	if d != nil {
		t.Fatal(d)
	}
	got, err := Eval(c, map[string]any{"order_no": "1234"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Order 1234 costs 2.5 and 6 ${x}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if c.Type != reflect.TypeOf("") {
		t.Errorf("type %v, want string", c.Type)
	}

	sched, err := hours.Parse("Mon-Fri 09:00-18:00", "Asia/Shanghai", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, d, _ = compileAt(t, env, `when «caller startsWith "+861" and open(office)» -> x`)
	if d != nil {
		t.Fatal(d)
	}
	if !reflect.DeepEqual(c.Refs, []string{"caller", "office", "now"}) {
		t.Errorf("refs %v", c.Refs)
	}
	monday10 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, tc := range []struct {
		caller string
		at     time.Time
		want   bool
	}{{"+8613066668888", monday10, true}, {"+8613066668888", monday10.Add(10 * time.Hour), false}, {"+6591234567", monday10, false}} {
		got, err := Eval(c, map[string]any{"caller": tc.caller, "office": sched, "now": tc.at})
		if err != nil || got != tc.want {
			t.Errorf("%s at %v: %v %v, want %v", tc.caller, tc.at, got, err, tc.want)
		}
	}
}
