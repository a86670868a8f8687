package runtime

import (
	"context"
	"sync"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// DefaultAnswers is how many answers the default MemoryAnswers holds.
const DefaultAnswers = 200_000

// MemoryAnswers is the default AnswerStore: in memory, bounded and
// expiring. It is safe for concurrent use.
//
// Every answer lives for the same TTL, so the order deliveries were
// claimed in is, within an answer budget, the order their answers expire
// in: a FIFO makes both expiry and eviction O(1) per webhook, however full
// the store is. A claim is a pending entry appended to the FIFO, and its
// answer is filled into that entry in place, so a webhook costs one map
// lookup and one insert, as looking an answer up and storing it did. The
// map holds only where each key's newest entry is, so it stays small to
// grow and to probe. An entry filled with another TTL only delays when
// the ones behind it are reclaimed; lookups check every entry's own time.
type MemoryAnswers struct {
	mu    sync.Mutex
	max   int
	index map[string]uint64 // key → sequence number of its newest entry
	queue answerQueue       // oldest first
	// base is the origin of the entries' times: t.Sub(base) reads the
	// machine's monotonic clock, as comparing time.Times would, so a step
	// of the wall clock neither expires answers early nor keeps them late.
	base time.Time
	// refs holds the reference body of each answerer (packedBody).
	refs map[*platform.Answerer]string

	now func() time.Time // a clock for tests; nil: the machine's
}

// answer is a delivery's entry: its answer (status, answerer and the body
// packed against the answerer's reference, about 20 bytes of its own where
// the whole body was 500 for an 8x8 menu), or its pending claim until
// expires, in nanoseconds since the store's base (an int: a time.Time
// would add a pointer to every entry, for the GC to scan and each store to
// write through a barrier, and a third to its size). done is made by the first copy that waits for the
// claim (most deliveries have none) and closed when the claim ends: filled,
// released, taken over after it expired, or evicted.
type answer struct {
	key     string
	body    packedBody
	by      *platform.Answerer
	status  int
	expires int64
	pending bool
	done    chan struct{}
}

// NewMemoryAnswers holds at most max deliveries (DefaultAnswers when ≤ 0),
// answered or being answered; when full, the oldest go first.
func NewMemoryAnswers(max int) *MemoryAnswers {
	if max <= 0 {
		max = DefaultAnswers
	}
	return &MemoryAnswers{max: max, index: map[string]uint64{}, base: time.Now()}
}

// nanos is t as the entries keep times: nanoseconds since a.base.
func (a *MemoryAnswers) nanos(t time.Time) int64 { return int64(t.Sub(a.base)) }

// at is the store's time: its own clock when one is set (tests), else t,
// or the machine's clock when t is zero.
func (a *MemoryAnswers) at(t time.Time) time.Time {
	switch {
	case a.now != nil:
		return a.now()
	case t.IsZero():
		return time.Now()
	}
	return t
}

// Claim claims key for ttl, or returns its answer; see AnswerStore.
func (a *MemoryAnswers) Claim(ctx context.Context, key string, ttl time.Duration) (Claim, error) {
	return a.claim(ctx, key, ttl, time.Time{}, time.Time{})
}

// claim is Claim first tried at arrived (the machine's time the engine
// read once for the webhook), waiting at most until until by the
// machine's clock (zero: ctx alone bounds it).
func (a *MemoryAnswers) claim(ctx context.Context, key string, ttl time.Duration, arrived, until time.Time) (Claim, error) {
	now, machine := a.at(arrived), arrived
	for {
		c, wait, expires := a.try(key, ttl, a.nanos(now))
		if wait == nil {
			return c, nil
		}
		d := time.Duration(expires - a.nanos(now)) // by the store's clock
		if !until.IsZero() {
			if machine.IsZero() {
				machine = time.Now()
			}
			left := until.Sub(machine)
			if left <= 0 {
				return Claim{}, context.DeadlineExceeded
			}
			d = min(d, left)
		}
		if err := waitFor(ctx, wait, d); err != nil {
			return Claim{}, err
		}
		now, machine = a.at(time.Time{}), time.Now()
	}
}

// waitFor waits for done, for d, or for ctx to end, whichever is first;
// only ctx's end is an error.
func waitFor(ctx context.Context, done <-chan struct{}, d time.Duration) error {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// try claims key at now (nanos), or returns its answer, or the
// channel to wait on while another claim is pending and when that claim
// expires.
func (a *MemoryAnswers) try(key string, ttl time.Duration, now int64) (Claim, chan struct{}, int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if seq, ok := a.index[key]; ok {
		e := a.queue.at(seq)
		switch {
		case now >= e.expires:
			a.end(e) // an expired answer, or an abandoned claim: its waiters try again
		case e.pending:
			if e.done == nil {
				e.done = make(chan struct{})
			}
			return Claim{}, e.done, e.expires
		default:
			return Claim{Key: key, Answered: true, Reply: e.reply()}, nil, 0
		}
	}
	seq := a.push(key, now, now+int64(ttl))
	return Claim{Key: key, Token: seq + 1}, nil, 0
}

// held returns c's entry while it is still pending.
func (a *MemoryAnswers) held(c Claim) *answer {
	seq := c.Token - 1
	if c.Token == 0 || !a.queue.holds(seq) {
		return nil // never issued here, or evicted
	}
	if e := a.queue.at(seq); e.pending && e.key == c.Key {
		return e
	}
	return nil
}

// reply rebuilds the answer kept.
func (e *answer) reply() platform.Reply {
	return platform.Reply{Status: e.status, Body: e.body.bytes(), By: e.by}
}

// end ends a pending claim and wakes the copies waiting for it.
func (a *MemoryAnswers) end(e *answer) {
	e.pending = false
	if e.done != nil {
		close(e.done)
		e.done = nil
	}
}

// Fill stores reply as the answer to c's delivery for ttl and wakes the
// copies waiting for it. A claim that expired and was taken over, or was
// evicted, keeps nothing.
func (a *MemoryAnswers) Fill(_ context.Context, c Claim, reply platform.Reply, ttl time.Duration) error {
	a.fill(c, reply, ttl, a.at(time.Time{}))
	return nil
}

func (a *MemoryAnswers) fill(c Claim, reply platform.Reply, ttl time.Duration, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e := a.held(c); e != nil {
		a.end(e)
		e.status, e.by, e.body = reply.Status, reply.By, a.pack(reply)
		e.expires = a.nanos(now) + int64(ttl)
	}
}

// Release drops c without an answer and wakes the copies waiting, one of
// which claims the key.
func (a *MemoryAnswers) Release(_ context.Context, c Claim) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e := a.held(c); e != nil {
		a.end(e)
		e.expires = 0
		if a.index[c.Key] == c.Token-1 {
			delete(a.index, c.Key)
		}
	}
	return nil
}

// push appends a pending entry for key and returns its sequence number,
// after dropping entries expired at now and, when full, the oldest (times
// as nanos gives them); a.mu is held.
func (a *MemoryAnswers) push(key string, now, expires int64) uint64 {
	a.expire(now)
	for len(a.index) >= a.max && a.pop() {
	}
	seq := a.queue.push(answer{key: key, expires: expires, pending: true})
	a.index[key] = seq
	return seq
}

// expire drops entries whose time is up at now (nanos), from the front of
// the queue.
func (a *MemoryAnswers) expire(now int64) {
	for e, _ := a.queue.oldest(); e != nil && now >= e.expires; e, _ = a.queue.oldest() {
		a.pop()
	}
}

// pop removes the oldest queued entry; false when the queue is empty. A key
// claimed again later has a newer entry, which the index keeps pointing at.
func (a *MemoryAnswers) pop() bool {
	q, seq := a.queue.oldest()
	if q == nil {
		return false
	}
	if a.index[q.key] == seq {
		delete(a.index, q.key)
	}
	a.end(q)
	a.queue.pop()
	return true
}

// Len is the number of deliveries held, answered or being answered.
func (a *MemoryAnswers) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.index)
}
