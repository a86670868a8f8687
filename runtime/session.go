package runtime

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"
)

// Session is the state of one call between webhooks. It is serialisable, so
// a store shared by several replicas (Redis) can hold it.
type Session struct {
	Platform string `json:"p"`
	ID       string `json:"id"`
	Flow     string `json:"f"`
	Version  string `json:"v"`
	Handler  string `json:"h"`             // where the pending capture is
	PC       int    `json:"pc"`            // the capture's instruction
	Try      int    `json:"try,omitempty"` // the capture's try the caller is answering, from 1
	// Frames are the return points of the do steps the call is inside,
	// innermost last (at most ir.MaxFrames).
	Frames []Frame `json:"do,omitempty"`
	// Resume is the clientActionId issued with the pending capture, and
	// ResumeExpires when it stops being accepted: the next webhook that
	// brings it back is checked by comparing, not by verifying its MAC again.
	Resume        string         `json:"r,omitempty"`
	ResumeExpires time.Time      `json:"rx,omitzero"`
	Vars          map[string]any `json:"vars,omitempty"`
	Order         []string       `json:"order,omitempty"` // variables in order first set
	Lookups       map[string]any `json:"l,omitempty"`     // results by lookup and URL (lookupKey), each fetched at most once
	Posts         int            `json:"po,omitempty"`    // posts sent in this call: the attempt of the next one's Idempotency-Key
	Caller        string         `json:"from,omitempty"`
	Callee        string         `json:"to,omitempty"`
	Started       time.Time      `json:"at"`

	// key is the key the engine stored the session under in its
	// MemoryStore ("platform|id", the string the store's map holds), so
	// that the webhooks that read it back need not build it again; "" for
	// a session that came any other way. Not serialised. The struct stays
	// in its 288-byte size class with it.
	key string
}

// Frame is where a do returns to: the instruction after it.
type Frame struct {
	Handler string `json:"h"`
	PC      int    `json:"pc"`
}

// pop removes and returns the innermost return point; false when the
// call is inside no do.
func (s *Session) pop() (Frame, bool) {
	n := len(s.Frames)
	if n == 0 {
		return Frame{}, false
	}
	f := s.Frames[n-1]
	s.Frames = s.Frames[:n-1]
	return f, true
}

// set assigns a variable, remembering the order variables were first set.
func (s *Session) set(name string, v any) {
	if s.Vars == nil {
		s.Vars = map[string]any{}
	}
	if _, ok := s.Vars[name]; !ok {
		s.Order = append(s.Order, name)
	}
	s.Vars[name] = v
}

// ErrNotFound is returned by a SessionStore for a missing or expired session.
var ErrNotFound = errors.New("session not found")

// ErrConflict is returned by CompareAndSet when the session changed since it
// was read.
var ErrConflict = errors.New("session changed concurrently")

// SessionStore keeps sessions between webhooks. Revisions make concurrent
// webhooks for one call safe: CompareAndSet succeeds only on the revision
// that was read (0 creates).
//
// The engine does not modify a session after passing it to CompareAndSet,
// so a store may keep it as it is; it does modify what Get returns, so a
// store that keeps sessions in memory must return a copy.
//
// The contract every implementation keeps (runtime/storetest.Sessions
// checks it): of any number of concurrent CompareAndSets on one revision
// exactly one succeeds and returns a new, non-zero revision; the others
// get ErrConflict. Each write sets the TTL it is given in the same atomic
// step, longer or shorter than the one before. An expired session is
// ErrNotFound to Get and absent to CompareAndSet (revision 0 creates it).
// Deleting nothing is no error. Keys are opaque strings. A store that
// serialises sessions uses Session's JSON methods, which keep every
// value's Go type at any depth (ints, int64s beyond 2^53, times,
// durations).
type SessionStore interface {
	Get(ctx context.Context, key string) (*Session, uint64, error)
	CompareAndSet(ctx context.Context, key string, rev uint64, s *Session, ttl time.Duration) (uint64, error)
	Delete(ctx context.Context, key string) error
}

