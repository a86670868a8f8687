package storetest

import (
	"sync"
	"testing"
	"time"
)

// Clock is the time of a store under test. The suite moves it forward past
// TTLs instead of waiting; with RealTime it reads the machine's clock and
// is never moved.
type Clock struct {
	mu   sync.Mutex
	now  time.Time
	real bool
}

func newClock(real bool) *Clock {
	return &Clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), real: real}
}

// Now is the store's current time.
func (c *Clock) Now() time.Time {
	if c.real {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d. It panics in real time, where
// only waiting moves time.
func (c *Clock) Advance(d time.Duration) {
	if c.real {
		panic("storetest: Advance on a real-time clock")
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Option configures a suite run.
type Option func(*config)

type config struct {
	real bool
	ttl  time.Duration // the short TTL of expiry tests in real time
}

// DefaultRealTTL is the TTL of expiry tests run with RealTime(0).
const DefaultRealTTL = 150 * time.Millisecond

// RealTime runs the suite against a store that keeps time by itself and
// ignores the Clock (Redis's own expiry): things that must expire are
// written with TTLs of ttl (DefaultRealTTL when ≤ 0) and polled until they
// have gone, with a deadline. ttl must be long enough for one write and
// one read, and a multiple of the store's TTL resolution (Redis: 1 ms).
func RealTime(ttl time.Duration) Option {
	return func(c *config) {
		c.real = true
		c.ttl = ttl
		if c.ttl <= 0 {
			c.ttl = DefaultRealTTL
		}
	}
}

// deadline bounds every wait of the suite for something that must happen.
const deadline = 10 * time.Second

// window is how long a claim is held, while copies of its key are
// claiming it, before it is filled: a store that lets a copy through
// (a second claim, an answer made up) shows it within the window. A
// correct store's copies wait whatever the window, so the result of a
// test never depends on it; only a broken store's chance of being caught
// does.
const window = 100 * time.Millisecond

// pollEvery is how often a condition is polled while waiting for it.
const pollEvery = 5 * time.Millisecond

// timeline is the suite's time: a Clock to move, or the machine's.
type timeline struct {
	cfg   config
	clock *Clock
}

func newTimeline(opts []Option) *timeline {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	return &timeline{cfg: cfg, clock: newClock(cfg.real)}
}

// short is the TTL of things a test will see expire: a minute of a moved
// clock, or RealTime's.
func (tl *timeline) short() time.Duration {
	if tl.cfg.real {
		return tl.cfg.ttl
	}
	return time.Minute
}

// claimTTL is the TTL of claims a waiting copy will see expire: short in
// both modes, since the waiter's wait is real (see the package doc).
func (tl *timeline) claimTTL() time.Duration {
	if tl.cfg.real {
		return tl.cfg.ttl
	}
	return 200 * time.Millisecond
}

// long is a TTL nothing in a test outlives.
func (tl *timeline) long() time.Duration { return time.Hour }

// mark is the time of a write about to be made, by the clock the store
// expires it by: the Clock, or the machine's in real time.
func (tl *timeline) mark() time.Time { return tl.clock.Now() }

// alive says whether a read that has just ended can have happened within
// ttl of a write made after mark: always with a moved clock (unless moved
// past), and in real time when less than ttl has passed. An assertion that
// something is still held is made only then (a loaded machine may be
// slower than a short TTL).
func (tl *timeline) alive(t *testing.T, mark time.Time, ttl time.Duration) bool {
	t.Helper()
	if tl.clock.Now().Sub(mark) < ttl {
		return true
	}
	if tl.cfg.real {
		t.Logf("storetest: a read took longer than the TTL of %v; what it read is not checked", ttl)
	}
	return false
}

// almost moves the clock to one second before ttl ends after a write made
// at mark; in real time it does nothing (alive then says whether a read
// can still be checked).
func (tl *timeline) almost(mark time.Time, ttl time.Duration) {
	if d := mark.Add(ttl - time.Second).Sub(tl.clock.Now()); !tl.cfg.real && d > 0 {
		tl.clock.Advance(d)
	}
}

// pass lets ttl pass after a write made at mark (a moved clock moves to
// its end), then waits until gone() holds: at once with a moved clock, at
// most the deadline in real time (the store may expire lazily, on
// access). The test fails when gone does not hold.
func (tl *timeline) pass(t *testing.T, mark time.Time, ttl time.Duration, what string, gone func() bool) {
	t.Helper()
	if tl.cfg.real {
		eventually(t, what, gone)
		return
	}
	if d := mark.Add(ttl).Sub(tl.clock.Now()); d > 0 {
		tl.clock.Advance(d)
	}
	if !gone() {
		t.Fatalf("%s: not when its TTL of %v ended", what, ttl)
	}
}

// eventually polls cond until it holds, failing the test after the
// deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %v", what, deadline)
		}
		<-tick.C
	}
}
