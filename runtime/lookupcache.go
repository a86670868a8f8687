package runtime

import (
	"container/list"
	"sync"
	"time"
)

// Default bounds of the lookup cache (WithLookupCache).
const (
	DefaultLookupCacheEntries = 10_000
	DefaultLookupCacheBytes   = 32 << 20
)

// lookupCacheOverhead is what one kept answer costs besides its body and
// key: the entry, its list element and map slot.
const lookupCacheOverhead = 160

// lookupCache keeps the answers of lookups declared with `cache D` across
// calls, in this process (each replica has its own), by flow, lookup and a
// digest of the URL (lookupKey), so it holds no URL and no secret a URL
// may carry. It keeps the answer's JSON as received, each call decoding
// its own copy; only answers that were a 2xx with JSON of the lookup's
// type are put in. It is bounded by entries and bytes, the least recently
// used going first; an expired answer is dropped when next asked for.
type lookupCache struct {
	mu         sync.Mutex
	entries    map[string]*list.Element // of *cachedAnswer
	lru        list.List                // front: most recently used
	bytes      int64
	maxEntries int
	maxBytes   int64
}

type cachedAnswer struct {
	key     string
	body    []byte
	expires time.Time
}

func newLookupCache(entries int, bytes int64) *lookupCache {
	return &lookupCache{entries: map[string]*list.Element{}, maxEntries: entries, maxBytes: bytes}
}

// WithLookupCache bounds the answers kept for lookups declared with
// `cache D`: at most entries answers and about bytes bytes in all (the
// defaults are DefaultLookupCacheEntries and DefaultLookupCacheBytes). An
// answer bigger than an eighth of bytes is not kept.
func WithLookupCache(entries int, bytes int64) Option {
	return func(e *Engine) { e.lookupCache = newLookupCache(entries, bytes) }
}

func (a *cachedAnswer) size() int64 { return int64(len(a.body)+len(a.key)) + lookupCacheOverhead }

// get returns the answer kept under key, unless it expired by now.
func (c *lookupCache) get(key string, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	a := el.Value.(*cachedAnswer)
	if !now.Before(a.expires) {
		c.remove(el)
		return nil, false
	}
	c.lru.MoveToFront(el)
	return a.body, true
}

// put keeps body under key until expires, dropping the least recently
// used answers to stay within the bounds.
func (c *lookupCache) put(key string, body []byte, expires time.Time) {
	a := &cachedAnswer{key: key, body: body, expires: expires}
	if c.maxEntries <= 0 || a.size() > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	c.entries[key] = c.lru.PushFront(a)
	c.bytes += a.size()
	for len(c.entries) > c.maxEntries || c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
	}
}

func (c *lookupCache) remove(el *list.Element) {
	a := c.lru.Remove(el).(*cachedAnswer)
	delete(c.entries, a.key)
	c.bytes -= a.size()
}

// len is the number of answers kept, for tests.
func (c *lookupCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