// MemoryStore is the default SessionStore: in memory, bounded by the memory
// its sessions hold, and expiring. Each session's size is estimated when it
// is stored (SessionSize); when a new or grown session would take the
// estimate over the budget (MemoryBudget, DefaultMemoryBudget unless set),
// the sessions closest to expiring are evicted to make room, and every
// eviction is reported to the OnEviction callbacks (an engine using the
// store logs and meters them). Expired sessions are dropped as new ones are
// stored, so memory follows the live calls.
//
// Get hands out copies of the session's containers, so the engine never
// shares a Session it changes between goroutines; CompareAndSet keeps the
// session it is given, which is not changed after. (The engine replaces
// variable and lookup values, never mutates them, so copying the maps and
// the order slice is enough; a shared store serialises with MarshalJSON.)
type MemoryStore struct {
	mu      sync.Mutex
	budget  int64 // bytes of sessions, by SessionSize
	bytes   int64 // held now
	entries map[string]memEntry
	byExp   expiryHeap       // soonest expiry first; items of replaced entries are skipped
	now     func() time.Time // a clock for tests; nil: the machine's
	evicted []func(Eviction)
}

type memEntry struct {
	sess    *Session
	rev     uint64
	expires time.Time
	size    int64
}

// clone copies what the engine changes in place. The order gets room for
// one more name: a step that captures sets a variable, often a new one,
// and appending to an exact copy would copy it again.
func (s *Session) clone() *Session {
	c := *s
	c.Vars = maps.Clone(s.Vars)
	if s.Order != nil {
		c.Order = append(make([]string, 0, len(s.Order)+1), s.Order...)
	}
	c.Frames = slices.Clone(s.Frames)
	c.Lookups = maps.Clone(s.Lookups)
	return &c
}

// NewMemoryStore returns an empty store; see StoreOption for its settings.
func NewMemoryStore(opts ...StoreOption) *MemoryStore {
	m := &MemoryStore{budget: DefaultMemoryBudget, entries: map[string]memEntry{}}
	for _, o := range opts {
		o(m)
	}
	return m
}

// at is the store's time: its own clock when one is set (tests), else t,
// the time the caller read, or the machine's clock when t is zero.
func (m *MemoryStore) at(t time.Time) time.Time {
	switch {
	case m.now != nil:
		return m.now()
	case t.IsZero():
		return time.Now()
	}
	return t
}

// Get returns a session and its revision.
func (m *MemoryStore) Get(_ context.Context, key string) (*Session, uint64, error) {
	return m.get(key, m.at(time.Time{}))
}

func (m *MemoryStore) get(key string, now time.Time) (*Session, uint64, error) {
	m.mu.Lock()
	e, ok := m.entries[key]
	if ok && !now.Before(e.expires) {
		m.remove(key, e)
		ok = false
	}
	m.mu.Unlock()
	return copyOut(e, ok)
}

// getCall is get of the session of call id on platform, under the key
// "platform|id" built on the stack: looking a key up does not keep it,
// and the session the engine stored keeps its own (Session.key).
func (m *MemoryStore) getCall(platform, id string, now time.Time) (*Session, uint64, error) {
	var buf [64]byte
	key := append(append(append(buf[:0], platform...), '|'), id...)
	m.mu.Lock()
	e, ok := m.entries[string(key)]
	if ok && !now.Before(e.expires) {
		m.remove(string(key), e)
		ok = false
	}
	m.mu.Unlock()
	return copyOut(e, ok)
}

// copyOut is what Get returns for an entry found (ok) or not.
func copyOut(e memEntry, ok bool) (*Session, uint64, error) {
	if !ok {
		return nil, 0, ErrNotFound
	}
	return e.sess.clone(), e.rev, nil
}

// isKey reports whether key is "platform|id", without building it.
func isKey(key, platform, id string) bool {
	n := len(platform)
	return len(key) == n+1+len(id) && key[:n] == platform && key[n] == '|' && key[n+1:] == id
}

// CompareAndSet stores s when the stored revision is rev (0: no session).
// It keeps s itself, which the caller must not modify afterwards (the
// engine never does); Get hands out copies.
func (m *MemoryStore) CompareAndSet(_ context.Context, key string, rev uint64, s *Session, ttl time.Duration) (uint64, error) {
	return m.compareAndSet(key, rev, s, ttl, m.at(time.Time{}))
}

