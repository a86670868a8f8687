package flowtest

import (
	"errors"
	"maps"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
)

// evaluator evaluates the expressions of test statements. They are
// expr-lang expressions like the flow's, with the same functions and ${…}
// interpolation; the names they may read are the flow's consts (a test has
// no call, session or variables to read from).
type evaluator struct {
	env  *exprs.Env
	vals map[string]any
}

func newEvaluator(f *ir.Flow) *evaluator {
	env := exprs.NewEnv()
	for name, v := range f.Consts {
		env.Define(name, v, exprs.ConstName)
	}
	vals := maps.Clone(f.Consts)
	if vals == nil {
		vals = map[string]any{}
	}
	return &evaluator{env: env, vals: vals}
}

// eval evaluates x; nil evaluates to nil.
func (e *evaluator) eval(x *ast.Expr) (any, error) {
	if x == nil {
		return nil, nil
	}
	// The expression is compiled on its own, as a one-line file, so an
	// error needs nothing but its text; the caller reports x's position.
	f := source.NewFile(x.At.File, []byte(x.Text))
	cx, d := e.env.Compile(f, &ast.Expr{Base: ast.Base{At: f.Span(0, len(x.Text))}, Text: x.Text})
	if d != nil {
		return nil, errors.New(d.Summary)
	}
	for _, name := range cx.Refs {
		if k, _ := e.env.Kind(name); k != exprs.ConstName {
			return nil, errors.New("a test expression reads only the flow's consts, not " + name)
		}
	}
	return exprs.Eval(cx, e.vals)
}

// text evaluates x to the text it says (strings as they are, numbers
// without decimals).
func (e *evaluator) text(x *ast.Expr) (string, error) {
	v, err := e.eval(x)
	return exprs.Text(v), err
}
