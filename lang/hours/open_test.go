package hours

import (
	"sync"
	"testing"
	"time"
)

func mustParse(tb testing.TB, spec, tz string, except ...string) *Schedule {
	tb.Helper()
	s, err := Parse(spec, tz, except)
	if err != nil {
		tb.Fatalf("Parse(%q, %q, %q): %v", spec, tz, except, err)
	}
	return s
}

func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// at is a moment given by wall-clock time in loc; utc is one given in UTC.
func at(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

func utc(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

type check struct {
	name string
	t    time.Time
	want bool
}

func runChecks(t *testing.T, s *Schedule, checks []check) {
	t.Helper()
	for _, c := range checks {
		if got := s.Open(c.t); got != c.want {
			t.Errorf("%s: Open(%v) = %v, want %v", c.name, c.t, got, c.want)
		}
	}
}

// March 2026: Mon 2, Fri 6, Sat 7, Sun 8 (US DST starts), Sun 29 (EU DST starts).

func TestOpenWeekdaysAndEdges(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	s := mustParse(t, "Mon-Fri 09:00-18:00", "Asia/Shanghai", "2026-10-01..2026-10-07")
	runChecks(t, s, []check{
		{"Mon before opening", at(sh, 2026, 3, 2, 8, 59), false},
		{"Mon opening minute", at(sh, 2026, 3, 2, 9, 0), true},
		{"Mon midday", at(sh, 2026, 3, 2, 12, 30), true},
		{"Mon last instant", time.Date(2026, 3, 2, 17, 59, 59, 999999999, sh), true},
		{"Mon closing minute", at(sh, 2026, 3, 2, 18, 0), false},
		{"Wed", at(sh, 2026, 3, 4, 10, 0), true},
		{"Fri", at(sh, 2026, 3, 6, 17, 0), true},
		{"Sat", at(sh, 2026, 3, 7, 10, 0), false},
		{"Sun", at(sh, 2026, 3, 8, 10, 0), false},
		{"midnight", at(sh, 2026, 3, 3, 0, 0), false},

		// Shanghai is UTC+8 all year.
		{"UTC Mon 01:00 is Mon 09:00", utc(2026, 3, 2, 1, 0), true},
		{"UTC Mon 00:59 is Mon 08:59", utc(2026, 3, 2, 0, 59), false},
		{"UTC Mon 10:00 is Mon 18:00", utc(2026, 3, 2, 10, 0), false},
		{"UTC Sun 23:00 is Mon 07:00", utc(2026, 3, 1, 23, 0), false},
		{"UTC Fri 16:00 is Sat 00:00", utc(2026, 3, 6, 16, 0), false},
		{"-05:00 Sun 20:00 is Mon 09:00", time.Date(2026, 3, 1, 20, 0, 0, 0, time.FixedZone("", -5*3600)), true},
		{"+14:00 Mon 23:00 is Mon 17:00", time.Date(2026, 3, 2, 23, 0, 0, 0, time.FixedZone("", 14*3600)), true},

		// Holiday week, Thu 1 to Wed 7 October.
		{"day before holidays", at(sh, 2026, 9, 30, 10, 0), true},
		{"first holiday", at(sh, 2026, 10, 1, 10, 0), false},
		{"last holiday", at(sh, 2026, 10, 7, 17, 59), false},
		{"day after holidays", at(sh, 2026, 10, 8, 9, 0), true},
		{"UTC 8 Oct 01:00 is 8 Oct 09:00", utc(2026, 10, 8, 1, 0), true},
		{"UTC 8 Oct 00:59 is 8 Oct 08:59", utc(2026, 10, 8, 0, 59), false},
	})
}

func TestOpenMidnightCrossing(t *testing.T) {
	ny := zone(t, "America/New_York")
	runChecks(t, mustParse(t, "Fri 22:00-02:00", "America/New_York"), []check{
		{"Fri 21:59", at(ny, 2026, 3, 6, 21, 59), false},
		{"Fri 22:00", at(ny, 2026, 3, 6, 22, 0), true},
		{"Fri 23:00", at(ny, 2026, 3, 6, 23, 0), true},
		{"Sat 00:00", at(ny, 2026, 3, 7, 0, 0), true},
		{"Sat 01:59", at(ny, 2026, 3, 7, 1, 59), true},
		{"Sat 02:00", at(ny, 2026, 3, 7, 2, 0), false},
		{"Sat 23:00", at(ny, 2026, 3, 7, 23, 0), false},
		{"Thu 23:00", at(ny, 2026, 3, 5, 23, 0), false},
		{"Fri 01:00 belongs to no Thursday window", at(ny, 2026, 3, 6, 1, 0), false},
		{"UTC Sat 04:00 is Fri 23:00 EST", utc(2026, 3, 7, 4, 0), true},
		{"UTC Sat 07:00 is Sat 02:00 EST", utc(2026, 3, 7, 7, 0), false},
	})

	// The week wraps: Saturday's window spills into Sunday, Sunday's into Monday.
	runChecks(t, mustParse(t, "Sat 23:00-01:00, Sun 23:30-00:30", "UTC"), []check{
		{"Sat 23:00", utc(2026, 3, 7, 23, 0), true},
		{"Sun 00:30", utc(2026, 3, 8, 0, 30), true},
		{"Sun 01:00", utc(2026, 3, 8, 1, 0), false},
		{"Sun 23:30", utc(2026, 3, 8, 23, 30), true},
		{"Mon 00:29", utc(2026, 3, 9, 0, 29), true},
		{"Mon 00:30", utc(2026, 3, 9, 0, 30), false},
	})

	runChecks(t, mustParse(t, "Tue 00:00-24:00, Wed 00:00-00:00, Thu 12:00-12:00", "UTC"), []check{
		{"Mon 23:59", utc(2026, 3, 2, 23, 59), false},
		{"Tue 00:00", utc(2026, 3, 3, 0, 0), true},
		{"Tue 23:59", utc(2026, 3, 3, 23, 59), true},
		{"Wed 00:00", utc(2026, 3, 4, 0, 0), true},
		{"Wed 23:59", utc(2026, 3, 4, 23, 59), true},
		{"Thu 00:00", utc(2026, 3, 5, 0, 0), false},
		{"Thu 12:00", utc(2026, 3, 5, 12, 0), true},
		{"Fri 11:59", utc(2026, 3, 6, 11, 59), true},
		{"Fri 12:00", utc(2026, 3, 6, 12, 0), false},
	})
}

func TestOpenDayRanges(t *testing.T) {
	s := mustParse(t, "Fri-Mon 10:00-12:00, wednesday 10:00-11:00", "UTC")
	for d, want := range map[int]bool{2: true, 3: false, 4: true, 5: false, 6: true, 7: true, 8: true} {
		// 2026-03-02 is a Monday.
		if got := s.Open(utc(2026, 3, d, 10, 30)); got != want {
			t.Errorf("%v 10:30: Open = %v, want %v", utc(2026, 3, d, 0, 0).Weekday(), got, want)
		}
	}
	daily := mustParse(t, "daily 08:00-09:00", "UTC")
	for d := 2; d <= 8; d++ {
		if !daily.Open(utc(2026, 3, d, 8, 0)) || daily.Open(utc(2026, 3, d, 9, 0)) {
			t.Errorf("daily wrong on %v", utc(2026, 3, d, 0, 0).Weekday())
		}
	}
}

func TestOpenExceptions(t *testing.T) {
	runChecks(t, mustParse(t, "Fri 22:00-02:00", "UTC", "2026-03-07"), []check{
		{"window on a normal Friday", utc(2026, 3, 6, 23, 0), true},
		{"its spill into an excepted Saturday", utc(2026, 3, 7, 1, 0), false},
		{"next Friday", utc(2026, 3, 13, 23, 0), true},
		{"next Saturday spill", utc(2026, 3, 14, 1, 0), true},
	})
	runChecks(t, mustParse(t, "Fri 22:00-02:00", "UTC", "2026-03-06"), []check{
		{"window on an excepted Friday", utc(2026, 3, 6, 23, 0), false},
		{"its spill into a normal Saturday", utc(2026, 3, 7, 1, 0), false},
	})

	ldn := zone(t, "Europe/London")
	s := mustParse(t, "Sat 10:00-14:00, Sun 10:00-12:00", "Europe/London", "2026-12-26", "2026-12-31..2027-01-03")
	runChecks(t, s, []check{
		{"Sat 19 Dec", at(ldn, 2026, 12, 19, 11, 0), true},
		{"Sat 26 Dec excepted", at(ldn, 2026, 12, 26, 11, 0), false},
		{"Sun 27 Dec", at(ldn, 2026, 12, 27, 11, 0), true},
		{"Sat 2 Jan in range", at(ldn, 2027, 1, 2, 11, 0), false},
		{"Sun 3 Jan end of range", at(ldn, 2027, 1, 3, 11, 0), false},
		{"Sat 9 Jan", at(ldn, 2027, 1, 9, 11, 0), true},
	})

	// The excepted date is the date in the schedule's zone, not in t's.
	sh := zone(t, "Asia/Shanghai")
	runChecks(t, mustParse(t, "daily 07:00-09:00", "Asia/Shanghai", "2026-05-02"), []check{
		{"UTC 1 May 23:30 is 2 May 07:30 in Shanghai", utc(2026, 5, 1, 23, 30), false},
		{"UTC 2 May 23:30 is 3 May 07:30 in Shanghai", utc(2026, 5, 2, 23, 30), true},
		{"1 May in Shanghai", at(sh, 2026, 5, 1, 8, 0), true},
	})
}

func TestOpenDST(t *testing.T) {
	ny := zone(t, "America/New_York")
	// Clocks go from 02:00 EST to 03:00 EDT on Sunday 8 March 2026.
	runChecks(t, mustParse(t, "daily 09:00-18:00", "America/New_York"), []check{
		{"Sat 09:00 EST", utc(2026, 3, 7, 14, 0), true},
		{"Sat 08:59 EST", utc(2026, 3, 7, 13, 59), false},
		{"Sat 17:59 EST", utc(2026, 3, 7, 22, 59), true},
		{"Sat 18:00 EST", utc(2026, 3, 7, 23, 0), false},
		{"Sun 09:00 EDT", utc(2026, 3, 8, 13, 0), true},
		{"Sun 08:59 EDT", utc(2026, 3, 8, 12, 59), false},
		{"Sun 17:59 EDT", utc(2026, 3, 8, 21, 59), true},
		{"Sun 18:00 EDT", utc(2026, 3, 8, 22, 0), false},
		{"Mon 09:00 EDT", at(ny, 2026, 3, 9, 9, 0), true},
	})
	runChecks(t, mustParse(t, "Sun 01:00-04:00, Sun 02:30-03:30", "America/New_York"), []check{
		{"01:59 EST", utc(2026, 3, 8, 6, 59), true},
		{"03:00 EDT, a minute later", utc(2026, 3, 8, 7, 0), true},
		{"04:00 EDT", utc(2026, 3, 8, 8, 0), false},
	})
	runChecks(t, mustParse(t, "Sun 02:30-03:30", "America/New_York"), []check{
		{"01:59 EST, before the skipped hour", utc(2026, 3, 8, 6, 59), false},
		{"03:00 EDT, when the clocks resume", utc(2026, 3, 8, 7, 0), true},
		{"03:30 EDT", utc(2026, 3, 8, 7, 30), false},
	})
	// Clocks go back from 02:00 EDT to 01:00 EST on Sunday 1 November 2026.
	runChecks(t, mustParse(t, "Sun 01:00-02:00", "America/New_York"), []check{
		{"first 01:30 (EDT)", utc(2026, 11, 1, 5, 30), true},
		{"second 01:30 (EST)", utc(2026, 11, 1, 6, 30), true},
		{"02:00 EST", utc(2026, 11, 1, 7, 0), false},
	})

	// Clocks go from 01:00 GMT to 02:00 BST on Sunday 29 March 2026.
	runChecks(t, mustParse(t, "Sun 09:00-12:00", "Europe/London"), []check{
		{"22 Mar 09:00 GMT", utc(2026, 3, 22, 9, 0), true},
		{"22 Mar 08:59 GMT", utc(2026, 3, 22, 8, 59), false},
		{"22 Mar 12:00 GMT", utc(2026, 3, 22, 12, 0), false},
		{"29 Mar 09:00 BST", utc(2026, 3, 29, 8, 0), true},
		{"29 Mar 08:59 BST", utc(2026, 3, 29, 7, 59), false},
		{"29 Mar 11:59 BST", utc(2026, 3, 29, 10, 59), true},
		{"29 Mar 12:00 BST", utc(2026, 3, 29, 11, 0), false},
		{"29 Mar UTC 11:30 would be open in GMT", utc(2026, 3, 29, 11, 30), false},
	})
}

func TestOpenZeroSchedule(t *testing.T) {
	var s Schedule
	if s.Open(time.Now()) {
		t.Error("zero Schedule is open")
	}
	if s.Location() != time.UTC || s.String() != "" {
		t.Errorf("zero Schedule: Location %v, String %q", s.Location(), s.String())
	}
}

func TestOpenDoesNotAllocate(t *testing.T) {
	s := mustParse(t, "Mon-Fri 09:00-18:00, Fri 22:00-02:00", "America/New_York", "2026-01-01", "2026-12-24..2026-12-26")
	now := utc(2026, 3, 6, 15, 0)
	if n := testing.AllocsPerRun(100, func() { s.Open(now) }); n != 0 {
		t.Errorf("Open allocates %v times per call", n)
	}
}

func TestOpenConcurrent(t *testing.T) {
	s := mustParse(t, "Mon-Fri 09:00-18:00", "Europe/London", "2026-12-25")
	base := utc(2026, 3, 2, 0, 0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				tm := base.Add(time.Duration(g*1000+i) * 7 * time.Minute)
				l := tm.In(s.Location())
				wd, h := l.Weekday(), l.Hour()
				want := wd >= time.Monday && wd <= time.Friday && h >= 9 && h < 18
				if got := s.Open(tm); got != want {
					t.Errorf("Open(%v) = %v, want %v", l, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkOpen(b *testing.B) {
	s := mustParse(b, "Mon-Fri 09:00-12:00, Mon-Fri 13:00-18:00, Sat 10:00-14:00, Fri 22:00-02:00", "Asia/Shanghai",
		"2026-01-01", "2026-02-16..2026-02-22", "2026-05-01..2026-05-05", "2026-10-01..2026-10-07")
	base := utc(2026, 3, 2, 0, 0)
	var times [64]time.Time
	for i := range times {
		times[i] = base.Add(time.Duration(i) * 157 * time.Minute)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if s.Open(times[i%len(times)]) {
			n++
		}
	}
	_ = n
}
