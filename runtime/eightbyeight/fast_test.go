package eightbyeight

import "testing"

// TestStepDecodesInTwoAllocations: an ACTION_COMPLETED step with the digits
// the caller pressed costs the fast path two allocations, the event (its
// digits in the same block) and the text of its string fields. Every 8x8
// step of a call pays them (figure P7).
func TestStepDecodesInTwoAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	body := []byte(completed(`{"dtmf":"12345"}`, "e1"))
	allocs := testing.AllocsPerRun(100, func() {
		got, ok := decodeFast(body)
		if !ok || got.Digits == nil || *got.Digits != "12345" || got.Resume != "tok" {
			t.Fatalf("decodeFast: %+v %v", got, ok)
		}
	})
	if allocs > 2 {
		t.Errorf("%v allocations per step, want 2", allocs)
	}
}
