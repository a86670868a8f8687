package degrade_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/degrade/degradetest"
)

// TestLocalEvictionsObserved: a session kept in this process while the
// store is gone and evicted to stay within the local budget is a dropped
// caller: it is reported to the eviction observer (the metric), not only
// logged.
func TestLocalEvictionsObserved(t *testing.T) {
	var evicted []runtime.Eviction
	g := degrade.New(degrade.WithLocalMemory(1), degrade.WithEvictionObserver(func(ev runtime.Eviction) { evicted = append(evicted, ev) }))
	f := degradetest.New()
	f.Set(degradetest.Refused)
	sessions := g.Sessions(f)
	ctx := context.Background()
	for i := range 3 {
		key := fmt.Sprintf("8x8|local-%d", i)
		s := &runtime.Session{Platform: "8x8", ID: key, Flow: "menu", Version: "v1", Handler: "main"}
		if _, err := sessions.CompareAndSet(ctx, key, 0, s, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if len(evicted) == 0 {
		t.Fatalf("no eviction observed over a budget of 1 byte (%d sessions held)", g.LocalSessions())
	}
}
