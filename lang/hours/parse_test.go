package hours

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		spec, want string
	}{
		{"Mon-Fri 09:00-18:00", "Mon-Fri 09:00-18:00"},
		{" sat 10:00 - 14:00 ,SUNDAY 10:00-12:00 ", "Sat 10:00-14:00, Sun 10:00-12:00"},
		{"Daily 0:00-24:00", "daily 00:00-24:00"},
		{"fri-MON 22:00-02:00", "Fri-Mon 22:00-02:00"},
		{"Monday\t9:00-12:00,\nTuesday 13:30-17:45", "Mon 09:00-12:00, Tue 13:30-17:45"},
		{"Mon-Mon 09:00-10:00", "Mon-Mon 09:00-10:00"},
		{"Mon-Fri09:00-18:00", "Mon-Fri 09:00-18:00"},
		{"wed - thu 07:05 -07:05", "Wed-Thu 07:05-07:05"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec, "UTC", nil)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.spec, err)
			continue
		}
		if got := s.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.spec, got, tt.want)
		}
	}
}

func TestParseWindows(t *testing.T) {
	type days = [7][]window
	tests := []struct {
		spec  string
		own   days
		spill [7]int
	}{
		{
			spec:  "Fri 22:00-02:00",
			own:   days{5: {{1320, 1440}}},
			spill: [7]int{5: 120},
		},
		{
			spec: "Sat-Sun 23:00-00:00",
			own:  days{0: {{1380, 1440}}, 6: {{1380, 1440}}},
		},
		{
			spec:  "Mon 09:00-09:00",
			own:   days{1: {{540, 1440}}},
			spill: [7]int{1: 540},
		},
		{
			spec: "Mon 13:00-14:00, Mon 09:00-12:00, mon 11:00-13:00, Mon 15:00-16:00",
			own:  days{1: {{540, 840}, {900, 960}}},
		},
		{
			spec:  "Fri-Mon 10:00-12:00, Sun 20:00-01:00, Sun 21:00-03:00",
			own:   days{0: {{600, 720}, {1200, 1440}}, 1: {{600, 720}}, 5: {{600, 720}}, 6: {{600, 720}}},
			spill: [7]int{0: 180},
		},
		{
			spec: "daily 00:00-00:00",
			own:  days{{{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}},
		},
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec, "UTC", nil)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.spec, err)
			continue
		}
		if diff := cmp.Diff(tt.own, s.own, cmp.AllowUnexported(window{})); diff != "" {
			t.Errorf("Parse(%q) windows (-want +got):\n%s", tt.spec, diff)
		}
		if s.spill != tt.spill {
			t.Errorf("Parse(%q) spill = %v, want %v", tt.spec, s.spill, tt.spill)
		}
	}
}

