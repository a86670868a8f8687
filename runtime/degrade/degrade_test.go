package degrade_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/degrade/degradetest"
	"github.com/callflow/callflow/runtime/platform"
)

// The tests run in synctest bubbles: their clock is fake and moves only
// when every goroutine of the test is blocked, so a store that hangs until
// the webhook's deadline takes no real time, answers are timed exactly,
// and the breaker's pause passes by time.Sleep without waiting.

// stores runs a test against the store as a CallStore (Redis's two round
// trips) and split into its SessionStore and AnswerStore.
func stores(t *testing.T, test func(t *testing.T, split bool)) {
	for _, split := range []bool{false, true} {
		name := "CallStore"
		if split {
			name = "SessionStore+AnswerStore"
		}
		t.Run(name, func(t *testing.T) { synctest.Test(t, func(t *testing.T) { test(t, split) }) })
	}
}

// TestRefusedStoreKeepsNewCallsHere: with the store refusing connections,
// 8x8 calls are answered by their flow from start to end, their sessions
// and answers in this process; when the store is back, a call started
// during the outage finishes here and new calls go to the store again.
// Degraded mode is logged once when it starts and once when it ends.
func TestRefusedStoreKeepsNewCallsHere(t *testing.T) {
	stores(t, func(t *testing.T, split bool) {
		r := newRig(t, split)
		r.f.Set(degradetest.Refused)
		for _, id := range []string{"outage-1", "outage-1b", "outage-1c"} { // a failure each at least: the breaker opens
			r.call8x8(t, id)
		}
		if n := r.f.Sessions(); n != 0 {
			t.Fatalf("the refusing store holds %d sessions", n)
		}
		if st := r.g.Status(); !st.Degraded || st.Breaker != degrade.Open || !strings.Contains(st.LastError, "connection refused") {
			t.Fatalf("status during the outage: %+v", st)
		}

		a := r.handle("8x8", webhook8x8(t, "outage-2", 0, "", ""))
		r.want(t, a, budget8x8, menuPrompt)
		if st := r.g.Status(); st.LocalSessions != 1 {
			t.Fatalf("local sessions %d, want the call waiting at the menu", st.LocalSessions)
		}
		r.f.Set(degradetest.Healthy)
		time.Sleep(degrade.DefaultPause + time.Millisecond) // the bubble's clock: the breaker may probe now

		before := r.f.Ops()
		b := r.handle("8x8", webhook8x8(t, "outage-2", 1, resumeOf(t, a.reply.Body), "9"))
		r.want(t, b, budget8x8, orderPrompt)
		if n := r.f.Ops() - before; n != 0 {
			t.Fatalf("the call started during the outage asked the store %d times; it is held here", n)
		}
		r.want(t, r.handle("8x8", webhook8x8(t, "outage-2", 2, resumeOf(t, b.reply.Body), "12345#")), budget8x8, orderDone)

		c := r.handle("8x8", webhook8x8(t, "after-1", 0, "", ""))
		r.want(t, c, budget8x8, menuPrompt)
		if n := r.f.Sessions(); n != 1 {
			t.Fatalf("the store holds %d sessions after it came back; want the new call's", n)
		}
		if st := r.g.Status(); st.Degraded || st.Breaker != degrade.Closed || st.LocalSessions != 0 {
			t.Fatalf("status after the outage: %+v", st)
		}
		if want := []degrade.State{degrade.Closed, degrade.Open, degrade.HalfOpen, degrade.Closed}; !equalStates(r.rec.stateList(), want) {
			t.Fatalf("breaker states %v, want %v", r.rec.stateList(), want)
		}
		if n, m := r.log.lines("serving degraded"), r.log.lines("shared store back"); n != 1 || m != 1 {
			t.Fatalf("degraded logged %d times and the return %d times, want once each:\n%s", n, m, r.log)
		}
		// Each call's first webhook found the store unreachable; the others
		// were of calls held here.
		if n := r.rec.count(r.rec.degraded, degrade.Unreachable); n != 4 {
			t.Fatalf("%d degraded answers for the store being unreachable, want 4 (the first webhook of each call)", n)
		}
		if n := r.rec.count(r.rec.degraded, degrade.HeldHere); n != 8 {
			t.Fatalf("%d answers for a call held here, want 8", n)
		}
	})
}

