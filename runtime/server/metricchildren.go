package server

import (
	"maps"
	"sync"
	"sync/atomic"
)

// maxResolved bounds a resolvedChildren cache. The labels it is keyed by
// are bounded already (platforms, outcomes, and the names of flows and
// lookups, which the flows folder bounds), but a folder edited for months
// keeps adding names: past the bound, children are resolved by the vector
// each time, as without the cache.
const maxResolved = 4096

// resolvedChildren keeps the children of metric vectors by their label
// values, resolved once. A vector's WithLabelValues hashes every label and
// takes the vector's read lock on every call; on the webhook path that is
// four calls a webhook, the lock's counter shared by every connection.
// Here a hit is one atomic load and one map probe, lock-free: the map is
// never written once published, a miss publishes a copy with one entry
// more.
type resolvedChildren[K comparable, V any] struct {
	m  atomic.Pointer[map[K]V]
	mu sync.Mutex // serialises misses
}

// get returns the children of key, resolving them with resolve on a miss.
func (c *resolvedChildren[K, V]) get(key K, resolve func(K) V) V {
	if v, ok := c.load()[key]; ok {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.load()
	if v, ok := cur[key]; ok {
		return v
	}
	v := resolve(key)
	if len(cur) < maxResolved {
		next := make(map[K]V, len(cur)+1)
		maps.Copy(next, cur)
		next[key] = v
		c.m.Store(&next)
	}
	return v
}

// load is the published map; nil before the first miss.
func (c *resolvedChildren[K, V]) load() map[K]V {
	if m := c.m.Load(); m != nil {
		return *m
	}
	return nil
}
