package dispatch

import (
	"context"
	"sync"
	"time"
)

// DefaultOutcomeLimit is how many triggers the default MemoryOutcomes
// holds, pending or settled: about 1 KB each.
const DefaultOutcomeLimit = 100_000

// MemoryOutcomes is the default OutcomeStore: in memory, bounded and
// expiring. It is safe for concurrent use.
//
// Entries are queued in the order their keys were claimed; when more than
// the limit are held the oldest go first (a pending claim evicted wakes its
// waiters, one of which claims the key again). An entry's own expiry is
// checked on every Claim, so a failed outcome stops being replayed after
// its short TTL even when it is not yet dropped from the queue.
type MemoryOutcomes struct {
	limit int
	now   func() time.Time

	mu    sync.Mutex
	m     map[string]*outcomeEntry
	queue []queued // in claim order
	head  int      // queue[:head] is gone
	seq   uint64   // the last token issued
}

// outcomeEntry is a trigger's claim, pending until filled, or its outcome.
// done is made by the first copy that waits (most triggers have none) and
// closed when the claim ends.
type outcomeEntry struct {
	out     Outcome
	token   uint64
	pending bool
	expires time.Time
	done    chan struct{}
}

type queued struct {
	key   string
	token uint64
}

// NewMemoryOutcomes holds up to limit triggers (DefaultOutcomeLimit when
// ≤ 0), by the machine's clock.
func NewMemoryOutcomes(limit int) *MemoryOutcomes { return newMemoryOutcomes(limit, time.Now) }

func newMemoryOutcomes(limit int, now func() time.Time) *MemoryOutcomes {
	if limit <= 0 {
		limit = DefaultOutcomeLimit
	}
	return &MemoryOutcomes{limit: limit, now: now, m: map[string]*outcomeEntry{}}
}

// Claim claims key for ttl, or returns its outcome; see OutcomeStore.
func (s *MemoryOutcomes) Claim(ctx context.Context, key string, ttl time.Duration) (Claim, error) {
	for {
		c, wait, left := s.try(key, ttl)
		if wait == nil {
			return c, nil
		}
		t := time.NewTimer(max(left, 0))
		select {
		case <-wait:
		case <-t.C: // the claim expired: try again
		case <-ctx.Done():
			t.Stop()
			return Claim{}, ctx.Err()
		}
		t.Stop()
	}
}

// try claims key, or returns its outcome, or the channel to wait on while
// another claim is pending and how long that claim has left.
func (s *MemoryOutcomes) try(key string, ttl time.Duration) (Claim, chan struct{}, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e, ok := s.m[key]; ok {
		switch {
		case !now.Before(e.expires):
			s.drop(key, e) // an expired outcome, or an abandoned claim
		case e.pending:
			if e.done == nil {
				e.done = make(chan struct{})
			}
			return Claim{}, e.done, e.expires.Sub(now)
		default:
			return Claim{Key: key, Settled: true, Outcome: e.out}, nil, 0
		}
	}
	s.seq++
	s.m[key] = &outcomeEntry{token: s.seq, pending: true, expires: now.Add(ttl)}
	s.queue = append(s.queue, queued{key, s.seq})
	s.prune(now)
	return Claim{Key: key, Token: s.seq}, nil, 0
}

// held returns c's entry while it is still pending; s.mu is held.
func (s *MemoryOutcomes) held(c Claim) *outcomeEntry {
	if e, ok := s.m[c.Key]; ok && e.pending && e.token == c.Token && c.Token != 0 {
		return e
	}
	return nil
}

// Fill stores o as the outcome of c's dispatch for ttl and wakes the
// copies waiting. A claim that expired and was taken over keeps nothing.
func (s *MemoryOutcomes) Fill(_ context.Context, c Claim, o Outcome, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.held(c); e != nil {
		e.out, e.pending, e.expires = o, false, s.now().Add(ttl)
		e.wake()
	}
	return nil
}

// Release drops c and wakes the copies waiting, one of which claims the
// key.
func (s *MemoryOutcomes) Release(_ context.Context, c Claim) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.held(c); e != nil {
		s.drop(c.Key, e)
	}
	return nil
}

// Len is the number of triggers held, pending or settled, expired ones
// included until they leave the queue.
func (s *MemoryOutcomes) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func (e *outcomeEntry) wake() {
	if e.done != nil {
		close(e.done)
		e.done = nil
	}
}

// drop removes key's entry and wakes its waiters; s.mu is held.
func (s *MemoryOutcomes) drop(key string, e *outcomeEntry) {
	e.wake()
	delete(s.m, key)
}

// prune drops entries from the front of the queue while they have expired
// or there are too many; s.mu is held.
func (s *MemoryOutcomes) prune(now time.Time) {
	for s.head < len(s.queue) {
		it := s.queue[s.head]
		e, ok := s.m[it.key]
		switch {
		case !ok || e.token != it.token: // dropped, or claimed again later
		case len(s.m) > s.limit || !now.Before(e.expires):
			s.drop(it.key, e)
		default:
			s.compact()
			return
		}
		s.queue[s.head] = queued{}
		s.head++
	}
	s.compact()
}

// compact reclaims the queue's dead front once it is half the queue.
func (s *MemoryOutcomes) compact() {
	if s.head > 0 && s.head >= len(s.queue)/2 {
		n := copy(s.queue, s.queue[s.head:])
		clear(s.queue[n:])
		s.queue = s.queue[:n]
		s.head = 0
	}
}
