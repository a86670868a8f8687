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
	return &Cache{exprs: exprs.NewCache(), used: map[*ast.Block][]ast.Step{}}
}

// Sweep ends one check: what it did not use is dropped at the next Sweep.
func (c *Cache) Sweep() {
	c.exprs.Sweep()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kept, c.used = c.used, make(map[*ast.Block][]ast.Step, len(c.used))
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
