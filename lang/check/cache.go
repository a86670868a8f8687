package check

import (
	"sync"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
)

// Cache keeps, from one check of a flow to the next (an editor's, after
// each keystroke), what depends only on parts of the tree that did not
// change: compiled expressions, by text and environment, and the steps of
// each block, by block (a tree is never changed once parsed, and the
// parser's cache hands the next version the very nodes of every statement
// the edit did not touch or move). Results are exactly those of a check
// without it. Safe for concurrent use.
type Cache struct {
	exprs *exprs.Cache

	mu sync.Mutex
	// used holds the blocks read since the last Sweep, kept those read
	// before it.
	used, kept map[*ast.Block][]ast.Step
	// usedValues and keptValues are the values of expressions that read
	// no name, by compiled program, as used and kept are for blocks.
	usedValues, keptValues map[*exprs.Compiled]any
	// last are the sizes of the last check's Info maps, which the next
	// check's start at rather than growing to them.
	last infoSizes
}

type infoSizes struct{ exprs, values, handlers int }

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
func NewCache() *Cache {
	return &Cache{exprs: exprs.NewCache(), used: map[*ast.Block][]ast.Step{}, usedValues: map[*exprs.Compiled]any{}}
}

// Sweep ends one check: what it did not use is dropped at the next Sweep.
func (c *Cache) Sweep() {
	c.exprs.Sweep()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kept, c.used = c.used, make(map[*ast.Block][]ast.Step, len(c.used))
	c.keptValues, c.usedValues = c.usedValues, make(map[*exprs.Compiled]any, len(c.usedValues))
}

// Len is how many expressions and blocks the cache holds.
func (c *Cache) Len() (exprs, blocks int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.exprs.Len(), len(c.used) + len(c.kept)
}

func (c *Cache) steps(b *ast.Block) ([]ast.Step, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.used[b]
	if !ok {
		if s, ok = c.kept[b]; ok {
			c.used[b] = s
		}
	}
	return s, ok
}

func (c *Cache) keepSteps(b *ast.Block, s []ast.Step) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[b] = s
}

// value is the value of cx, an expression that reads no name, as an
// earlier evaluation found it; false when none is kept or c is nil.
func (c *Cache) value(cx *exprs.Compiled) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.usedValues[cx]
	if !ok {
		if v, ok = c.keptValues[cx]; ok {
			c.usedValues[cx] = v
		}
	}
	return v, ok
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
	c.usedValues[cx] = v
}
