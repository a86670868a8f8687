package dispatch

import "time"

// NewMemoryOutcomesAt is NewMemoryOutcomes by the clock now, for the
// conformance suite (storetest), which runs from package dispatch_test.
func NewMemoryOutcomesAt(limit int, now func() time.Time) *MemoryOutcomes {
	return newMemoryOutcomes(limit, now)
}
