package check

import (
	"sync"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
)

// Cache keeps, from one check of a flow to the next (an editor's, after
// each keystroke), what depends only on parts of the tree that did not
// change: compiled expressions, by text and environment, the values of
// those that read no name, by compiled program, the steps of each block,
// by block, and what compiling a handler's expressions put in the Info, by
// its body and the flow-wide facts that compile read (a tree is never
// changed once parsed, and the parser's
// cache hands the next version the very nodes of every statement the edit
// did not touch or move). Results are exactly those of a check without
// it. Safe for concurrent use.
type Cache struct {
	exprs *exprs.Cache

	mu sync.Mutex
	// what the checks learned (see learned), since the last Sweep and
	// before it
	walked  byKey[*ast.Block, []ast.Step]
	handled byKey[*ast.Block, *handlerExprs]
	texts   byKey[string, *handlerExprs]
	live    byKey[*ast.Block, bool]
	values  generations[*exprs.Compiled, any]
	// last are the sizes of the last check's Info maps, which the next
	// check's start at rather than growing to them.
	last infoSizes
}

// generations holds what was read or kept since the last Sweep (used),
// and what was used before it (kept), which the next Sweep drops.
type generations[K comparable, V any] struct {
	used, kept map[K]V
}

func (g *generations[K, V]) get(k K) (V, bool) {
	v, ok := g.used[k]
	if !ok {
		if v, ok = g.kept[k]; ok {
			g.put(k, v)
		}
	}
	return v, ok
}

func (g *generations[K, V]) put(k K, v V) {
	if g.used == nil {
		g.used = map[K]V{}
	}
	g.used[k] = v
}

func (g *generations[K, V]) sweep() {
	g.kept, g.used = g.used, make(map[K]V, len(g.used))
}

type infoSizes struct{ exprs, values, handlers, blocks int }

// sizes are the last check's map sizes; zero without a cache.
func (c *Cache) sizes() infoSizes {
	if c == nil {
		return infoSizes{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func (c *Cache) keepSizes(s infoSizes) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = s
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{exprs: exprs.NewCache()} }

// Sweep ends one check: what it did not use is dropped at the next Sweep.
func (c *Cache) Sweep() {
	c.exprs.Sweep()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.walked.sweep()
	c.handled.sweep()
	c.texts.sweep()
	c.live.sweep()
	c.values.sweep()
}

// Len is how many expressions and blocks the cache holds.
func (c *Cache) Len() (exprs, blocks int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exprs.Len(), c.walked.len()
}

// byKey holds what the checks since the last Sweep learned of each block
// (the map of the first, when only one ran), and last, what the checks
// before it learned, which no one writes to any more.
type byKey[K comparable, V any] struct {
	cur, last map[K]V
}

// keep takes m, which its check does not write to again, into b.cur.
func (b *byKey[K, V]) keep(m map[K]V) {
	if b.cur == nil {
		b.cur = m
		return
	}
	for k, v := range m {
		b.cur[k] = v
	}
}

func (b *byKey[K, V]) sweep() { b.last, b.cur = b.cur, nil }

func (b *byKey[K, V]) len() int { return len(b.cur) + len(b.last) }

// learned is what one check learned of each block that a later check
// of the same flow can use: the steps of each block, what compiling each
// handler's body put in the Info (by body and, one of each, by the body's
// text), and the handler bodies with no step after one that ends them.
type learned struct {
	steps map[*ast.Block][]ast.Step
	exprs map[*ast.Block]*handlerExprs
	texts map[string]*handlerExprs
	live  map[*ast.Block]bool
}

// learned is what the checks before the last Sweep learned; zero when c
// is nil. Its maps are only read from now on.
func (c *Cache) learned() learned {
	if c == nil {
		return learned{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return learned{steps: c.walked.last, exprs: c.handled.last, texts: c.texts.last, live: c.live.last}
}

// keep keeps what one check learned, for the checks after the next
// Sweep. The check hands its maps over and does not write to them again.
func (c *Cache) keep(l learned) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.walked.keep(l.steps)
	c.handled.keep(l.exprs)
	c.texts.keep(l.texts)
	c.live.keep(l.live)
}

// value is the value of cx, an expression that reads no name, as an
// earlier evaluation found it; false when none is kept or c is nil.
func (c *Cache) value(cx *exprs.Compiled) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values.get(cx)
}

// keepValue keeps v, the value of cx, an expression that reads no name
// and whose evaluation charged nothing to the flow's budget: evaluating it
// again would give the same value and charge nothing. Only a string,
// number or bool is kept, which nothing can change in place.
func (c *Cache) keepValue(cx *exprs.Compiled, v any) {
	if c == nil {
		return
	}
	switch v.(type) {
	case string, bool, int, int64, float64:
	default:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values.put(cx, v)
}
