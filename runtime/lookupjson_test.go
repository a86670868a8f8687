package runtime_test

import (
	"testing"

	"github.com/callflow/callflow/runtime"
)

// TestDecodeFlatAllocs: a CRM's answer of two members, scanned by hand,
// is a map and its strings, no more.
func TestDecodeFlatAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("counts allocations, which the race detector changes")
	}
	body := []byte(`{"vip":false,"name":"Li"}`)
	n := testing.AllocsPerRun(100, func() {
		if _, ok := runtime.DecodeFlat(body); !ok {
			t.Fatal("not scanned by hand")
		}
	})
	// The map (its header and one group), two names, the name's value
	// and its box as an any.
	if n > 6 {
		t.Errorf("%.0f allocations, want at most 6", n)
	}
}
