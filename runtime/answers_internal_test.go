package runtime

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

func TestAnswersBoundAndExpiry(t *testing.T) {
	a := NewMemoryAnswers(3)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	reply := func(i int) platform.Reply { return platform.Reply{Status: 200, Body: []byte(fmt.Sprint(i))} }
	for i := range 5 {
		putAnswer(a, fmt.Sprint("k", i), reply(i), t0.Add(time.Duration(i)*time.Second), time.Minute)
	}
	if n := a.Len(); n != 3 {
		t.Fatalf("len %d, want the bound 3", n)
	}
	for i, want := range []bool{false, false, true, true, true} {
		_, ok := a.get(fmt.Sprint("k", i), t0.Add(5*time.Second))
		if ok != want {
			t.Errorf("k%d held = %v, want %v (the oldest go first)", i, ok, want)
		}
	}

	// Storing a key again keeps the new answer when the old queue item goes.
	putAnswer(a, "k2", reply(22), t0.Add(10*time.Second), time.Minute)
	putAnswer(a, "k5", reply(5), t0.Add(11*time.Second), time.Minute)
	if r, ok := a.get("k2", t0.Add(12*time.Second)); !ok || string(r.Body) != "22" {
		t.Errorf("k2 = %q %v, want the answer stored last", r.Body, ok)
	}

	// Expired answers are gone, and dropped as new ones arrive.
	late := t0.Add(2 * time.Minute)
	if _, ok := a.get("k3", late); ok {
		t.Error("k3 still answers after its TTL")
	}
	putAnswer(a, "k6", reply(6), late, time.Minute)
	if n := a.Len(); n != 1 {
		t.Errorf("len %d after the others expired, want 1", n)
	}
}

// The queue's consumed front is reclaimed as the cache turns over; every
// answer still held is found where the index says.
func TestAnswersAfterReclaim(t *testing.T) {
	const bound, stored = 3000, 10_000
	a := NewMemoryAnswers(bound)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i := range stored {
		putAnswer(a, fmt.Sprint("k", i%7000), platform.Reply{Body: []byte(fmt.Sprint(i))}, t0, time.Hour) // keys 0..2999 come twice
	}
	if n := a.Len(); n != bound {
		t.Fatalf("len %d, want %d", n, bound)
	}
	for i := stored - bound; i < stored; i++ {
		r, ok := a.get(fmt.Sprint("k", i%7000), t0)
		if !ok || string(r.Body) != fmt.Sprint(i) {
			t.Fatalf("k%d = %q %v, want %d", i%7000, r.Body, ok, i)
		}
	}
	if _, ok := a.get(fmt.Sprint("k", stored-bound-1), t0); ok {
		t.Error("an evicted answer is still found")
	}
	// The blocks the front empties are refilled: the queue holds what the
	// bound needs, not every answer ever stored.
	if n, most := len(a.queue.blocks), bound/answerBlockLen+2; n > most {
		t.Errorf("the queue holds %d blocks for %d answers, want at most %d", n, bound, most)
	}
}

// A full cache stores each answer in constant time: filling it a second
// time must not rescan it per webhook (it used to take milliseconds each).
func BenchmarkAnswersPutFull(b *testing.B) {
	a := NewMemoryAnswers(200_000)
	now := time.Now()
	for i := range 200_000 {
		putAnswer(a, fmt.Sprint("warm", i), platform.Reply{}, now, time.Hour)
	}
	i := 0
	for b.Loop() {
		i++
		putAnswer(a, fmt.Sprint("k", i), platform.Reply{}, now, time.Hour)
	}
}

// putAnswer stores an answer as a filled claim does.
func putAnswer(a *MemoryAnswers, key string, r platform.Reply, now time.Time, ttl time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	seq := a.push(key, a.nanos(now), a.nanos(now)+int64(ttl))
	e := a.queue.at(seq)
	e.pending, e.status, e.by, e.body = false, r.Status, r.By, a.pack(r)
}

// get returns the answer stored under key: what a copy arriving at now
// would be given without waiting.
func (a *MemoryAnswers) get(key string, now time.Time) (platform.Reply, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	seq, ok := a.index[key]
	if !ok {
		return platform.Reply{}, false
	}
	e := a.queue.at(seq)
	if e.pending || a.nanos(now) >= e.expires {
		return platform.Reply{}, false
	}
	return e.reply(), true
}

