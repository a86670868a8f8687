package flowtest_test

import (
	"testing"
	"testing/fstest"
)

// The time helpers as docs/language.md §5.5 shows them, for a call on
// Monday 2026-11-23 at 10:00 in +08:00.
func TestTimeHelpersAsDocumented(t *testing.T) {
	rep := run(t, fstest.MapFS{"t.flow": {Data: []byte(`flow t
target tencent
number "+8675500000000"
otherwise -> main
handler main {
  set weekday = string(now.Weekday())
  set weekend = string(now.Weekday()) in ["Saturday", "Sunday"]
  set hour = now.Hour()
  set clock = now.Format("15:04")
  set tomorrow = now.AddDate(0, 0, 1).Format("2006-01-02")
  set soon = now.Add(duration("90m")).Format("15:04")
  set days = int(date("2026-12-25").Sub(now).Hours() / 24)
  set first = ordinal(1)
  set spelled = spell("1234")
  agent 1
}

test "time" {
  call tencent from "+8613066668888" to "+8675500000000" at "2026-11-23T10:00:00+08:00"
  expect var weekday == "Monday"
  expect var weekend == false
  expect var hour == 10
  expect var clock == "10:00"
  expect var tomorrow == "2026-11-24"
  expect var soon == "11:30"
  expect var days == 31
  expect var first == "1st"
  expect var spelled == "1 2 3 4"
}
`)}})
	for _, r := range rep.Tests {
		if !r.Passed() {
			t.Errorf("%q: %v", r.Name, r.Failure)
		}
	}
	if len(rep.Tests) != 1 {
		t.Fatalf("%d tests ran", len(rep.Tests))
	}
}
