package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/dispatch"
)

// Dispatch runs the conformance suite of a dispatch.OutcomeStore: a
// trigger claimed before it is sent, exactly one of 50 concurrent copies
// sending, the others getting its outcome (a failure too, with its
// message), a wait bounded by its context, an abandoned claim expiring and
// taken over, release, and each outcome kept for the TTL given (a failure
// for dispatch.FailedOutcomeTTL, while a success outlives it).
func Dispatch(t *testing.T, open func(t *testing.T, clock *Clock) dispatch.OutcomeStore, opts ...Option) {
	run := func(name string, test func(t *testing.T, d *outcomes)) {
		t.Run(name, func(t *testing.T) {
			tl := newTimeline(opts)
			test(t, &outcomes{t: t, tl: tl, store: open(t, tl.clock), ctx: context.Background()})
		})
	}
	run("ClaimThenFill", outcomeClaimThenFill)
	run("FailureKeptWithItsMessage", outcomeFailure)
	run("OneOf50Sends", outcomeRace)
	run("WaitEndsWithContext", outcomeWaitBounded)
	run("AbandonedClaimExpires", outcomeAbandoned)
	run("ReleaseLetsTheNextSend", outcomeRelease)
	run("FailureExpiresFirst", outcomeTTLs)
	run("FlowsApart", outcomeFlowsApart)
}

type outcomes struct {
	t     *testing.T
	tl    *timeline
	store dispatch.OutcomeStore
	ctx   context.Context
}

func (d *outcomes) claim(key string, ttl time.Duration) dispatch.Claim {
	d.t.Helper()
	c, err := d.store.Claim(d.ctx, key, ttl)
	if err != nil {
		d.t.Fatalf("Claim(%q): %v", key, err)
	}
	if c.Settled || c.Key != key || c.Token == 0 {
		d.t.Fatalf("Claim(%q) = %+v; want a claim on the key with a token", key, c)
	}
	return c
}

// settled claims key, which must hold want.
func (d *outcomes) settled(key string, want dispatch.Outcome) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(d.ctx, deadline)
	defer cancel()
	c, err := d.store.Claim(ctx, key, d.tl.claimTTL())
	if err != nil {
		d.t.Fatalf("Claim(%q): %v", key, err)
	}
	if !c.Settled {
		d.t.Fatalf("Claim(%q) claimed it; want the stored outcome", key)
	}
	sameOutcome(d.t, c.Outcome, want)
}

func (d *outcomes) fill(c dispatch.Claim, o dispatch.Outcome, ttl time.Duration) {
	d.t.Helper()
	if err := d.store.Fill(d.ctx, c, o, ttl); err != nil {
		d.t.Fatalf("Fill(%q): %v", c.Key, err)
	}
}

// free says whether key can be claimed now, releasing the claim if so.
func (d *outcomes) free(key string) bool {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(d.ctx, deadline)
	defer cancel()
	c, err := d.store.Claim(ctx, key, d.tl.claimTTL())
	if err != nil {
		d.t.Fatalf("Claim(%q): %v", key, err)
	}
	if c.Settled {
		return false
	}
	if err := d.store.Release(d.ctx, c); err != nil {
		d.t.Fatalf("Release(%q): %v", key, err)
	}
	return true
}

// accepted is a callbot dispatch OMICall accepted after a retry.
func accepted() dispatch.Outcome {
	return dispatch.Outcome{Result: dispatch.Result{
		Request: dispatch.Request{Method: "POST", URL: "https://public-v1-stg.omicall.com/api/callbot/start?x=1",
			Body: json.RawMessage(`{"ext_session_id":"t-1","contacts":[{"phone":"0912345678"}]}`)},
		Response: &dispatch.Response{Status: 200, Body: json.RawMessage(`{"status_code":9999,"payload":{"id":"é"}}`)},
		Attempts: 2,
	}}
}

// refused is a callback dispatch that failed: refused, with a cause.
func refused() dispatch.Outcome {
	return dispatch.Outcome{
		Result: dispatch.Result{
			Request:  dispatch.Request{Method: "POST", URL: "https://api.example/v1/calls", Body: json.RawMessage(`{"to":"+6590001111"}`)},
			Response: &dispatch.Response{Status: 503, Body: json.RawMessage(`"maintenance"`)},
			Attempts: 3,
		},
		Err: &dispatch.Error{Platform: "callback", Status: 503, Message: "maintenance", Err: errors.New("after 3 attempts")},
	}
}