// A claim whose copy never fills it (its process died) expires after its
// TTL: the next copy claims the delivery and runs the flow, and the late
// fill of the abandoned claim does not overwrite the new one's answer.
func TestAbandonedClaimExpires(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	now := t0
	a := NewMemoryAnswers(0)
	a.now = func() time.Time { return now }
	ctx := context.Background()

	first, err := a.Claim(ctx, "tencent|s1", 3*time.Second)
	if err != nil || first.Answered || first.Token == 0 {
		t.Fatalf("first claim: %+v %v, want a claim", first, err)
	}
	// While it is pending, a copy waits: here until its context ends.
	now = t0.Add(time.Second)
	done, cancel := context.WithCancel(ctx)
	cancel()
	if c, err := a.Claim(done, "tencent|s1", 3*time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("a copy while the claim is pending: %+v %v, want it to wait (context canceled)", c, err)
	}
	// Past the claim's TTL, the next copy claims it.
	now = t0.Add(3 * time.Second)
	second, err := a.Claim(ctx, "tencent|s1", 3*time.Second)
	if err != nil || second.Answered || second.Token == first.Token {
		t.Fatalf("a copy after the claim expired: %+v %v, want a new claim", second, err)
	}
	if err := a.Fill(ctx, first, platform.Reply{Status: 200, Body: []byte("late")}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := a.Fill(ctx, second, platform.Reply{Status: 200, Body: []byte("second")}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if c, err := a.Claim(ctx, "tencent|s1", 3*time.Second); err != nil || !c.Answered || string(c.Reply.Body) != "second" {
		t.Errorf("after both filled: %+v %v, want the answer of the claim that held the key", c, err)
	}
}

// A copy waiting for a pending claim gets its answer when it is filled,
// and claims the delivery itself when the claim is released.
func TestWaitingCopyWakes(t *testing.T) {
	a := NewMemoryAnswers(0)
	ctx := context.Background()
	for _, fill := range []bool{true, false} {
		key := fmt.Sprint("8x8|evt-", fill)
		first, _ := a.Claim(ctx, key, time.Minute)
		got := make(chan Claim, 1)
		go func() {
			c, err := a.Claim(ctx, key, time.Minute)
			if err != nil {
				t.Error(err)
			}
			got <- c
		}()
		waiting(t, a, key)
		if fill {
			a.Fill(ctx, first, platform.Reply{Status: 200, Body: []byte("answer")}, time.Hour)
		} else {
			a.Release(ctx, first)
		}
		select {
		case c := <-got:
			if fill && (!c.Answered || string(c.Reply.Body) != "answer") {
				t.Errorf("after fill: %+v, want the answer", c)
			}
			if !fill && (c.Answered || c.Token == 0 || c.Token == first.Token) {
				t.Errorf("after release: %+v, want a claim of its own", c)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("fill %v: the waiting copy never woke", fill)
		}
	}
}

// waiting returns once a copy waits on key's pending claim.
func waiting(t *testing.T, a *MemoryAnswers, key string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.mu.Lock()
		seq, ok := a.index[key]
		w := ok && a.queue.at(seq).done != nil
		a.mu.Unlock()
		if w {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no copy started waiting")
		}
		runtime.Gosched()
	}
}

// Abandoned claims do not pile up: they go as new deliveries are claimed.
func TestAbandonedClaimsGo(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	now := t0
	a := NewMemoryAnswers(0)
	a.now = func() time.Time { return now }
	for i := range 10_000 {
		now = t0.Add(time.Duration(i) * time.Millisecond)
		a.Claim(context.Background(), fmt.Sprint("k", i), time.Millisecond)
	}
	if n, q := a.Len(), a.queue.len(); n > 1 || q > 1 {
		t.Errorf("%d deliveries and %d entries held after 10,000 abandoned claims, want only the last one", n, q)
	}
}

// What the answers cost a webhook: claim, then fill, on a full store
// (each webhook a new delivery, as in P1), against a bare lookup and store
// (what the engine did before claims), in one run.
func BenchmarkAnswersPerWebhook(b *testing.B) {
	const keys = 1 << 20
	names := make([]string, keys)
	for i := range names {
		names[i] = "tencent|" + strconv.Itoa(i)
	}
	fresh := func() *MemoryAnswers {
		a := NewMemoryAnswers(200_000)
		now := time.Now()
		for i := range 200_000 {
			putAnswer(a, "warm"+strconv.Itoa(i), platform.Reply{}, now, time.Hour)
		}
		return a
	}
	now := time.Now()
	ctx := context.Background()
	b.Run("claim-fill", func(b *testing.B) {
		a := fresh()
		i := 0
		for b.Loop() {
			i++
			c, _ := a.claim(ctx, names[i&(keys-1)], 3*time.Second, now, time.Time{})
			if !c.Answered {
				a.fill(c, platform.Reply{Status: 200}, time.Hour, now)
			}
		}
	})
	b.Run("get-put", func(b *testing.B) {
		a := fresh()
		i := 0
		for b.Loop() {
			i++
			if _, ok := a.get(names[i&(keys-1)], now); !ok {
				putAnswer(a, names[i&(keys-1)], platform.Reply{Status: 200}, now, time.Hour)
			}
		}
	})
}

// Through the engine: a delivery whose claim was abandoned (its first copy
// died mid-answer) is answered by a later copy once the claim has expired,
// not refused or held until its budget runs out.
func TestEngineTakesOverAnAbandonedClaim(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	now := t0
	a := NewMemoryAnswers(0)
	a.now = func() time.Time { return now }
	eng, err := New(WithFlows(compileVersion(t, "hello")), WithAnswerStore(a))
	if err != nil {
		t.Fatal(err)
	}
	body, err := eng.adapters["8x8"].Webhook(platform.Call{Session: "s-1", Delivery: "evt-1", Caller: "+6591234567", Callee: "+6512345678", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Claim(context.Background(), "8x8|evt-1", eng.budget("8x8")); err != nil { // the copy that died
		t.Fatal(err)
	}
	now = t0.Add(eng.budget("8x8"))
	res, err := eng.Serve(context.Background(), &Request{Platform: "8x8", Flow: "hello", Body: body})
	if err != nil || res.Outcome != Answered {
		t.Fatalf("a copy after the abandoned claim expired: %s %v, want answered", res.Outcome, err)
	}
	if dup, _ := eng.Serve(context.Background(), &Request{Platform: "8x8", Flow: "hello", Body: body}); dup.Outcome != Duplicate || string(dup.Reply.Body) != string(res.Reply.Body) {
		t.Errorf("its retry: %s %s, want the duplicate of %s", dup.Outcome, dup.Reply.Body, res.Reply.Body)
	}
}
