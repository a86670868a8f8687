package exprs

import (
	"crypto/sha256"
	"encoding/binary"
	"reflect"
	"slices"
	"sync"
)

// Cache keeps compiled expressions from one check of a flow to the next,
// keyed by an expression's text and the types of every name of the
// environment it was compiled in: an editor checks the same flow again
// after each keystroke, and most of its expressions, in an unchanged
// environment, compile exactly as before. Positions are not part of what
// is kept; diagnostics are built for each use. Safe for concurrent use.
type Cache struct {
	mu sync.Mutex
	// used holds what was compiled or read since the last Sweep, kept
	// what was used before it.
	used, kept map[cacheKey]*outcome
}

type cacheKey struct {
	env   [sha256.Size]byte
	url   bool
	eager bool // CompileEagerly: an outcome's Code may be compiled or not
	text  string
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{used: map[cacheKey]*outcome{}} }

// UseCache makes e, and the environments cloned from it, compile through c.
func (e *Env) UseCache(c *Cache) { e.cache = c }

// Sweep ends one check: what it did not use is dropped at the next Sweep,
// so the cache holds the expressions of the last check or two.
func (c *Cache) Sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kept, c.used = c.used, make(map[cacheKey]*outcome, len(c.used))
}

// Len is how many outcomes the cache holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.used) + len(c.kept)
}

func (c *Cache) get(e *Env, text string, isURL bool) *outcome {
	k := cacheKey{env: e.digest(), url: isURL, eager: e.eager, text: text}
	c.mu.Lock()
	o, ok := c.used[k]
	if !ok {
		if o, ok = c.kept[k]; ok {
			c.used[k] = o
		}
	}
	c.mu.Unlock()
	if ok {
		return o
	}
	o = e.outcome(text, isURL)
	c.mu.Lock()
	c.used[k] = o
	c.mu.Unlock()
	return o
}

// digest identifies what compiling in e depends on: its names and the
// type of each (expr-lang checks against types, not values).
func (e *Env) digest() [sha256.Size]byte {
	if e.key != nil {
		return *e.key
	}
	names := make([]string, 0, len(e.samples))
	for n := range e.samples {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	var id [8]byte
	for _, n := range names {
		h.Write([]byte(n))
		binary.LittleEndian.PutUint64(id[:], typeID(e.samples[n]))
		h.Write(id[:])
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	e.key = &k
	return k
}

// typeIDs number the types of samples: reflect.Type values are unique in a
// process, their names are not.
var typeIDs = struct {
	sync.Mutex
	m map[reflect.Type]uint64
}{m: map[reflect.Type]uint64{}}

func typeID(sample any) uint64 {
	if sample == nil {
		return 0
	}
	t := reflect.TypeOf(sample)
	typeIDs.Lock()
	defer typeIDs.Unlock()
	id, ok := typeIDs.m[t]
	if !ok {
		id = uint64(len(typeIDs.m)) + 1
		typeIDs.m[t] = id
	}
	return id
}