// TestOpenBreakerNeverWaits: a store that hangs past every deadline costs
// the first webhooks their budget (tencent: the bound route kept, in
// time); then the breaker is open and webhooks are answered by their flow
// at once, without touching the store; after the pause one webhook probes
// it, and only that one waits.
func TestOpenBreakerNeverWaits(t *testing.T) {
	stores(t, func(t *testing.T, split bool) {
		r := newRig(t, split)
		ref := reference(t)
		r.f.Set(degradetest.Hanging)
		for i := range degrade.DefaultFailures {
			body := webhookTencent(t, "hang-"+string(rune('a'+i)))
			a := r.handle("tencent", body)
			if !bytes.Equal(a.reply.Body, fallbackOf(t, "tencent", body)) || a.took > budgetTencent {
				t.Fatalf("webhook %d on a hanging store: %s after %v; want the bound route kept within %v", i, a.reply.Body, a.took, budgetTencent)
			}
		}
		if st := r.g.Status(); st.Breaker != degrade.Open {
			t.Fatalf("after %d webhooks timed out the breaker is %s", degrade.DefaultFailures, st.Breaker)
		}
		ops := r.f.Ops()
		for i := range 20 {
			body := webhookTencent(t, "open-"+string(rune('a'+i)))
			a := r.handle("tencent", body)
			if want := ref.answer(t, "tencent", body); a.err != nil || !bytes.Equal(a.reply.Body, want) || a.took != 0 {
				t.Fatalf("webhook with the breaker open: %v %s after %v; want the flow's answer %s at once", a.err, a.reply.Body, a.took, want)
			}
		}
		r.call8x8(t, "open-call")
		if n := r.f.Ops() - ops; n != 0 {
			t.Fatalf("with the breaker open, webhooks asked the store %d times", n)
		}

		time.Sleep(degrade.DefaultPause + time.Millisecond)
		probe := r.handle("tencent", webhookTencent(t, "probe"))
		if probe.took > budgetTencent || r.f.Ops()-ops != 1 {
			t.Fatalf("the probe took %v and %d operations", probe.took, r.f.Ops()-ops)
		}
		if st := r.g.Status(); st.Breaker != degrade.Open {
			t.Fatalf("a failed probe left the breaker %s", st.Breaker)
		}
		if a := r.handle("tencent", webhookTencent(t, "after-probe")); a.took != 0 {
			t.Fatalf("after the failed probe a webhook waited %v", a.took)
		}
		if n := r.log.lines("serving degraded"); n != 1 {
			t.Fatalf("degraded mode logged %d times, want once:\n%s", n, r.log)
		}
	})
}

// TestErrorRepliesServeDegraded: a full Redis (OOM) and a read-only
// replica answering writes (READONLY) fail every write: calls are served
// from this process, and the status names the error.
func TestErrorRepliesServeDegraded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault degradetest.Fault
		word  string
	}{{"OOM", degradetest.Full, "OOM command not allowed"}, {"READONLY", degradetest.ReadOnly, "READONLY"}} {
		t.Run(tc.name, func(t *testing.T) {
			stores(t, func(t *testing.T, split bool) {
				r := newRig(t, split)
				r.f.Set(tc.fault)
				for _, id := range []string{"c1", "c2", "c3"} {
					r.call8x8(t, id)
				}
				st := r.g.Status()
				if st.Breaker != degrade.Open || !strings.Contains(st.LastError, tc.word) {
					t.Fatalf("status %+v; want the breaker open and %q", st, tc.word)
				}
				if !strings.Contains(r.log.String(), tc.word) {
					t.Fatalf("the transition's log line does not name %q:\n%s", tc.word, r.log)
				}
			})
		})
	}
}

