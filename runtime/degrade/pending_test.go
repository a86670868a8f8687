package degrade_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/redisstore/redistest"
)

// TestWaitForSlowCopyIsNoFailure: copies of a delivery that another copy
// is still answering (a slow lookup) wait until their deadline with Redis
// answering every poll: that is Redis working, so the breaker stays
// closed, even when one failure would open it.
func TestWaitForSlowCopyIsNoFailure(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	store, err := redisstore.Open(ctx, srv.URL(), redisstore.WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	g := degrade.New(degrade.WithFailures(1))
	key := runtime.AnswerKey("tencent", "", "slow", "slow")
	if _, err := store.Claim(ctx, key, time.Minute); err != nil { // the copy being answered, elsewhere
		t.Fatal(err)
	}
	answers := g.Sessions(store).(runtime.AnswerStore)
	for range 3 {
		wctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
		_, err := answers.Claim(wctx, key, time.Minute)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a copy waiting past its deadline: %v, want its context's error", err)
		}
	}
	if st := g.Status(); st.Breaker != degrade.Closed || st.LastError != "" {
		t.Fatalf("breaker %s (%q) after copies waited on a slow answer; want closed", st.Breaker, st.LastError)
	}
}