// sameOutcome compares outcomes as the server answers them: the Result's
// JSON byte for byte and its attempts, and the error's fields and message
// (its cause is kept as text).
func sameOutcome(t *testing.T, got, want dispatch.Outcome) {
	t.Helper()
	g, w := got.Result, want.Result
	gj, gerr := json.Marshal(g)
	wj, werr := json.Marshal(w)
	if gerr != nil || werr != nil || !bytes.Equal(gj, wj) || g.Attempts != w.Attempts {
		t.Fatalf("result %s (%d attempts), want %s (%d attempts)", gj, g.Attempts, wj, w.Attempts)
	}
	switch {
	case (got.Err == nil) != (want.Err == nil):
		t.Fatalf("error %v, want %v", got.Err, want.Err)
	case got.Err == nil:
	case got.Err.Platform != want.Err.Platform || got.Err.Status != want.Err.Status ||
		got.Err.Code != want.Err.Code || got.Err.Message != want.Err.Message || got.Err.Error() != want.Err.Error():
		t.Fatalf("error %+v (%q), want %+v (%q)", got.Err, got.Err.Error(), want.Err, want.Err.Error())
	}
}

func outcomeClaimThenFill(t *testing.T, d *outcomes) {
	key := dispatch.Key("callbot", "flow", "t-1")
	c := d.claim(key, d.tl.claimTTL())
	d.fill(c, accepted(), dispatch.OutcomeTTL)
	d.settled(key, accepted())
	d.settled(key, accepted())
}

func outcomeFailure(t *testing.T, d *outcomes) {
	key := dispatch.Key("callback", "flow", "t-1")
	d.fill(d.claim(key, d.tl.claimTTL()), refused(), dispatch.FailedOutcomeTTL)
	d.settled(key, refused())
}

