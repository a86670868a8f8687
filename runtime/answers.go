package runtime

import (
	"sync"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// answers remembers the reply to each delivery, so a retried webhook gets
// the identical answer without running the flow (or its lookups) again.
//
// Every answer lives for the same TTL, so the order answers were stored in
// is the order they expire in: a FIFO makes both expiry and eviction O(1)
// per webhook, however full the cache is. The FIFO holds the answers; the
// map holds only where each key's newest answer is, so it stays small to
// grow and to probe.
type answers struct {
	mu    sync.Mutex
	max   int
	index map[string]uint64 // key → sequence number of its newest answer
	queue []answer          // oldest first, from head
	head  int
	first uint64 // sequence number of queue[0]
}

type answer struct {
	key     string
	reply   platform.Reply
	expires time.Time
}

func newAnswers(max int) *answers { return &answers{max: max, index: map[string]uint64{}} }

func (a *answers) get(key string, now time.Time) (platform.Reply, bool) {
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

func (a *answers) put(key string, r platform.Reply, now time.Time, ttl time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expire(now)
	for len(a.index) >= a.max && a.pop() {
	}
	a.index[key] = a.first + uint64(len(a.queue))
	a.queue = append(a.queue, answer{key: key, reply: r, expires: now.Add(ttl)})
}

// expire drops answers whose time is up, from the front of the queue.
func (a *answers) expire(now time.Time) {
	for a.head < len(a.queue) && !now.Before(a.queue[a.head].expires) {
		a.pop()
	}
}

// pop removes the oldest queued answer; false when the queue is empty. A key
// stored again later has a newer answer, which the index keeps pointing at.
func (a *answers) pop() bool {
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

// len is the number of answers held.
func (a *answers) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.index)
}
