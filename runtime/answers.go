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
// Every answer lives for the same TTL, so the order answers were stored in
// is the order they expire in: a FIFO makes both expiry and eviction O(1)
// per webhook, however full the store is. The FIFO holds the answers; the
// map holds only where each key's newest answer is, so it stays small to
// grow and to probe. Pending claims, one per delivery being answered, are
// a map of their own: they are few, and expire after the answer budget.
type MemoryAnswers struct {
	mu    sync.Mutex
	max   int
	index map[string]uint64 // key → sequence number of its newest answer
	queue []answer          // oldest first, from head
	head  int
	first uint64 // sequence number of queue[0]

	pending map[string]pendingClaim
	tokens  uint64 // the last claim token issued
	sweepAt int    // len(pending) at which expired claims are swept

	now func() time.Time // a clock for tests; nil: the machine's
}

type answer struct {
	key     string
	reply   platform.Reply
	expires time.Time
}

// pendingClaim is a delivery being answered. done is made by the first
// copy that waits for it (most deliveries have none) and closed when the
// claim is filled, released or taken over after it expired.
type pendingClaim struct {
	token   uint64
	expires time.Time
	done    chan struct{}
}

const minSweep = 1024

// NewMemoryAnswers holds at most max answers (DefaultAnswers when ≤ 0);
// when full, the oldest go first.
func NewMemoryAnswers(max int) *MemoryAnswers {
	if max <= 0 {
		max = DefaultAnswers
	}
	return &MemoryAnswers{max: max, index: map[string]uint64{}, pending: map[string]pendingClaim{}, sweepAt: minSweep}
}

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
		c, wait, expires := a.try(key, ttl, now)
		if wait == nil {
			return c, nil
		}
		d := expires.Sub(now) // by the store's clock
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

// try claims key, or returns its answer, or the channel to wait on while
// another claim is pending and when that claim expires.
func (a *MemoryAnswers) try(key string, ttl time.Duration, now time.Time) (Claim, chan struct{}, time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if seq, ok := a.index[key]; ok {
		if e := &a.queue[seq-a.first]; now.Before(e.expires) {
			return Claim{Key: key, Answered: true, Reply: e.reply}, nil, time.Time{}
		}
	}
	p, ok := a.pending[key]
	if ok && now.Before(p.expires) {
		if p.done == nil {
			p.done = make(chan struct{})
			a.pending[key] = p
		}
		return Claim{}, p.done, p.expires
	}
	if ok && p.done != nil {
		close(p.done) // abandoned: its waiters try again, and wait on this claim
	}
	a.tokens++
	a.pending[key] = pendingClaim{token: a.tokens, expires: now.Add(ttl)}
	if len(a.pending) >= a.sweepAt {
		a.sweep(now)
	}
	return Claim{Key: key, Token: a.tokens}, nil, time.Time{}
}

// sweep drops abandoned claims. It runs when the pending claims have
// doubled since the last sweep, so it is O(1) per claim, amortised.
func (a *MemoryAnswers) sweep(now time.Time) {
	for k, p := range a.pending {
		if !now.Before(p.expires) {
			delete(a.pending, k)
			if p.done != nil {
				close(p.done)
			}
		}
	}
	a.sweepAt = max(minSweep, 2*len(a.pending))
}

// Fill stores reply as the answer to c's delivery for ttl and wakes the
// copies waiting for it. A claim that expired and was taken over by
// another copy is left to that copy.
func (a *MemoryAnswers) Fill(_ context.Context, c Claim, reply platform.Reply, ttl time.Duration) error {
	a.fill(c, reply, ttl, a.at(time.Time{}))
	return nil
}

func (a *MemoryAnswers) fill(c Claim, reply platform.Reply, ttl time.Duration, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.unclaim(c) {
		return
	}
	a.put(c.Key, reply, now, ttl)
}

// Release drops c without an answer and wakes the copies waiting, one of
// which claims the key.
func (a *MemoryAnswers) Release(_ context.Context, c Claim) error {
	a.mu.Lock()
	a.unclaim(c)
	a.mu.Unlock()
	return nil
}

// unclaim ends c's pending claim; false when another copy holds the key.
func (a *MemoryAnswers) unclaim(c Claim) bool {
	p, ok := a.pending[c.Key]
	if !ok {
		return true // expired and swept: nobody else claimed it
	}
	if p.token != c.Token {
		return false
	}
	delete(a.pending, c.Key)
	if p.done != nil {
		close(p.done)
	}
	return true
}

// get returns the answer stored under key.
func (a *MemoryAnswers) get(key string, now time.Time) (platform.Reply, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	seq, ok := a.index[key]
	if !ok {
		return platform.Reply{}, false
	}
	e := &a.queue[seq-a.first]
	if !now.Before(e.expires) {
		return platform.Reply{}, false
	}
	return e.reply, true
}

// put stores an answer; a.mu is held.
func (a *MemoryAnswers) put(key string, r platform.Reply, now time.Time, ttl time.Duration) {
	a.expire(now)
	for len(a.index) >= a.max && a.pop() {
	}
	a.index[key] = a.first + uint64(len(a.queue))
	a.queue = append(a.queue, answer{key: key, reply: r, expires: now.Add(ttl)})
}

// expire drops answers whose time is up, from the front of the queue.
func (a *MemoryAnswers) expire(now time.Time) {
	for a.head < len(a.queue) && !now.Before(a.queue[a.head].expires) {
		a.pop()
	}
}

// pop removes the oldest queued answer; false when the queue is empty. A key
// stored again later has a newer answer, which the index keeps pointing at.
func (a *MemoryAnswers) pop() bool {
	if a.head == len(a.queue) {
		return false
	}
	q := &a.queue[a.head]
	if a.index[q.key] == a.first+uint64(a.head) {
		delete(a.index, q.key)
	}
	*q = answer{}
	a.head++
	if a.head > 1024 && a.head*2 > len(a.queue) { // reclaim the consumed front
		a.queue = append(a.queue[:0:0], a.queue[a.head:]...)
		a.first += uint64(a.head)
		a.head = 0
	}
	return true
}

// Len is the number of answers held.
func (a *MemoryAnswers) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.index)
}
