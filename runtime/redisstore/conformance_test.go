package redisstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/redisstore/redistest"
	"github.com/callflow/callflow/runtime/storetest"
)

// TestConformance runs the conformance suite of every store against a
// real Redis, each subtest on a fresh key prefix of one server; Redis
// keeps time itself (RealTime).
func TestConformance(t *testing.T) {
	srv := redistest.Start(t)
	var n atomic.Int64
	open := func(t *testing.T) *redisstore.Store {
		s, err := redisstore.Open(context.Background(), srv.URL(), redisstore.WithPrefix(fmt.Sprintf("conf%d", n.Add(1))))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	rt := storetest.RealTime(0)
	t.Run("Sessions", func(t *testing.T) {
		storetest.Sessions(t, func(t *testing.T, _ *storetest.Clock) runtime.SessionStore { return open(t) }, rt)
	})
	t.Run("Answers", func(t *testing.T) {
		storetest.Answers(t, func(t *testing.T, _ *storetest.Clock) runtime.AnswerStore { return open(t) }, rt)
	})
	t.Run("Dispatch", func(t *testing.T) {
		storetest.Dispatch(t, func(t *testing.T, _ *storetest.Clock) dispatch.OutcomeStore { return open(t).Outcomes() }, rt)
	})
	t.Run("Bundles", func(t *testing.T) {
		storetest.Bundles(t, func(t *testing.T, _ *storetest.Clock) runtime.BundleStore { return open(t).Bundles() }, rt)
	})
}
