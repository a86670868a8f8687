package runtime_test

import (
	"testing"
	"time"
)

// maxSupportCallAllocs is what figure P7's call (support.flow on 8x8: a
// CALL_RECEIVED, a key the menu refuses, the menu choice, the order number)
// allocates through Engine.Handle, all four webhooks together, as measured
// when it was last brought down. A change that adds one fails
// TestSupportCallAllocs: lower the figure when you save some, and raise it
// only for behaviour worth the cost, saying so in docs/embedding.md §11.
const maxSupportCallAllocs = 46

// TestSupportCallAllocs pins the allocations of P7's call, so they cannot
// grow back silently: the benchmark reports them, but nothing fails on it.
func TestSupportCallAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("counts allocations of 200 calls, which the race detector changes")
	}
	const runs = 200
	s := newBenchSupportCalls(t, runs+1) // AllocsPerRun walks one call more than runs, to warm up
	var took time.Duration
	got := testing.AllocsPerRun(runs, func() { s.walk(&took) })
	if got > maxSupportCallAllocs {
		t.Errorf("an 8x8 call of four webhooks allocates %v times, over the %d pinned", got, maxSupportCallAllocs)
	}
	t.Logf("%v allocations a call", got)
}
