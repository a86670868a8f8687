package cli

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/platform"
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

// What a run keeps is read back by the next run as it was: a session's
// typed values (an int in a list, a CRM id beyond 2^53 in a lookup
// result), an answer, a dispatch outcome and its failure's message;
// pending claims and what expired are not saved.
func TestStateKeptAcrossRuns(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "st.json")
	st, err := openState(path)
	if err != nil {
		t.Fatal(err)
	}
	sess := &runtime.Session{Platform: "8x8", ID: "c1", Flow: "menu", Version: "0123456789ab", Handler: "main", PC: 1,
		Vars:    map[string]any{"picks": []any{1, 2}, "at": time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		Lookups: map[string]any{"crm|u": map[string]any{"id": int64(9007199254740993)}}}
	if _, err := st.CompareAndSet(ctx, "8x8|c1", 0, sess, time.Hour); err != nil {
		t.Fatal(err)
	}
	c, _ := st.Claim(ctx, "8x8|e1", time.Second)
	st.Fill(ctx, c, platform.Reply{Status: 200, Body: []byte(`{"a":1}`)}, time.Hour)
	st.Claim(ctx, "8x8|pending", time.Minute) // never settled: not saved
	failed := dispatch.Outcome{Result: dispatch.Result{Attempts: 3},
		Err: &dispatch.Error{Platform: "callback", Status: 503, Message: "maintenance", Err: errors.New("after 3 attempts")}}
	d, _ := st.outcomes().Claim(ctx, "callback:t-1", time.Minute)
	st.outcomes().Fill(ctx, d, failed, dispatch.FailedOutcomeTTL)
	if err := st.save(); err != nil {
		t.Fatal(err)
	}
	st.close()

	st, err = openState(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	got, _, err := st.Get(ctx, "8x8|c1")
	if err != nil {
		t.Fatal(err)
	}
	if picks := got.Vars["picks"].([]any); picks[0] != 1 || got.Lookups["crm|u"].(map[string]any)["id"] != int64(9007199254740993) {
		t.Errorf("session read back: %v %v; want the int and the exact int64", got.Vars, got.Lookups)
	}
	if a, _ := st.Claim(ctx, "8x8|e1", time.Second); !a.Answered || string(a.Reply.Body) != `{"a":1}` {
		t.Errorf("answer read back: %+v", a)
	}
	if p, _ := st.Claim(ctx, "8x8|pending", time.Second); p.Answered {
		t.Errorf("a pending claim was saved as an answer: %+v", p)
	}
	o, _ := st.outcomes().Claim(ctx, "callback:t-1", time.Minute)
	if !o.Settled || o.Outcome.Err == nil || o.Outcome.Err.Error() != failed.Err.Error() || o.Outcome.Result.Attempts != 3 {
		t.Errorf("dispatch outcome read back: %+v, want the failure %q", o, failed.Err.Error())
	}
}
