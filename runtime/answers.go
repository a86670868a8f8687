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
// is the order they expire in: a FIFO of keys makes both expiry and
// eviction O(1) per webhook, however full the cache is.
type answers struct {
	mu      sync.Mutex
	max     int
	entries map[string]answer
	queue   []queued // oldest first, from head
	head    int
}

type answer struct {
	reply   platform.Reply
	expires time.Time
}

type queued struct {
	key     string
	expires time.Time
}

func newAnswers(max int) *answers { return &answers{max: max, entries: map[string]answer{}} }

func (a *answers) get(key string, now time.Time) (platform.Reply, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.entries[key]
	if !ok || !now.Before(e.expires) {
		return platform.Reply{}, false
	}
	return e.reply, true
}

func (a *answers) put(key string, r platform.Reply, now time.Time, ttl time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expire(now)
	for len(a.entries) >= a.max && a.pop() {
	}
	exp := now.Add(ttl)
	a.entries[key] = answer{reply: r, expires: exp}
	a.queue = append(a.queue, queued{key, exp})
}

// expire drops answers whose time is up, from the front of the queue.
func (a *answers) expire(now time.Time) {
	for a.head < len(a.queue) && !now.Before(a.queue[a.head].expires) {
		a.pop()
	}
}

// pop removes the oldest queued answer; false when the queue is empty. A key
// stored again later has a newer entry, which the old queue item leaves be.
func (a *answers) pop() bool {
	if a.head == len(a.queue) {
		return false
	}
	q := a.queue[a.head]
	a.queue[a.head] = queued{}
	a.head++
	if e, ok := a.entries[q.key]; ok && e.expires.Equal(q.expires) {
		delete(a.entries, q.key)
	}
	if a.head > 1024 && a.head*2 > len(a.queue) { // reclaim the consumed front
		a.queue = append(a.queue[:0:0], a.queue[a.head:]...)
		a.head = 0
	}
	return true
}

// len is the number of answers held.
func (a *answers) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.entries)
}
