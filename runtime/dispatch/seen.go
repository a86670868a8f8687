package dispatch

import (
	"context"
	"sync"
	"time"
)

// Seen remembers the outcome of every trigger dispatched, by [Key], so that
// none is sent twice. The default keeps them in memory; a store shared by
// several replicas (Redis, say) can implement it. Within one process the
// client lets only one Dispatch of a key run at a time. A shared store
// stops a replica from sending a trigger another one sent earlier; two
// replicas dispatching the same trigger at the same moment can still both
// send it.
type Seen interface {
	// Get returns the outcome remembered under key, if any.
	Get(ctx context.Context, key string) (Outcome, bool, error)
	// Put remembers o under key, replacing what was there.
	Put(ctx context.Context, key string, o Outcome) error
}

// Outcome is a dispatch as remembered: its Result, and its error if it
// failed. A store that serialises it keeps Err's fields but not its cause.
type Outcome struct {
	Result Result `json:"result"`
	Err    *Error `json:"error,omitempty"`
}

// Defaults of the in-memory Seen.
const (
	DefaultSeenTTL   = 24 * time.Hour
	DefaultSeenLimit = 100_000 // outcomes; about 1 KB each
)

// MemorySeen is the in-memory Seen: each outcome is kept for a TTL, and the
// oldest go first when there are more than a limit. It is safe for
// concurrent use.
type MemorySeen struct {
	limit int
	ttl   time.Duration
	now   func() time.Time

	mu    sync.Mutex
	m     map[string]seenEntry
	queue []seenItem // in Put order, which is expiry order: the TTL is fixed
	head  int        // queue[:head] is gone
	seq   uint64
}

type seenEntry struct {
	out     Outcome
	expires time.Time
	seq     uint64 // matches the entry's latest queue item
}

type seenItem struct {
	key string
	seq uint64
}

// NewMemorySeen keeps up to limit outcomes (DefaultSeenLimit when ≤ 0),
// each for ttl (DefaultSeenTTL when ≤ 0), by the real clock.
func NewMemorySeen(limit int, ttl time.Duration) *MemorySeen {
	return newMemorySeen(limit, ttl, time.Now)
}

func newMemorySeen(limit int, ttl time.Duration, now func() time.Time) *MemorySeen {
	if limit <= 0 {
		limit = DefaultSeenLimit
	}
	if ttl <= 0 {
		ttl = DefaultSeenTTL
	}
	return &MemorySeen{limit: limit, ttl: ttl, now: now, m: map[string]seenEntry{}}
}

// Get returns the outcome under key unless it has expired.
func (s *MemorySeen) Get(_ context.Context, key string) (Outcome, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok || !s.now().Before(e.expires) {
		return Outcome{}, false, nil
	}
	return e.out, true, nil
}

// Put remembers o under key for the TTL, dropping expired outcomes and,
// past the limit, the oldest.
func (s *MemorySeen) Put(_ context.Context, key string, o Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.seq++
	s.m[key] = seenEntry{out: o, expires: now.Add(s.ttl), seq: s.seq}
	s.queue = append(s.queue, seenItem{key: key, seq: s.seq})
	s.prune(now)
	return nil
}

// Len is the number of outcomes held, expired ones included until the
// next Put.
func (s *MemorySeen) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// prune drops outcomes from the front of the queue while they have expired
// or there are too many.
func (s *MemorySeen) prune(now time.Time) {
	for s.head < len(s.queue) {
		it := s.queue[s.head]
		e, ok := s.m[it.key]
		switch {
		case !ok || e.seq != it.seq: // replaced by a later Put
		case len(s.m) > s.limit || !now.Before(e.expires):
			delete(s.m, it.key)
		default:
			s.compact()
			return
		}
		s.queue[s.head] = seenItem{}
		s.head++
	}
	s.compact()
}

// compact reclaims the queue's dead front once it is half the queue.
func (s *MemorySeen) compact() {
	if s.head > 0 && s.head >= len(s.queue)/2 {
		n := copy(s.queue, s.queue[s.head:])
		clear(s.queue[n:])
		s.queue = s.queue[:n]
		s.head = 0
	}
}
