package lang

import (
	"sync"

	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/parser"
)

// Cache keeps what one analysis learned for the next analysis of nearly the
// same files: an editor's, which analyses a document again after each
// keystroke. It holds each file's tokens and top-level statements
// (parser.Cache) and what the checker can reuse (check.Cache) of the last
// analysis only, so it never grows past one version of the files. Results are exactly those of
// an analysis without it. Safe for concurrent use.
type Cache struct {
	mu     sync.Mutex
	parses map[string]*parser.Cache // by path
	checks *check.Cache
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{parses: map[string]*parser.Cache{}, checks: check.NewCache()}
}

// WithCache makes an analysis or compilation reuse what the last one with
// c parsed and compiled. `callflow check` reads each file once and needs
// none.
func WithCache(c *Cache) Option { return func(cfg *config) { cfg.cache = c } }

// parserOptions are the options parsing path takes: its cache, if any.
func (c *Cache) parserOptions(path string) []parser.Option {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	pc, ok := c.parses[path]
	if !ok {
		pc = parser.NewCache()
		c.parses[path] = pc
	}
	return []parser.Option{parser.WithCache(pc)}
}

// checker is the checker's cache, nil without a cache.
func (c *Cache) checker() *check.Cache {
	if c == nil {
		return nil
	}
	return c.checks
}

// done ends one analysis: the files it did not parse are dropped, and
// what its checks did not use is dropped at the next.
func (c *Cache) done(parsed map[string]bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	for path := range c.parses {
		if !parsed[path] {
			delete(c.parses, path)
		}
	}
	c.mu.Unlock()
	c.checks.Sweep()
}