func (m *MemoryStore) compareAndSet(key string, rev uint64, s *Session, ttl time.Duration, now time.Time) (uint64, error) {
	size := SessionSize(key, s)
	m.mu.Lock()
	m.expire(now)
	e, held := m.entries[key]
	ok := held && now.Before(e.expires) // held and live
	if (ok && e.rev != rev) || (!ok && rev != 0) {
		m.mu.Unlock()
		return 0, ErrConflict
	}
	if held {
		m.bytes -= e.size
	}
	var evicted []Eviction
	if m.bytes+size > m.budget {
		if held {
			delete(m.entries, key) // its heap item is skipped from now on: it is not evicted to make its own room
		}
		for m.bytes+size > m.budget {
			ev, found := m.evictSoonest(now)
			if !found {
				break // alone over the budget: kept, the only session held
			}
			evicted = append(evicted, ev)
		}
	}
	next := e.rev + 1
	exp := now.Add(ttl)
	m.entries[key] = memEntry{sess: s, rev: next, expires: exp, size: size}
	m.bytes += size
	m.byExp.push(expiryItem{key, exp})
	m.compact()
	observers := m.evicted
	m.mu.Unlock()
	m.report(evicted, observers)
	return next, nil
}

// Delete removes a session.
func (m *MemoryStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	if e, ok := m.entries[key]; ok {
		m.remove(key, e)
	}
	m.mu.Unlock()
	return nil
}

// Len is the number of sessions held.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

// Bytes is the estimated size of the sessions held (SessionSize).
func (m *MemoryStore) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// remove drops an entry that is held.
func (m *MemoryStore) remove(key string, e memEntry) {
	delete(m.entries, key)
	m.bytes -= e.size
}

// expire drops sessions whose time is up; amortised O(log n) per store.
func (m *MemoryStore) expire(now time.Time) {
	for len(m.byExp) > 0 && !now.Before(m.byExp[0].expires) {
		it := m.byExp.pop()
		if e, ok := m.entries[it.key]; ok && e.expires.Equal(it.expires) {
			m.remove(it.key, e)
		}
	}
}

// evictSoonest removes the live session closest to expiring; false when
// none is held.
func (m *MemoryStore) evictSoonest(now time.Time) (Eviction, bool) {
	for len(m.byExp) > 0 {
		it := m.byExp.pop()
		if e, ok := m.entries[it.key]; ok && e.expires.Equal(it.expires) {
			m.remove(it.key, e)
			return Eviction{Key: it.key, Bytes: e.size, Left: e.expires.Sub(now),
				Held: len(m.entries), HeldBytes: m.bytes, Budget: m.budget}, true
		}
	}
	return Eviction{}, false
}

// compact rebuilds the heap when replaced and deleted entries have left it
// mostly stale, so it stays proportional to the live sessions.
func (m *MemoryStore) compact() {
	if len(m.byExp) < 1024 || len(m.byExp) < 4*len(m.entries) {
		return
	}
	m.byExp = m.byExp[:0]
	for k, e := range m.entries {
		m.byExp = append(m.byExp, expiryItem{k, e.expires})
	}
	m.byExp.init()
}

type expiryItem struct {
	key     string
	expires time.Time
}

// expiryHeap is a min-heap of expiry times. It is written out rather than
// used through container/heap, whose interface boxes every item pushed: an
// allocation per stored session.
type expiryHeap []expiryItem

func (h *expiryHeap) push(it expiryItem) {
	*h = append(*h, it)
	h.up(len(*h) - 1)
}

func (h *expiryHeap) pop() expiryItem {
	old := *h
	it := old[0]
	n := len(old) - 1
	old[0] = old[n]
	old[n] = expiryItem{}
	*h = old[:n]
	h.down(0)
	return it
}

func (h expiryHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h expiryHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h[i].expires.Before(h[parent].expires) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (h expiryHeap) down(i int) {
	for {
		least, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && h[l].expires.Before(h[least].expires) {
			least = l
		}
		if r < len(h) && h[r].expires.Before(h[least].expires) {
			least = r
		}
		if least == i {
			return
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
}
