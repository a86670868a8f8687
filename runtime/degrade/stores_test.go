package degrade_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/degrade/degradetest"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/storetest"
)

// TestConformance: with the store healthy, the guarded stores keep every
// clause of the contract (runtime/storetest), the CallStore included.
func TestConformance(t *testing.T) {
	rt := storetest.RealTime(0) // the memory stores read the machine's clock
	t.Run("Sessions", func(t *testing.T) {
		storetest.Sessions(t, func(t *testing.T, _ *storetest.Clock) runtime.SessionStore {
			return degrade.New().Sessions(runtime.NewMemoryStore())
		}, rt)
	})
	t.Run("Answers", func(t *testing.T) {
		storetest.Answers(t, func(t *testing.T, _ *storetest.Clock) runtime.AnswerStore {
			return degrade.New().Answers(runtime.NewMemoryAnswers(0))
		}, rt)
	})
	t.Run("CallStoreAnswers", func(t *testing.T) {
		storetest.Answers(t, func(t *testing.T, _ *storetest.Clock) runtime.AnswerStore {
			return degrade.New().Sessions(degradetest.New()).(runtime.AnswerStore)
		}, rt)
	})
	t.Run("Dispatch", func(t *testing.T) {
		storetest.Dispatch(t, func(t *testing.T, _ *storetest.Clock) dispatch.OutcomeStore {
			return degrade.New().Outcomes(dispatch.NewMemoryOutcomes(0))
		}, rt)
	})
	t.Run("Bundles", func(t *testing.T) {
		storetest.Bundles(t, func(t *testing.T, _ *storetest.Clock) runtime.BundleStore {
			return degrade.New().Bundles(runtime.NewMemoryBundles())
		}, rt)
	})
}

// TestGuardedKeepsCallStore: the engine keeps its two round trips through
// the guard when the shared store has them, and only then.
func TestGuardedKeepsCallStore(t *testing.T) {
	g := degrade.New()
	if _, ok := g.Sessions(degradetest.New()).(runtime.CallStore); !ok {
		t.Error("a guarded CallStore is not a CallStore")
	}
	split := g.Sessions(degradetest.New().Split())
	if _, ok := split.(runtime.CallStore); ok {
		t.Error("a guarded SessionStore+AnswerStore claims to be a CallStore")
	}
	if _, ok := split.(runtime.AnswerStore); !ok {
		t.Error("a guarded SessionStore+AnswerStore is not an AnswerStore")
	}
	if _, ok := g.Sessions(runtime.NewMemoryStore()).(runtime.AnswerStore); ok {
		t.Error("a guarded SessionStore alone claims to keep answers")
	}
}

// TestOutcomesWhileDegraded: a trigger the shared store cannot claim is
// claimed in this process, sent once here (its copies get its outcome),
// and the shared store is used again once it is back.
func TestOutcomesWhileDegraded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := degradetest.New()
		g := degrade.New()
		o := g.Outcomes(f.Outcomes())
		ctx := context.Background()
		f.Set(degradetest.Refused)
		var first dispatch.Claim
		for range degrade.DefaultFailures {
			c, err := o.Claim(ctx, "callback|flow|t-1", time.Minute)
			if err != nil || c.Settled {
				t.Fatalf("claim while refused: %+v %v; want this process's claim", c, err)
			}
			first = c
			o.Release(ctx, c)
		}
		if st := g.Status(); st.Breaker != degrade.Open {
			t.Fatalf("breaker %s after %d refused claims", st.Breaker, degrade.DefaultFailures)
		}
		c, err := o.Claim(ctx, "callback|flow|t-2", time.Minute)
		if err != nil || c.Settled || c.Key == first.Key {
			t.Fatalf("claim with the breaker open: %+v %v", c, err)
		}
		want := dispatch.Outcome{Result: dispatch.Result{Request: dispatch.Request{Method: "POST", URL: "https://platform.test/calls"}}}
		if err := o.Fill(ctx, c, want, time.Hour); err != nil {
			t.Fatal(err)
		}
		again, err := o.Claim(ctx, "callback|flow|t-2", time.Minute)
		if err != nil || !again.Settled || again.Outcome.Result.Request.URL != want.Result.Request.URL {
			t.Fatalf("the trigger's copy on this replica: %+v %v; want its outcome, nothing sent", again, err)
		}

		f.Set(degradetest.Healthy)
		time.Sleep(degrade.DefaultPause + time.Millisecond)
		ops := f.Ops()
		c, err = o.Claim(ctx, "callback|flow|t-3", time.Minute)
		if err != nil || f.Ops() != ops+1 {
			t.Fatalf("claim after the store came back: %v, %d operations; want it in the store", err, f.Ops()-ops)
		}
		if err := o.Fill(ctx, c, want, time.Hour); err != nil || f.Ops() != ops+2 {
			t.Fatalf("fill after the store came back: %v", err)
		}
	})
}

