package runtime

import (
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryBundles is the in-memory BundleStore: a replica's own, for an
// embedding that shares nothing (it holds what the replica loaded, which
// the engine already has compiled), and for tests. Bundles expire by their
// TTL; expired ones are dropped as new ones are stored. It is safe for
// concurrent use.
type MemoryBundles struct {
	mu  sync.Mutex
	m   map[string]heldBundle
	now func() time.Time // a clock for tests; nil: the machine's
}

type heldBundle struct {
	data    []byte
	expires time.Time
}

// NewMemoryBundles returns an empty store.
func NewMemoryBundles() *MemoryBundles { return &MemoryBundles{m: map[string]heldBundle{}} }

func (b *MemoryBundles) clock() time.Time {
	if b.now != nil {
		return b.now()
	}
	return time.Now()
}

// Put stores a copy of data under version unless a bundle is held there,
// and keeps what is held for at least ttl from now.
func (b *MemoryBundles) Put(_ context.Context, version string, data []byte, ttl time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock()
	for v, h := range b.m {
		if !now.Before(h.expires) {
			delete(b.m, v)
		}
	}
	exp := now.Add(ttl)
	if h, ok := b.m[version]; ok {
		h.expires = maxTime(h.expires, exp)
		b.m[version] = h
		return nil
	}
	b.m[version] = heldBundle{data: slices.Clone(data), expires: exp}
	return nil
}

// Get returns a copy of the bytes held under version, or ErrNoBundle.
func (b *MemoryBundles) Get(_ context.Context, version string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h, ok := b.m[version]
	if !ok || !b.clock().Before(h.expires) {
		return nil, ErrNoBundle
	}
	return slices.Clone(h.data), nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
