package hours

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// dayRange is an inclusive range of civil days (see civilDay).
type dayRange struct{ from, to int }

// civilDay numbers calendar dates consecutively, 1970-01-01 being 0, so that
// "the day before" and date ranges are plain integer arithmetic. It is
// Howard Hinnant's days_from_civil, which needs no time.Time and so no
// allocation on the Open path.
func civilDay(y int, m time.Month, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (int(m) + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

const exceptForm = "YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"

// parseExcept turns the except entries into sorted, merged day ranges, so
// that Open can binary-search them however the author ordered or overlapped
// the holidays.
func parseExcept(entries []string) ([]dayRange, error) {
	var out []dayRange
	for i, e := range entries {
		lo, hi := trimSpace(e, 0, len(e))
		if lo == hi {
			return nil, exceptErr(i, 0, len(e), "empty date (expected %s)", exceptForm)
		}
		r, err := parseEntry(i, e, lo, hi)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b dayRange) int { return a.from - b.from })
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && r.from <= merged[n-1].to+1 {
			merged[n-1].to = max(merged[n-1].to, r.to)
			continue
		}
		merged = append(merged, r)
	}
	return merged, nil
}

// parseEntry parses e[lo:hi], a date or a date range, of except entry i.
func parseEntry(i int, e string, lo, hi int) (dayRange, error) {
	dots := strings.Index(e[lo:hi], "..")
	if dots < 0 {
		d, err := parseDate(i, e, lo, hi)
		return dayRange{d, d}, err
	}
	dots += lo
	alo, ahi := trimSpace(e, lo, dots)
	if alo == ahi {
		return dayRange{}, exceptErr(i, dots, 0, `missing start date before ".." (expected %s)`, exceptForm)
	}
	blo, bhi := trimSpace(e, dots+2, hi)
	if blo == bhi {
		return dayRange{}, exceptErr(i, dots+2, 0, `missing end date after ".." (expected %s)`, exceptForm)
	}
	from, err := parseDate(i, e, alo, ahi)
	if err != nil {
		return dayRange{}, err
	}
	to, err := parseDate(i, e, blo, bhi)
	if err != nil {
		return dayRange{}, err
	}
	if to < from {
		return dayRange{}, exceptErr(i, lo, hi-lo, "date range ends before it starts (expected the earlier date first)")
	}
	return dayRange{from, to}, nil
}

// parseDate parses e[lo:hi] as YYYY-MM-DD. It is stricter than needed for
// reading alone: one spelling per date keeps flows greppable and diffs clean.
func parseDate(i int, e string, lo, hi int) (int, error) {
	s := e[lo:hi]
	bad := func(why string) error {
		return exceptErr(i, lo, hi-lo, "date %q is not a valid YYYY-MM-DD date%s", s, why)
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, bad("")
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, bad("")
	}
	if m < 1 || m > 12 {
		return 0, bad(" (month must be 01-12)")
	}
	month := time.Month(m)
	if n := daysIn(y, month); d < 1 || d > n {
		return 0, bad(fmt.Sprintf(" (day must be 01-%02d in %s %04d)", n, month, y))
	}
	return civilDay(y, month, d), nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// digits parses s, which must be all ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}
