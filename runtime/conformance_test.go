package runtime_test

import (
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/storetest"
)

// The memory stores pass the conformance suite every store passes: with
// the suite's clock, and in real time as a store with its own expiry
// (Redis) is run, which tests the suite's real-time waits too.

// both runs suite with the clock and in real time.
func both(t *testing.T, suite func(t *testing.T, opts ...storetest.Option)) {
	t.Run("Clock", func(t *testing.T) { suite(t) })
	t.Run("RealTime", func(t *testing.T) { suite(t, storetest.RealTime(50*time.Millisecond)) })
}

func TestMemoryStoreConformance(t *testing.T) {
	both(t, func(t *testing.T, opts ...storetest.Option) {
		storetest.Sessions(t, func(t *testing.T, clock *storetest.Clock) runtime.SessionStore {
			m := runtime.NewMemoryStore()
			runtime.SetStoreClock(m, clock.Now)
			return m
		}, opts...)
	})
}

func TestMemoryAnswersConformance(t *testing.T) {
	both(t, func(t *testing.T, opts ...storetest.Option) {
		storetest.Answers(t, func(t *testing.T, clock *storetest.Clock) runtime.AnswerStore {
			a := runtime.NewMemoryAnswers(0)
			runtime.SetAnswersClock(a, clock.Now)
			return a
		}, opts...)
	})
}

func TestMemoryBundlesConformance(t *testing.T) {
	both(t, func(t *testing.T, opts ...storetest.Option) {
		storetest.Bundles(t, func(t *testing.T, clock *storetest.Clock) runtime.BundleStore {
			b := runtime.NewMemoryBundles()
			runtime.SetBundlesClock(b, clock.Now)
			return b
		}, opts...)
	})
}