// TestSharedCallWhileDegradedGetsFallback: a call whose session is only in
// the store gets the platform's safe fallback while the store cannot be
// reached, in time; nothing panics.
func TestSharedCallWhileDegradedGetsFallback(t *testing.T) {
	stores(t, func(t *testing.T, split bool) {
		r := newRig(t, split)
		a := r.handle("8x8", webhook8x8(t, "shared", 0, "", ""))
		r.want(t, a, budget8x8, menuPrompt)
		if r.f.Sessions() != 1 {
			t.Fatal("the call did not start in the store")
		}
		for _, f := range []degradetest.Fault{degradetest.Refused, degradetest.Hanging} {
			r.f.Set(f)
			step := webhook8x8(t, "shared", 1, resumeOf(t, a.reply.Body), "9")
			b := r.handle("8x8", step)
			if !bytes.Equal(b.reply.Body, fallbackOf(t, "8x8", step)) || b.took > budget8x8 {
				t.Fatalf("fault %d: %s after %v; want the safe fallback within %v", f, b.reply.Body, b.took, budget8x8)
			}
		}
		if !strings.Contains(r.log.String(), "answered with the safe fallback") {
			t.Fatalf("the fallback was not logged:\n%s", r.log)
		}
	})
}

// TestCorruptedSession: a value under a call's key that is not a session
// gets the safe fallback, logged; one bad value does not open the breaker.
func TestCorruptedSession(t *testing.T) {
	stores(t, func(t *testing.T, split bool) {
		r := newRig(t, split)
		a := r.handle("8x8", webhook8x8(t, "bad", 0, "", ""))
		r.want(t, a, budget8x8, menuPrompt)
		r.f.Set(degradetest.Corrupt)
		step := webhook8x8(t, "bad", 1, resumeOf(t, a.reply.Body), "9")
		b := r.handle("8x8", step)
		if !bytes.Equal(b.reply.Body, fallbackOf(t, "8x8", step)) || b.err == nil {
			t.Fatalf("corrupted session: %v %s; want the safe fallback", b.err, b.reply.Body)
		}
		if !strings.Contains(r.log.String(), "not a session") {
			t.Fatalf("the corrupted value is not in the log:\n%s", r.log)
		}
		if st := r.g.Status(); st.Breaker != degrade.Closed {
			t.Fatalf("one corrupted value left the breaker %s", st.Breaker)
		}
		r.f.Set(degradetest.Healthy)
		r.call8x8(t, "good")
	})
}

// TestDuplicatesWhileDegraded: copies of one delivery on this replica
// while the store is unreachable run the flow once and get one answer.
func TestDuplicatesWhileDegraded(t *testing.T) {
	stores(t, func(t *testing.T, split bool) {
		r := newRig(t, split)
		r.f.Set(degradetest.Refused)
		body := webhook8x8(t, "dup", 0, "", "")
		var wg sync.WaitGroup
		answers := make([]answer, 5)
		for i := range answers {
			wg.Go(func() { answers[i] = r.handle("8x8", body) })
		}
		wg.Wait()
		for _, a := range answers {
			r.want(t, a, budget8x8, menuPrompt)
			if !bytes.Equal(a.reply.Body, answers[0].reply.Body) {
				t.Fatalf("copies answered differently:\n%s\n%s", a.reply.Body, answers[0].reply.Body)
			}
		}
		if n := r.rec.count(r.rec.degraded, degrade.Unreachable); n != 1 {
			t.Fatalf("the flow ran %d times for one delivery", n)
		}
	})
}

