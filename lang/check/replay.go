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
// place). Compiling the same body, or a body of the same text (the same
// tree but for its positions, which compiling does not read), under the
// same facts puts exactly the same there, so a later check does that
// instead.
type handlerExprs struct {
	facts *exprFacts
	body  *ast.Block
	key   string // the body's text
	// exprs were compiled to cxs, valued have values; their places in
	// the body's expressions in source order are at and valuedAt.
	exprs, valued []*ast.Expr
	cxs           []*exprs.Compiled
	values        []any
	at, valuedAt  []int
	n             int // how many expressions the body holds
}

// recording is the state before one handler's expressions are compiled,
// to tell whether they can be kept.
type recording struct {
	diags, failed, charged int
	rec                    *handlerExprs
}

// handlerExprs compiles the expressions of c.handlers[i], or puts what an
// earlier check's compile of the same body put in the Info when it can.
func (c *checker) handlerExprs(i int, facts *exprFacts) {
	if c.u.Cache == nil {
		for _, s := range c.handlerSteps(i) {
			c.stepExprs(s)
		}
		return
	}
	body := c.handlers[i].Body
	if old := c.last.exprs[body]; old != nil && c.sameFacts(old.facts, facts) {
		c.replay(old)
		c.keepExprs(old)
		return
	}
	text := c.srcOf(body)
	if old := c.last.texts[string(text)]; text != nil && old != nil && c.sameFacts(old.facts, facts) {
		if now := c.moveExprs(old, body); now != nil {
			c.replay(now)
			c.keepExprs(now)
			return
		}
	}
	r := recording{diags: len(c.diags), failed: len(c.failed), charged: c.mem.Used(), rec: &handlerExprs{facts: facts, body: body}}
	c.rec = r.rec
	for _, s := range c.handlerSteps(i) {
		c.stepExprs(s)
	}
	c.rec = nil
	if text != nil && len(c.diags) == r.diags && len(c.failed) == r.failed && c.mem.Used() == r.charged &&
		allScalar(r.rec.values) && r.rec.place() {
		r.rec.key = string(text)
		c.keepExprs(r.rec)
	}
}

// srcOf is b's source text.
func (c *checker) srcOf(b *ast.Block) []byte {
	f := c.file(b.At.File)
	if f == nil || b.At.Start.Offset < 0 || b.At.End.Offset > len(f.Src) || b.At.Start.Offset > b.At.End.Offset {
		return nil
	}
	return f.Src[b.At.Start.Offset:b.At.End.Offset]
}

// replay puts what h records in the Info.
func (c *checker) replay(h *handlerExprs) {
	for j, x := range h.exprs {
		c.info.Exprs[x] = h.cxs[j]
	}
	for j, x := range h.valued {
		c.info.Values[x] = h.values[j]
	}
}

// moveExprs is old for body, a body of the same text: old with each
// expression the one at its place in body. It is nil when body may not be
// the same tree as old's: a file with syntax errors may cut a body short
// of what its text says, so then only the very body will do.
func (c *checker) moveExprs(old *handlerExprs, body *ast.Block) *handlerExprs {
	if c.u.Main.Partial {
		return nil
	}
	all := bodyExprs(body)
	if len(all) != old.n {
		return nil
	}
	now := &handlerExprs{facts: old.facts, body: body, key: old.key, cxs: old.cxs, values: old.values, at: old.at, valuedAt: old.valuedAt, n: old.n}
	now.exprs = make([]*ast.Expr, len(old.at))
	for j, k := range old.at {
		if all[k].Text != old.exprs[j].Text {
			return nil
		}
		now.exprs[j] = all[k]
	}
	now.valued = make([]*ast.Expr, len(old.valuedAt))
	for j, k := range old.valuedAt {
		now.valued[j] = all[k]
	}
	return now
}

// place numbers h's expressions by their place among its body's; false
// when one is not among them.
func (h *handlerExprs) place() bool {
	all := bodyExprs(h.body)
	h.n = len(all)
	index := make(map[*ast.Expr]int, len(all))
	for k, x := range all {
		index[x] = k
	}
	var ok bool
	if h.at, ok = places(h.exprs, index); !ok {
		return false
	}
	h.valuedAt, ok = places(h.valued, index)
	return ok
}

func places(xs []*ast.Expr, index map[*ast.Expr]int) ([]int, bool) {
	out := make([]int, len(xs))
	for j, x := range xs {
		k, ok := index[x]
		if !ok {
			return nil, false
		}
		out[j] = k
	}
	return out, true
}

// bodyExprs are the expressions in b, in the order ast.Inspect meets them.
func bodyExprs(b *ast.Block) []*ast.Expr {
	var out []*ast.Expr
	ast.Inspect(b, func(n ast.Node) bool {
		if x, ok := n.(*ast.Expr); ok {
			out = append(out, x)
		}
		return true
	})
	return out
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

func (c *checker) keepExprs(h *handlerExprs) {
	if c.now.exprs == nil {
		c.now.exprs = make(map[*ast.Block]*handlerExprs, len(c.handlers))
		c.now.texts = make(map[string]*handlerExprs, len(c.handlers))
	}
	c.now.exprs[h.body] = h
	c.now.texts[h.key] = h
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