func TestParseExceptMerges(t *testing.T) {
	day := func(y int, m time.Month, d int) int { return civilDay(y, m, d) }
	s, err := Parse("daily 09:00-17:00", "UTC", []string{
		"2026-12-31..2027-01-01", "2026-01-03", " 2026-01-01 .. 2026-01-02 ", "2026-01-02", "2026-12-25",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []dayRange{
		{day(2026, 1, 1), day(2026, 1, 3)},
		{day(2026, 12, 25), day(2026, 12, 25)},
		{day(2026, 12, 31), day(2027, 1, 1)},
	}
	if diff := cmp.Diff(want, s.closed, cmp.AllowUnexported(dayRange{})); diff != "" {
		t.Errorf("closed (-want +got):\n%s", diff)
	}
}

func TestParseZone(t *testing.T) {
	for _, tz := range []string{"Asia/Shanghai", "Europe/London", "America/New_York", "UTC", "Etc/GMT+8", "America/Argentina/Buenos_Aires"} {
		s, err := Parse("Mon 09:00-10:00", tz, nil)
		if err != nil {
			t.Errorf("Parse tz %q: %v", tz, err)
			continue
		}
		if got := s.Location().String(); got != tz {
			t.Errorf("Location() = %q, want %q", got, tz)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const (
		item   = "expected days and a time range such as Mon-Fri 09:00-18:00"
		days   = "expected a day such as Mon or a range such as Mon-Fri"
		dayset = "expected Mon, Tue, Wed, Thu, Fri, Sat or Sun"
		form   = "expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
	)
	spec := func(off, n int, msg string) *Error {
		return &Error{Part: PartSpec, Offset: off, Len: n, Msg: msg}
	}
	tz := func(n int, msg, suggest string) *Error {
		return &Error{Part: PartTZ, Len: n, Msg: msg, Suggest: suggest}
	}
	except := func(i, off, n int, msg string) *Error {
		return &Error{Part: PartExcept, Index: i, Offset: off, Len: n, Msg: msg}
	}
	tests := []struct {
		spec, tz string
		except   []string
		want     *Error
	}{
		// spec
		{"", "UTC", nil, spec(0, 0, "empty hours spec ("+item+")")},
		{"   ", "UTC", nil, spec(0, 3, "empty hours spec ("+item+")")},
		{"Mnn 09:00-18:00", "UTC", nil, spec(0, 3, `unknown day "Mnn" (`+dayset+")")},
		{"Mon-Fir 09:00-18:00", "UTC", nil, spec(4, 3, `unknown day "Fir" (`+dayset+")")},
		{"Mön 09:00-18:00", "UTC", nil, spec(0, 4, `unknown day "Mön" (`+dayset+")")},
		{"Mon- 09:00-18:00", "UTC", nil, spec(3, 1, `"-" must be followed by a day, as in Mon-Fri`)},
		{"daily-Fri 09:00-18:00", "UTC", nil, spec(0, 5, `"daily" already means Mon-Sun and cannot start a day range`)},
		{"@Mon 09:00-18:00", "UTC", nil, spec(0, 4, `unexpected "@Mon" (`+days+")")},
		{"09:00-18:00", "UTC", nil, spec(0, 5, `missing days before "09:00" (`+days+")")},
		{"Mon Tue 09:00-18:00", "UTC", nil, spec(4, 3, `expected a time range such as 09:00-18:00, found "Tue"`)},
		{"Mon", "UTC", nil, spec(3, 0, "missing time range (expected one such as 09:00-18:00)")},
		{"Mon 25:00-18:00", "UTC", nil, spec(4, 2, "hour 25 is out of range 00-24")},
		{"Mon 09:00-7:60", "UTC", nil, spec(12, 2, "minute 60 is out of range 00-59")},
		{"Mon 09:00-24:30", "UTC", nil, spec(10, 5, "time 24:30 is past the end of the day (24:00 is the latest)")},
		{"Mon 24:00-02:00", "UTC", nil, spec(4, 5, "a time range cannot start at 24:00 (expected a start from 00:00 to 23:59)")},
		{"Mon 0900-1800", "UTC", nil, spec(4, 4, `time "0900" is not HH:MM`)},
		{"Mon 9.00-18:00", "UTC", nil, spec(4, 4, `time "9.00" is not HH:MM`)},
		{"Mon 123:00-18:00", "UTC", nil, spec(4, 6, `time "123:00" is not HH:MM`)},
		{"Mon 09:0-18:00", "UTC", nil, spec(4, 4, `time "09:0" is not HH:MM`)},
		{"Mon 09:00-18:00am", "UTC", nil, spec(10, 7, `time "18:00am" is not HH:MM`)},
		{"Mon 09:00", "UTC", nil, spec(9, 0, "missing end time (expected a range such as 09:00-18:00)")},
		{"Mon 09:00-", "UTC", nil, spec(9, 1, `"-" must be followed by an end time, as in 09:00-18:00`)},
		{"Mon 09:00 18:00", "UTC", nil, spec(10, 5, `expected "-" between the start and end times, found "18:00"`)},
		{"Mon 09:00-18:00,", "UTC", nil, spec(15, 1, `missing item after "," (`+item+")")},
		{"Mon 09:00-18:00,, Tue 09:00-10:00", "UTC", nil, spec(16, 1, "empty item ("+item+")")},
		{"Mon 09:00-12:00 13:00-18:00", "UTC", nil, spec(16, 11, `a second time range needs its own days and a ",", as in "Mon 09:00-12:00, Mon 13:00-18:00"`)},
		{"Mon 09:00-18:00 x", "UTC", nil, spec(16, 1, `unexpected "x" after a time range (expected "," before the next item, or the end of the spec)`)},
		{"Mon 09:00-18:00 é", "UTC", nil, spec(16, 2, `unexpected "é" after a time range (expected "," before the next item, or the end of the spec)`)},

		// tz
		{"Mon 09:00-18:00", "", nil, tz(0, `missing time zone (expected an IANA name such as "Europe/London")`, "")},
		{"Mon 09:00-18:00", "Local", nil, tz(5, `time zone "Local" is whatever zone the server runs in (expected an IANA name such as "Europe/London")`, "")},
		{"Mon 09:00-18:00", "Asia/Shangai", nil, tz(12, `unknown time zone "Asia/Shangai" (did you mean "Asia/Shanghai"?)`, "Asia/Shanghai")},
		{"Mon 09:00-18:00", "Shanghai", nil, tz(8, `unknown time zone "Shanghai" (did you mean "Asia/Shanghai"?)`, "Asia/Shanghai")},
		{"Mon 09:00-18:00", "America/New York", nil, tz(16, `unknown time zone "America/New York" (did you mean "America/New_York"?)`, "America/New_York")},
		{"Mon 09:00-18:00", " UTC", nil, tz(4, `unknown time zone " UTC" (did you mean "UTC"?)`, "UTC")},
		{"Mon 09:00-18:00", "Asia//Shanghai", nil, tz(14, `unknown time zone "Asia//Shanghai" (did you mean "Asia/Shanghai"?)`, "Asia/Shanghai")},
		{"Mon 09:00-18:00", "asia/shanghai", nil, tz(13, `time zone "asia/shanghai" must be spelled "Asia/Shanghai"`, "Asia/Shanghai")},
		{"Mon 09:00-18:00", "Mars/Olympus_Mons", nil, tz(17, `unknown time zone "Mars/Olympus_Mons" (expected an IANA name such as "Europe/London")`, "")},

		// except
		{"Mon 09:00-18:00", "UTC", []string{"2026-13-01"}, except(0, 0, 10, `date "2026-13-01" is not a valid YYYY-MM-DD date (month must be 01-12)`)},
		{"Mon 09:00-18:00", "UTC", []string{"2026-02-29"}, except(0, 0, 10, `date "2026-02-29" is not a valid YYYY-MM-DD date (day must be 01-28 in February 2026)`)},
		{"Mon 09:00-18:00", "UTC", []string{"2026-10-01", "2026-1-5"}, except(1, 0, 8, `date "2026-1-5" is not a valid YYYY-MM-DD date`)},
		{"Mon 09:00-18:00", "UTC", []string{"2026/10/01"}, except(0, 0, 10, `date "2026/10/01" is not a valid YYYY-MM-DD date`)},
		{"Mon 09:00-18:00", "UTC", []string{" 2026-10-07..2026-10-01 "}, except(0, 1, 22, "date range ends before it starts (expected the earlier date first)")},
		{"Mon 09:00-18:00", "UTC", []string{"2026-10-01.."}, except(0, 12, 0, `missing end date after ".." (`+form+")")},
		{"Mon 09:00-18:00", "UTC", []string{"..2026-10-01"}, except(0, 0, 0, `missing start date before ".." (`+form+")")},
		{"Mon 09:00-18:00", "UTC", []string{"2026-10-01 .. 2026-10-0x"}, except(0, 14, 10, `date "2026-10-0x" is not a valid YYYY-MM-DD date`)},
		{"Mon 09:00-18:00", "UTC", []string{"2026-10-01..2026-10-02..2026-10-03"}, except(0, 12, 22, `date "2026-10-02..2026-10-03" is not a valid YYYY-MM-DD date`)},
		{"Mon 09:00-18:00", "UTC", []string{"2026-10-01", "  "}, except(1, 0, 2, "empty date ("+form+")")},

		// the spec is checked before the zone, the zone before the dates
		{"Mnn 09:00-18:00", "Asia/Shangai", []string{"x"}, spec(0, 3, `unknown day "Mnn" (`+dayset+")")},
		{"Mon 09:00-18:00", "Asia/Shangai", []string{"x"}, tz(12, `unknown time zone "Asia/Shangai" (did you mean "Asia/Shanghai"?)`, "Asia/Shanghai")},
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec, tt.tz, tt.except)
		if err == nil {
			t.Errorf("Parse(%q, %q, %q) = %q, want error", tt.spec, tt.tz, tt.except, s)
			continue
		}
		var got *Error
		if !errors.As(err, &got) {
			t.Errorf("Parse(%q, %q, %q) error %T, want *Error", tt.spec, tt.tz, tt.except, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q, %q, %q) error (-want +got):\n%s", tt.spec, tt.tz, tt.except, diff)
		}
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Part: PartSpec, Offset: 4, Len: 2, Msg: "hour 25 is out of range 00-24"}, "hours spec at offset 4: hour 25 is out of range 00-24"},
		{&Error{Part: PartExcept, Index: 1, Msg: "date range ends before it starts"}, "hours except[1] at offset 0: date range ends before it starts"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestCivilDay(t *testing.T) {
	for _, y := range []int{0, 1, 4, 100, 1600, 1899, 1900, 1969, 1970, 2000, 2024, 2026, 2100, 9999} {
		for m := time.January; m <= time.December; m++ {
			for _, d := range []int{1, 15, daysIn(y, m)} {
				// Go has no leap seconds, so midnights are whole multiples of a day.
				want := int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
				if got := civilDay(y, m, d); got != want {
					t.Errorf("civilDay(%d, %v, %d) = %d, want %d", y, m, d, got, want)
				}
			}
		}
	}
}
