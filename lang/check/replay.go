package check

import (
	"maps"
	"reflect"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
)

// exprFacts are what compiling the expressions of a handler depends on
// besides the handler: the environment (each name, its type and kind), the
// const values and the consts that failed. compileExprs snapshots them
// when the environment is complete.
type exprFacts struct {
	env    [32]byte
	kinds  map[string]exprs.Kind
	consts map[string]any
	failed map[string]bool
}

func (c *checker) exprFacts() *exprFacts {
	return &exprFacts{
		env: c.info.Env.Digest(), kinds: c.info.Env.Kinds(),
		consts: maps.Clone(c.info.Consts), failed: maps.Clone(c.failedConsts),
	}
}

// same reports whether f and o are the same facts. Values that are not
// deeply equal (a NaN) make them differ, which only costs a compile.
func (f *exprFacts) same(o *exprFacts) bool {
	return f == o || f.env == o.env && maps.Equal(f.kinds, o.kinds) &&
		maps.Equal(f.failed, o.failed) && reflect.DeepEqual(f.consts, o.consts)
}

// handlerExprs is what compileExprs put in the Info for one handler's
// body, under facts, when that cost nothing else: no diagnostic, no
// expression marked failed, nothing charged to the flow's memory budget,
// and every value a string, number or bool (which nothing can change in
// place). Compiling the same body under the same facts puts exactly the
// same there, so a later check does that instead.
type handlerExprs struct {
	facts  *exprFacts
	exprs  []*ast.Expr
	cxs    []*exprs.Compiled
	valued []*ast.Expr
	values []any
}

// recording is the state before one handler's expressions are compiled,
// to tell whether they can be kept.
type recording struct {
	diags, failed, charged int
	rec                    *handlerExprs
}

// handlerExprs compiles the expressions of c.handlers[i], or puts what an
// earlier check's compile put in the Info when it can.
func (c *checker) handlerExprs(i int, facts *exprFacts) {
	body := c.handlers[i].Body
	if old := c.lastExprs[body]; old != nil && c.sameFacts(old.facts, facts) {
		for j, x := range old.exprs {
			c.info.Exprs[x] = old.cxs[j]
		}
		for j, x := range old.valued {
			c.info.Values[x] = old.values[j]
		}
		c.keepExprs(body, old)
		return
	}
	if c.u.Cache == nil {
		for _, s := range c.handlerSteps(i) {
			c.stepExprs(s)
		}
		return
	}
	r := recording{diags: len(c.diags), failed: len(c.failed), charged: c.mem.Used(), rec: &handlerExprs{facts: facts}}
	c.rec = r.rec
	for _, s := range c.handlerSteps(i) {
		c.stepExprs(s)
	}
	c.rec = nil
	if len(c.diags) == r.diags && len(c.failed) == r.failed && c.mem.Used() == r.charged && allScalar(r.rec.values) {
		c.keepExprs(body, r.rec)
	}
}

// sameFacts compares facts once per check for each earlier snapshot.
func (c *checker) sameFacts(old, now *exprFacts) bool {
	if same, ok := c.factsSeen[old]; ok {
		return same
	}
	if c.factsSeen == nil {
		c.factsSeen = map[*exprFacts]bool{}
	}
	same := old.same(now)
	c.factsSeen[old] = same
	return same
}

func (c *checker) keepExprs(b *ast.Block, h *handlerExprs) {
	if c.exprsKept == nil {
		c.exprsKept = make(map[*ast.Block]*handlerExprs, len(c.handlers))
	}
	c.exprsKept[b] = h
}

// recordExpr notes x compiled to cx for the handler being recorded.
func (c *checker) recordExpr(x *ast.Expr, cx *exprs.Compiled) {
	if c.rec != nil {
		c.rec.exprs = append(c.rec.exprs, x)
		c.rec.cxs = append(c.rec.cxs, cx)
	}
}

// recordValue notes x's value, known when the flow compiles.
func (c *checker) recordValue(x *ast.Expr, v any) {
	if c.rec != nil {
		c.rec.valued = append(c.rec.valued, x)
		c.rec.values = append(c.rec.values, v)
	}
}

func allScalar(vs []any) bool {
	for _, v := range vs {
		switch v.(type) {
		case string, bool, int, int64, float64:
		default:
			return false
		}
	}
	return true
}
