package cli

import (
	"path/filepath"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/storetest"
)

// openTestState opens a state file of its own, by clock.
func openTestState(t *testing.T, clock *storetest.Clock) *state {
	st, err := openState(filepath.Join(t.TempDir(), "st.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.close)
	st.now = clock.Now
	return st
}

// The state file passes the conformance suite every store passes.
func TestStateConformance(t *testing.T) {
	t.Run("Sessions", func(t *testing.T) {
		storetest.Sessions(t, func(t *testing.T, clock *storetest.Clock) runtime.SessionStore { return openTestState(t, clock) })
	})
	t.Run("Answers", func(t *testing.T) {
		storetest.Answers(t, func(t *testing.T, clock *storetest.Clock) runtime.AnswerStore { return openTestState(t, clock) })
	})
	t.Run("Dispatch", func(t *testing.T) {
		storetest.Dispatch(t, func(t *testing.T, clock *storetest.Clock) dispatch.OutcomeStore {
			return openTestState(t, clock).outcomes()
		})
	})
}
