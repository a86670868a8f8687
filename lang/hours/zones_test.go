package hours_test

import (
	"testing"

	"github.com/callflow/callflow/lang/hours"
)

// TestSchedulesShareTheirZone: a folder of flows in one zone loads the
// zone once; each schedule used to hold its own copy of the zone's
// transitions, about 1 KB per flow of a compiled program.
func TestSchedulesShareTheirZone(t *testing.T) {
	a, err := hours.Parse("Mon-Fri 09:00-18:00", "Asia/Singapore", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := hours.Parse("Sat 10:00-14:00", "Asia/Singapore", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Location() != b.Location() {
		t.Errorf("two schedules in Asia/Singapore hold two copies of the zone")
	}
	if _, err := hours.Parse("Mon-Fri 09:00-18:00", "asia/singapore", nil); err == nil {
		t.Errorf("asia/singapore was accepted after Asia/Singapore was loaded; want the spelling error")
	}
}
