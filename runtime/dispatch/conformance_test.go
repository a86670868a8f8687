package dispatch_test

import (
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/storetest"
)

// MemoryOutcomes passes the conformance suite every outcome store passes.
func TestMemoryOutcomesConformance(t *testing.T) {
	open := func(t *testing.T, clock *storetest.Clock) dispatch.OutcomeStore {
		return dispatch.NewMemoryOutcomesAt(0, clock.Now)
	}
	t.Run("Clock", func(t *testing.T) { storetest.Dispatch(t, open) })
	t.Run("RealTime", func(t *testing.T) { storetest.Dispatch(t, open, storetest.RealTime(50*time.Millisecond)) })
}