// outcomeRace: 50 copies of one trigger at once, as 50 replicas would get
// them: exactly one claims it (sends, taking the window to), every other
// gets its outcome.
func outcomeRace(t *testing.T, d *outcomes) {
	key := dispatch.Key("callback", "flow", "t-1")
	start := make(chan struct{})
	var (
		mu    sync.Mutex
		sends int
		wg    sync.WaitGroup
	)
	got := make(chan dispatch.Outcome, racers)
	for range racers {
		wg.Go(func() {
			<-start
			ctx, cancel := context.WithTimeout(d.ctx, deadline)
			defer cancel()
			c, err := d.store.Claim(ctx, key, d.tl.long())
			if err != nil {
				t.Errorf("Claim: %v", err)
				return
			}
			if c.Settled {
				got <- c.Outcome
				return
			}
			mu.Lock()
			sends++
			mu.Unlock()
			holdClaim() // the request on its way
			if err := d.store.Fill(d.ctx, c, accepted(), dispatch.OutcomeTTL); err != nil {
				t.Errorf("Fill: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(got)
	if sends != 1 {
		t.Fatalf("%d of %d copies of one trigger would have sent it, want 1", sends, racers)
	}
	n := 0
	for o := range got {
		sameOutcome(t, o, accepted())
		n++
	}
	if n != racers-1 {
		t.Errorf("%d copies got the outcome, want %d", n, racers-1)
	}
}

func outcomeWaitBounded(t *testing.T, d *outcomes) {
	key := dispatch.Key("callback", "flow", "t-1")
	d.claim(key, d.tl.long())
	ctx, cancel := context.WithTimeout(d.ctx, 50*time.Millisecond)
	defer cancel()
	c, err := d.store.Claim(ctx, key, d.tl.long())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Claim while another is pending = %+v, %v; want context.DeadlineExceeded when ctx ends", c, err)
	}
}

// outcomeAbandoned: a replica died mid-dispatch: its claim expires, a copy
// claims the trigger, and the dead claim's late Fill changes nothing.
func outcomeAbandoned(t *testing.T, d *outcomes) {
	key := dispatch.Key("callback", "flow", "t-1")
	ttl := d.tl.claimTTL()
	mark := d.tl.mark()
	old := d.claim(key, ttl)
	var next dispatch.Claim
	d.tl.pass(t, mark, ttl, "the abandoned claim expiring", func() bool {
		ctx, cancel := context.WithTimeout(d.ctx, ttl)
		defer cancel()
		c, err := d.store.Claim(ctx, key, d.tl.long())
		next = c
		return err == nil && !c.Settled
	})
	if next.Token == old.Token {
		t.Fatalf("the new claim has the abandoned one's token %d", old.Token)
	}
	d.fill(old, refused(), dispatch.OutcomeTTL) // too late: ignored
	if err := d.store.Release(d.ctx, old); err != nil {
		t.Fatal(err)
	}
	d.fill(next, accepted(), dispatch.OutcomeTTL)
	d.settled(key, accepted())
}

// outcomeRelease: nothing reached the platform: the claim is released, a
// copy waiting claims the trigger and sends.
func outcomeRelease(t *testing.T, d *outcomes) {
	key := dispatch.Key("callback", "flow", "t-1")
	c := d.claim(key, d.tl.long())
	got := make(chan dispatch.Claim, 1)
	errc := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(d.ctx, deadline)
		defer cancel()
		c, err := d.store.Claim(ctx, key, d.tl.long())
		if err != nil {
			errc <- err
			return
		}
		got <- c
	}()
	if err := d.store.Release(d.ctx, c); err != nil {
		t.Fatal(err)
	}
	select {
	case next := <-got:
		if next.Settled || next.Token == 0 {
			t.Fatalf("after Release a copy got %+v, want a claim", next)
		}
		d.fill(c, refused(), dispatch.OutcomeTTL) // released: ignored
		d.fill(next, accepted(), dispatch.OutcomeTTL)
		d.settled(key, accepted())
	case err := <-errc:
		t.Fatalf("a copy waiting on a released claim: %v", err)
	}
}

// outcomeTTLs: a failure is kept for its short TTL, then the trigger may
// be sent again; a success filled at the same time is still kept.
func outcomeTTLs(t *testing.T, d *outcomes) {
	failedTTL := dispatch.FailedOutcomeTTL
	if d.tl.cfg.real {
		failedTTL = d.tl.short()
	}
	ok, failed := dispatch.Key("callbot", "flow", "ok"), dispatch.Key("callback", "flow", "failed")
	okClaim, failedClaim := d.claim(ok, d.tl.claimTTL()), d.claim(failed, d.tl.claimTTL())
	mark := d.tl.mark()
	d.fill(okClaim, accepted(), dispatch.OutcomeTTL)
	d.fill(failedClaim, refused(), failedTTL)
	d.tl.almost(mark, failedTTL)
	if held := !d.free(failed); d.tl.alive(t, mark, failedTTL) && !held {
		t.Fatal("the failure was forgotten before its TTL")
	}
	d.tl.pass(t, mark, failedTTL, "the failure expiring", func() bool { return d.free(failed) })
	d.settled(ok, accepted())
}

// outcomeFlowsApart: one trigger id dispatched by two flows is two
// triggers (dispatch.Key), each with its own outcome, in every store.
func outcomeFlowsApart(t *testing.T, d *outcomes) {
	support, sales := dispatch.Key("callback", "support", "t-1"), dispatch.Key("callback", "sales", "t-1")
	d.fill(d.claim(support, d.tl.claimTTL()), accepted(), dispatch.OutcomeTTL)
	d.fill(d.claim(sales, d.tl.claimTTL()), refused(), dispatch.OutcomeTTL)
	d.settled(support, accepted())
	d.settled(sales, refused())
	odd, plain := dispatch.Key("callbot", "a:b", "c"), dispatch.Key("callbot", "a", "b:c")
	d.fill(d.claim(odd, d.tl.claimTTL()), accepted(), dispatch.OutcomeTTL)
	d.fill(d.claim(plain, d.tl.claimTTL()), refused(), dispatch.OutcomeTTL)
	d.settled(odd, accepted())
	d.settled(plain, refused())
}