// TestOperationsBounded: an operation on a hanging store ends at the
// caller's deadline less the margin, or after DefaultOpTimeout without a
// deadline, and says the store is unavailable.
func TestOperationsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := degradetest.New()
		f.Set(degradetest.Hanging)
		s := degrade.New(degrade.WithFailures(100)).Sessions(f)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		_, _, err := s.Get(ctx, "8x8|x")
		if took := time.Since(start); took != time.Second-degrade.DefaultMargin || !errors.Is(err, degrade.ErrUnavailable) {
			t.Fatalf("Get on a hanging store: %v after %v; want ErrUnavailable after %v", err, took, time.Second-degrade.DefaultMargin)
		}
		start = time.Now()
		_, _, err = s.Get(context.Background(), "8x8|x")
		if took := time.Since(start); took != degrade.DefaultOpTimeout || !errors.Is(err, degrade.ErrUnavailable) {
			t.Fatalf("Get without a deadline: %v after %v; want ErrUnavailable after %v", err, took, degrade.DefaultOpTimeout)
		}
		late, cancel2 := context.WithTimeout(context.Background(), degrade.DefaultMargin/2)
		defer cancel2()
		ops := f.Ops()
		if _, _, err := s.Get(late, "8x8|x"); !errors.Is(err, degrade.ErrUnavailable) || f.Ops() != ops {
			t.Fatalf("Get with less time left than the margin: %v, %d operations; want none tried", err, f.Ops()-ops)
		}
	})
}

// TestFailuresMustBeConsecutive: errors among successes do not open the
// breaker.
func TestFailuresMustBeConsecutive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, false)
		for i := range 10 {
			r.f.Set(degradetest.Refused)
			for range degrade.DefaultFailures - 1 {
				r.handle("tencent", webhookTencent(t, "f"+string(rune('a'+i))))
			}
			r.f.Set(degradetest.Healthy)
			r.handle("tencent", webhookTencent(t, "ok"+string(rune('a'+i))))
		}
		if st := r.g.Status(); st.Breaker != degrade.Closed {
			t.Fatalf("the breaker is %s after failures always broken by a success", st.Breaker)
		}
	})
}

func equalStates(a, b []degrade.State) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// refEngine is an engine with the default memory store: the answers of
// one healthy replica.
type refEngine struct{ eng *runtime.Engine }

func reference(t testing.TB) refEngine {
	t.Helper()
	eng, err := runtime.New(runtime.WithFlows(shipped(t)), runtime.WithSecret(secret),
		runtime.WithClock(func() time.Time { return stepAt }),
		runtime.WithHTTPClient(&http.Client{Transport: crm(`{"vip":false,"name":""}`)}), runtime.WithUnguardedLookups())
	if err != nil {
		t.Fatal(err)
	}
	return refEngine{eng}
}

func (r refEngine) answer(t testing.TB, platformName string, body []byte) []byte {
	t.Helper()
	reply, err := r.eng.Handle(context.Background(), platformName, "", body)
	if err != nil {
		t.Fatal(err)
	}
	return reply.Body
}

// TestDuplicateWaitMetered: a copy of a delivery another replica is
// answering waits for that answer through the shared store, gets it byte
// for byte, and how long it waited is reported.
func TestDuplicateWaitMetered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, false)
		ctx := context.Background()
		other, err := r.f.Claim(ctx, runtime.AnswerKey("tencent", "", "dup-wait", "dup-wait"), time.Minute) // another replica's copy
		if err != nil {
			t.Fatal(err)
		}
		var a answer
		done := make(chan struct{})
		go func() {
			a = r.handle("tencent", webhookTencent(t, "dup-wait"))
			close(done)
		}()
		time.Sleep(250 * time.Millisecond) // the bubble's clock: the copy waits this long
		want := platform.Reply{Status: http.StatusOK, Body: []byte(`{"CallInBound":{"OverrideIvrId":7}}`)}
		if err := r.f.Fill(ctx, other, want, time.Hour); err != nil {
			t.Fatal(err)
		}
		<-done
		if a.err != nil || !bytes.Equal(a.reply.Body, want.Body) {
			t.Fatalf("the copy got %v %s; want the other's answer %s", a.err, a.reply.Body, want.Body)
		}
		r.rec.mu.Lock()
		defer r.rec.mu.Unlock()
		if len(r.rec.dups) != 1 || r.rec.dups[0] != 250*time.Millisecond {
			t.Fatalf("duplicate waits reported: %v; want one of 250ms", r.rec.dups)
		}
	})
}
