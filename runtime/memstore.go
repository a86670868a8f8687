package runtime

import (
	"context"
	"log/slog"
	"time"
)

// DefaultMemoryBudget is the bytes of sessions a MemoryStore holds unless
// MemoryBudget says otherwise, by SessionSize's estimate: 768 MiB. A call
// waiting at an 8x8 capture is estimated at 752 bytes (BenchmarkP6), so the
// default holds about 1.07 million such calls; 1,000,000 of them measured
// 767 MiB of heap in all, the answers remembered for retries included
// (figure P6: 1,000,000 live sessions within 1 GiB).
const DefaultMemoryBudget = 768 << 20

// StoreOption configures a MemoryStore.
type StoreOption func(*MemoryStore)

// MemoryBudget bounds the store to bytes of sessions by SessionSize's
// estimate (0 or less: DefaultMemoryBudget).
func MemoryBudget(bytes int64) StoreOption {
	return func(m *MemoryStore) {
		if bytes > 0 {
			m.budget = bytes
		}
	}
}

// OnEviction calls fn for every live session the store evicts to stay
// within its budget, after the store's lock is released and on the
// goroutine that stored the session that made room: fn must return
// quickly. An Engine using the store logs every eviction and passes it to
// WithEvictionObserver's function; give OnEviction to a store the engine
// sees only through a wrapper.
func OnEviction(fn func(Eviction)) StoreOption {
	return func(m *MemoryStore) { m.evicted = append(m.evicted, fn) }
}

// Eviction is a live session a MemoryStore dropped to stay within its
// budget: the caller of that call loses its place (the next webhook gets
// the safe fallback). Expired sessions are not evictions.
type Eviction struct {
	Key       string        // the session's key, "platform|session id"
	Bytes     int64         // its estimated size
	Left      time.Duration // how long it had left to live
	Held      int           // sessions held after it went
	HeldBytes int64         // their estimated size
	Budget    int64         // the store's budget
}

// observe adds an eviction callback to a store already made (the engine's
// log and metrics).
func (m *MemoryStore) observe(fn func(Eviction)) {
	m.mu.Lock()
	m.evicted = append(m.evicted, fn)
	m.mu.Unlock()
}

func (m *MemoryStore) report(evicted []Eviction, observers []func(Eviction)) {
	for _, ev := range evicted {
		for _, fn := range observers {
			fn(ev)
		}
	}
}

// WithSessionMemory sets the budget of the default session store
// (MemoryBudget; DefaultMemoryBudget when not set). It has no effect with
// WithStore.
func WithSessionMemory(bytes int64) Option { return func(e *Engine) { e.sessionMemory = bytes } }

// WithEvictionObserver calls fn for every session the engine's MemoryStore
// evicts to stay within its budget, after the engine has logged it (a
// warning naming the session, its size and the budget): for a metric. It
// runs on the webhook's goroutine and must return quickly.
func WithEvictionObserver(fn func(Eviction)) Option { return func(e *Engine) { e.onEvict = fn } }

// evicted logs an eviction of the engine's store and passes it on.
func (e *Engine) evicted(ev Eviction) {
	e.log.LogAttrs(context.Background(), slog.LevelWarn, "session evicted: the session store is over its memory budget; raise the budget or give the process more memory",
		slog.String("session", ev.Key), slog.Int64("bytes", ev.Bytes), slog.Duration("left", ev.Left),
		slog.Int("held", ev.Held), slog.Int64("held_bytes", ev.HeldBytes), slog.Int64("budget", ev.Budget))
	if e.onEvict != nil {
		e.onEvict(ev)
	}
}
