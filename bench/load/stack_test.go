package load

import (
	"maps"
	"sync"
	"testing"
)

// TestOutcomeCounter: the lock-free counts and the map's add up as one map
// of outcomes would, whatever the outcome's name.
func TestOutcomeCounter(t *testing.T) {
	var c outcomeCounter
	want := map[string]int64{}
	var wg sync.WaitGroup
	for g := range 4 {
		names := []string{"ok", "timeout", "error", "given", "other", "ok"}
		for i := range 100 {
			want[names[(g+i)%len(names)]]++
		}
		wg.Go(func() {
			for i := range 100 {
				c.add(names[(g+i)%len(names)])
			}
		})
	}
	wg.Wait()
	if got := c.Counts(); !maps.Equal(got, want) {
		t.Errorf("Counts() = %v, want %v", got, want)
	}
	if got, want := c.Failed(), want["timeout"]+want["error"]+want["other"]; got != want {
		t.Errorf("Failed() = %d, want %d", got, want)
	}
}
