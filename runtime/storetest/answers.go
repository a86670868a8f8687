package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// Answers runs the conformance suite of an AnswerStore: claim then fill,
// copies waiting for the first and getting its reply byte for byte, one
// claim among 50 concurrent copies, a wait bounded by its context, an
// abandoned claim expiring and taken over (and the late fill of the
// abandoned claim changing nothing), release, and the TTL of an answer.
func Answers(t *testing.T, open func(t *testing.T, clock *Clock) runtime.AnswerStore, opts ...Option) {
	run := func(name string, test func(t *testing.T, a *answers)) {
		t.Run(name, func(t *testing.T) {
			tl := newTimeline(opts)
			test(t, &answers{t: t, tl: tl, store: open(t, tl.clock), ctx: context.Background()})
		})
	}
	run("ClaimThenFill", answerClaimThenFill)
	run("CopiesWaitForTheFirst", answerCopiesWait)
	run("OneOf50Runs", answerRace)
	run("WaitEndsWithContext", answerWaitBounded)
	run("AbandonedClaimExpires", answerAbandoned)
	run("WaitingCopyTakesOverAnAbandonedClaim", answerWaiterTakesOver)
	run("Release", answerRelease)
	run("AnswerExpires", answerExpires)
	run("KeysApart", answerKeysApart)
	run("FlowsApart", answerFlowsApart)
	run("KeepsWhoAnswered", answerKeepsWhoAnswered)
}

type answers struct {
	t     *testing.T
	tl    *timeline
	store runtime.AnswerStore
	ctx   context.Context
}

// claim claims key, which must not be answered.
func (a *answers) claim(key string, ttl time.Duration) runtime.Claim {
	a.t.Helper()
	c, err := a.store.Claim(a.ctx, key, ttl)
	if err != nil {
		a.t.Fatalf("Claim(%q): %v", key, err)
	}
	if c.Answered || c.Key != key || c.Token == 0 {
		a.t.Fatalf("Claim(%q) = %+v; want a claim on the key with a token", key, c)
	}
	return c
}

// answered claims key, which must hold want.
func (a *answers) answered(key string, want platform.Reply) {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(a.ctx, deadline)
	defer cancel()
	c, err := a.store.Claim(ctx, key, a.tl.claimTTL())
	if err != nil {
		a.t.Fatalf("Claim(%q): %v", key, err)
	}
	if !c.Answered {
		a.t.Fatalf("Claim(%q) claimed it; want the stored answer %d %q", key, want.Status, want.Body)
	}
	sameReply(a.t, c.Reply, want)
}

func (a *answers) fill(c runtime.Claim, r platform.Reply, ttl time.Duration) {
	a.t.Helper()
	if err := a.store.Fill(a.ctx, c, r, ttl); err != nil {
		a.t.Fatalf("Fill(%q): %v", c.Key, err)
	}
}

func (a *answers) release(c runtime.Claim) {
	a.t.Helper()
	if err := a.store.Release(a.ctx, c); err != nil {
		a.t.Fatalf("Release(%q): %v", c.Key, err)
	}
}

func sameReply(t *testing.T, got, want platform.Reply) {
	t.Helper()
	if got.Status != want.Status || !bytes.Equal(got.Body, want.Body) { // a nil body and an empty one are the same bytes
		t.Fatalf("reply %d %q, want %d %q, byte for byte", got.Status, got.Body, want.Status, want.Body)
	}
}

// reply is an answer whose bytes a store could alter: not valid UTF-8, a
// NUL, JSON-looking text, a trailing newline.
func reply(n int) platform.Reply {
	return platform.Reply{Status: 200, Body: append([]byte(`{"Response":{"n":`+string(rune('0'+n%10))+`,"t":"é\u00a0"}}`), 0x00, 0xff, '\n')}
}

func answerClaimThenFill(t *testing.T, a *answers) {
	c := a.claim("tencent|s1", a.tl.claimTTL())
	a.fill(c, reply(1), a.tl.long())
	a.answered("tencent|s1", reply(1))
	// An answer without a body (a 204) stays without one.
	c = a.claim("callback|t1", a.tl.claimTTL())
	a.fill(c, platform.Reply{Status: 204}, a.tl.long())
	a.answered("callback|t1", platform.Reply{Status: 204})
}