// TestBundlesWhileDegraded: a bundle cannot be had while the store is
// refused (the error says so, and is counted); it can again once back.
func TestBundlesWhileDegraded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := degradetest.New()
		rec := newRecorder()
		g := degrade.New(degrade.WithObserver(rec))
		b := g.Bundles(f.Bundles())
		ctx := context.Background()
		if err := b.Put(ctx, "v1", []byte("bundle"), time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Get(ctx, "v2"); !errors.Is(err, runtime.ErrNoBundle) {
			t.Fatalf("a missing bundle: %v", err)
		}
		f.Set(degradetest.Refused)
		if _, err := b.Get(ctx, "v1"); !errors.Is(err, degrade.ErrUnavailable) {
			t.Fatalf("a bundle while refused: %v; want ErrUnavailable", err)
		}
		f.Set(degradetest.Healthy)
		if data, err := b.Get(ctx, "v1"); err != nil || string(data) != "bundle" {
			t.Fatalf("the bundle once back: %q %v", data, err)
		}
		for result, n := range map[string]int{degrade.BundleOK: 1, degrade.BundleMissing: 1, degrade.BundleError: 1} {
			if got := rec.count(rec.bundles, result); got != n {
				t.Errorf("bundles fetched %s: %d, want %d", result, got, n)
			}
		}
	})
}

// TestCanceledCallerOpensNothing: a webhook whose caller hung up tells
// nothing of the store: it is not counted against it.
func TestCanceledCallerOpensNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := degradetest.New()
		f.Set(degradetest.Hanging)
		g := degrade.New()
		s := g.Sessions(f)
		for range 2 * degrade.DefaultFailures {
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				synctest.Wait() // the Get waits on the store
				cancel()
			}()
			if _, _, err := s.Get(ctx, "8x8|x"); !errors.Is(err, context.Canceled) {
				t.Fatalf("Get canceled by its caller: %v", err)
			}
		}
		if st := g.Status(); st.Breaker != degrade.Closed {
			t.Fatalf("callers hanging up opened the breaker (%s)", st.Breaker)
		}
	})
}

// TestBundlesStoredWhenBack: the versions loaded while the store refused
// are stored once it is back (Guard.OnBack, Engine.PublishBundles), not a
// quarter of the session TTL later, so other replicas can resume their
// calls.
func TestBundlesStoredWhenBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := degradetest.New()
		f.Set(degradetest.Refused)
		g := degrade.New()
		prog := shipped(t)
		// The lookup is answered in memory: a real one would resolve its
		// host, off loopback and outside the bubble.
		eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithSecret(secret),
			runtime.WithHTTPClient(&http.Client{Transport: crm(`{"vip":false,"name":""}`)}), runtime.WithUnguardedLookups(),
			runtime.WithStore(g.Sessions(f)), runtime.WithBundleStore(g.Bundles(f.Bundles())))
		if err != nil {
			t.Fatal(err)
		}
		g.OnBack(eng.PublishBundles)
		synctest.Wait() // the versions' bundles, refused
		for i := range degrade.DefaultFailures {
			eng.Handle(context.Background(), "tencent", "", webhookTencent(t, fmt.Sprintf("t%d", i)))
		}
		if st := g.Status(); st.Breaker != degrade.Open {
			t.Fatalf("breaker %s with the store refusing", st.Breaker)
		}
		f.Set(degradetest.Healthy)
		time.Sleep(degrade.DefaultPause + time.Millisecond)
		eng.Handle(context.Background(), "tencent", "", webhookTencent(t, "probe"))
		synctest.Wait() // OnBack's goroutines
		for _, fl := range prog.Flows {
			if _, err := f.Bundles().Get(context.Background(), fl.Version); err != nil {
				t.Errorf("flow %s version %s not stored once the store is back: %v", fl.Name, fl.Version, err)
			}
		}
	})
}
