package hours

import (
	"time"
	_ "time/tzdata" // zones must load in containers without /usr/share/zoneinfo
)

const minutesPerDay = 24 * 60

// window is a half-open range of minutes of one day, [start, end).
type window struct{ start, end int }

// Schedule is a compiled hours declaration. It is never modified after
// Parse, so one value may serve any number of goroutines.
type Schedule struct {
	loc  *time.Location
	spec string // canonical spec, for String

	// own holds, per time.Weekday, the windows starting that day, cut at
	// midnight, sorted and merged. spill holds, per weekday, the minute the
	// next day until which a window starting that day stays open. They are
	// kept apart rather than folded into the next day because an exception
	// on the start day must close the spill too.
	own   [7][]window
	spill [7]int

	closed []dayRange // excepted civil days, sorted and merged
}

// Location is the zone the schedule's wall-clock times are in.
func (s *Schedule) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// String is the spec in canonical spelling: three-letter day names, HH:MM
// times, items joined by ", ". It normalises spelling, not meaning, so
// "daily" stays "daily" and "Sun-Sat" stays "Sun-Sat".
func (s *Schedule) String() string { return s.spec }

// Open reports whether the schedule is open at t, judged by t's wall-clock
// time in the schedule's zone. A zero Schedule is never open.
func (s *Schedule) Open(t time.Time) bool {
	lt := t.In(s.Location())
	y, m, d := lt.Date()
	hh, mm, _ := lt.Clock()
	day := civilDay(y, m, d)
	if s.isClosed(day) {
		return false
	}
	minute := hh*60 + mm
	wd := lt.Weekday()
	for _, w := range s.own[wd] {
		if minute < w.start {
			break
		}
		if minute < w.end {
			return true
		}
	}
	return minute < s.spill[(wd+6)%7] && !s.isClosed(day-1)
}

// isClosed reports whether day is excepted. A hand-written binary search
// keeps Open free of closures and allocation.
func (s *Schedule) isClosed(day int) bool {
	lo, hi := 0, len(s.closed)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch r := s.closed[mid]; {
		case day < r.from:
			hi = mid
		case day > r.to:
			lo = mid + 1
		default:
			return true
		}
	}
	return false
}
