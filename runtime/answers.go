package runtime

import (
	"sync"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// answers remembers the reply to each delivery, so a retried webhook gets
// the identical answer without running the flow (or its lookups) again.
type answers struct {
	mu      sync.Mutex
	max     int
	entries map[string]answer
}

type answer struct {
	reply   platform.Reply
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
	if len(a.entries) >= a.max {
		for k, e := range a.entries {
			if !now.Before(e.expires) || len(a.entries) >= a.max {
				delete(a.entries, k)
			}
		}
	}
	a.entries[key] = answer{reply: r, expires: now.Add(ttl)}
}