// answerCopiesWait: copies that arrive while the first is being answered
// wait (none returns within the window), and every one gets its answer.
func answerCopiesWait(t *testing.T, a *answers) {
	first := a.claim("8x8|e1", a.tl.long())
	const copies = 10
	type result struct {
		c   runtime.Claim
		err error
	}
	results := make(chan result, copies)
	var started sync.WaitGroup
	for range copies {
		started.Add(1)
		go func() {
			ctx, cancel := context.WithTimeout(a.ctx, deadline)
			defer cancel()
			started.Done()
			c, err := a.store.Claim(ctx, "8x8|e1", a.tl.long())
			results <- result{c, err}
		}()
	}
	started.Wait()
	select {
	case r := <-results:
		t.Fatalf("a copy returned %+v, %v while the first was being answered; want it to wait", r.c, r.err)
	case <-time.After(window):
	}
	a.fill(first, reply(2), a.tl.long())
	for range copies {
		r := <-results
		if r.err != nil {
			t.Fatalf("a copy waiting for the answer: %v", r.err)
		}
		if !r.c.Answered {
			t.Fatalf("a copy claimed the delivery while it was being answered: %+v", r.c)
		}
		sameReply(t, r.c.Reply, reply(2))
	}
}

// answerRace: 50 copies of one delivery at once: exactly one claims it
// (runs the flow) and holds it for the window, the others get its answer.
func answerRace(t *testing.T, a *answers) {
	start := make(chan struct{})
	var (
		mu     sync.Mutex
		claims int
		wg     sync.WaitGroup
	)
	replies := make(chan platform.Reply, racers)
	for range racers {
		wg.Go(func() {
			<-start
			ctx, cancel := context.WithTimeout(a.ctx, deadline)
			defer cancel()
			c, err := a.store.Claim(ctx, "8x8|e1", a.tl.long())
			if err != nil {
				t.Errorf("Claim: %v", err)
				return
			}
			if c.Answered {
				replies <- c.Reply
				return
			}
			mu.Lock()
			claims++
			mu.Unlock()
			holdClaim()
			if err := a.store.Fill(a.ctx, c, reply(3), a.tl.long()); err != nil {
				t.Errorf("Fill: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(replies)
	if claims != 1 {
		t.Fatalf("%d of %d copies claimed the delivery, want 1", claims, racers)
	}
	n := 0
	for r := range replies {
		sameReply(t, r, reply(3))
		n++
	}
	if n != racers-1 {
		t.Errorf("%d copies got the answer, want %d", n, racers-1)
	}
}

// holdClaim holds a claim for the window before it is filled, as a flow
// that takes its time would: copies a broken store lets through show up
// as second claims.
func holdClaim() { <-time.After(window) }

// answerWaitBounded: a copy waits no longer than its context: it gets the
// context's error, not a claim, while the first's claim is pending.
func answerWaitBounded(t *testing.T, a *answers) {
	a.claim("8x8|e1", a.tl.long())
	ctx, cancel := context.WithTimeout(a.ctx, 50*time.Millisecond)
	defer cancel()
	c, err := a.store.Claim(ctx, "8x8|e1", a.tl.long())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Claim while another is pending = %+v, %v; want context.DeadlineExceeded when ctx ends", c, err)
	}
}

// answerAbandoned: a claim never filled (its replica died) expires; the
// next copy claims the key, and the abandoned claim's late Fill and
// Release change nothing.
func answerAbandoned(t *testing.T, a *answers) {
	ttl := a.tl.claimTTL()
	mark := a.tl.mark()
	old := a.claim("8x8|e1", ttl)
	var next runtime.Claim
	a.tl.pass(t, mark, ttl, "the abandoned claim expiring", func() bool {
		ctx, cancel := context.WithTimeout(a.ctx, ttl)
		defer cancel()
		c, err := a.store.Claim(ctx, "8x8|e1", a.tl.long())
		next = c
		return err == nil && !c.Answered
	})
	if next.Token == old.Token {
		t.Fatalf("the new claim has the abandoned one's token %d", old.Token)
	}
	a.fill(old, reply(4), a.tl.long()) // too late: ignored
	a.release(old)
	a.fill(next, reply(5), a.tl.long())
	a.answered("8x8|e1", reply(5))
	a.release(old)
	a.answered("8x8|e1", reply(5))
}

// answerWaiterTakesOver: a copy waiting for a claim that is never filled
// claims the key itself when the claim expires, within its own wait.
func answerWaiterTakesOver(t *testing.T, a *answers) {
	ttl := a.tl.claimTTL()
	mark := a.tl.mark()
	a.claim("8x8|e1", ttl)
	got, errc := a.claimLater("8x8|e1", a.tl.long())
	a.tl.pass(t, mark, ttl, "", func() bool { return true })
	select {
	case c := <-got:
		if c.Answered || c.Token == 0 {
			t.Fatalf("the waiting copy got %+v, want the claim", c)
		}
	case err := <-errc:
		t.Fatalf("the waiting copy: %v; want the claim once the first expired", err)
	}
}

// claimLater claims key in a goroutine, as a copy arriving meanwhile
// would, and sends the claim or the error.
func (a *answers) claimLater(key string, ttl time.Duration) (<-chan runtime.Claim, <-chan error) {
	got := make(chan runtime.Claim, 1)
	errc := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(a.ctx, deadline)
		defer cancel()
		c, err := a.store.Claim(ctx, key, ttl)
		if err != nil {
			errc <- err
			return
		}
		got <- c
	}()
	return got, errc
}

// answerRelease: a released claim stores nothing; the next copy claims
// the key at once, and one waiting is woken to claim it.
func answerRelease(t *testing.T, a *answers) {
	c := a.claim("8x8|e1", a.tl.long())
	got, errc := a.claimLater("8x8|e1", a.tl.long())
	a.release(c)
	var next runtime.Claim
	select {
	case next = <-got:
		if next.Answered || next.Token == 0 {
			t.Fatalf("after Release a copy got %+v, want a claim", next)
		}
	case err := <-errc:
		t.Fatalf("a copy waiting on a released claim: %v", err)
	}
	a.fill(c, reply(6), a.tl.long()) // released: ignored
	a.release(next)
	later := a.claim("8x8|e1", a.tl.long())
	a.fill(later, reply(7), a.tl.long())
	a.answered("8x8|e1", reply(7))
}

func answerExpires(t *testing.T, a *answers) {
	ttl := a.tl.short()
	c := a.claim("8x8|e1", a.tl.claimTTL())
	mark := a.tl.mark()
	a.fill(c, reply(8), ttl)
	a.tl.almost(mark, ttl)
	ctx, cancel := context.WithTimeout(a.ctx, deadline)
	defer cancel()
	got, err := a.store.Claim(ctx, "8x8|e1", a.tl.long())
	if err != nil {
		t.Fatal(err)
	}
	if a.tl.alive(t, mark, ttl) {
		if !got.Answered {
			t.Fatal("the answer expired before its TTL")
		}
		sameReply(t, got.Reply, reply(8))
	}
	if !got.Answered {
		a.release(got)
	}
	a.tl.pass(t, mark, ttl, "the answer expiring", func() bool {
		c, err := a.store.Claim(ctx, "8x8|e1", a.tl.long())
		if err == nil && !c.Answered {
			a.release(c)
			return true
		}
		return false
	})
}

func answerKeysApart(t *testing.T, a *answers) {
	keys := []string{"8x8|a", "8x8|a:b", "8x8|{a}", "tencent|a", "8x8|a b", "8x8|é"}
	for i, k := range keys {
		a.fill(a.claim(k, a.tl.claimTTL()), reply(i), a.tl.long())
	}
	for i, k := range keys {
		a.answered(k, reply(i))
	}
}

// answerFlowsApart: one delivery id on the routes of two flows, and routed
// by number, is three deliveries with three answers (runtime.AnswerKey),
// in every store; so is an 8x8 event whose flow name holds a separator.
func answerFlowsApart(t *testing.T, a *answers) {
	keys := []string{
		runtime.AnswerKey("tencent", "", "s-1", "s-1"),
		runtime.AnswerKey("tencent", "support", "s-1", "s-1"),
		runtime.AnswerKey("tencent", "sales", "s-1", "s-1"),
		runtime.AnswerKey("8x8", "", "c-1", "e-1"),
		runtime.AnswerKey("8x8", "support", "c-1", "e-1"),
		runtime.AnswerKey("8x8", "a:b", "c-1", "e-1"),
		runtime.AnswerKey("8x8", "a", "c-1", "b:e-1"),
	}
	for i, k := range keys {
		a.fill(a.claim(k, a.tl.claimTTL()), reply(i), a.tl.long())
	}
	for i, k := range keys {
		a.answered(k, reply(i))
	}
}

// answerKeepsWhoAnswered: the flow, version and handler that gave an
// answer (Reply.By) come back with it, for the copy's log line; a reply
// no flow gave comes back without.
func answerKeepsWhoAnswered(t *testing.T, a *answers) {
	by := &platform.Answerer{Flow: "support", Version: "0123456789ab", Handler: "menu"}
	for i, r := range []platform.Reply{
		{Status: 200, Body: []byte(`{"a":1}`), By: by},
		{Status: 204, By: &platform.Answerer{Flow: "reminder", Version: "ba9876543210"}},
		{Status: 200, Body: []byte(`{}`)},
	} {
		key := runtime.AnswerKey("8x8", "", "call-by", fmt.Sprint("e-", i))
		a.fill(a.claim(key, a.tl.claimTTL()), r, a.tl.long())
		c, err := a.store.Claim(a.ctx, key, a.tl.claimTTL())
		switch {
		case err != nil || !c.Answered:
			t.Fatalf("%s: claimed again (%v), want the answer", key, err)
		case r.By == nil && c.Reply.By != nil:
			t.Errorf("%s: answered by %+v, want nobody", key, *c.Reply.By)
		case r.By != nil && (c.Reply.By == nil || *c.Reply.By != *r.By):
			t.Errorf("%s: answered by %v, want %+v", key, c.Reply.By, *r.By)
		}
		sameReply(t, c.Reply, r)
	}
}
