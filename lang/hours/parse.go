package hours

import (
	"slices"
	"strings"
)

// Parse compiles an hours declaration: the spec, the IANA time zone and the
// except entries (see the package comment for the grammar). It reports the
// first problem found, checking spec, then tz, then except, as an *Error.
func Parse(spec, tz string, except []string) (*Schedule, error) {
	items, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	loc, err := loadZone(tz)
	if err != nil {
		return nil, err
	}
	closed, err := parseExcept(except)
	if err != nil {
		return nil, err
	}
	s := &Schedule{loc: loc, spec: canonical(items), closed: closed}
	for _, it := range items {
		for wd := it.from; ; wd = (wd + 1) % 7 {
			if it.end > it.start {
				s.own[wd] = append(s.own[wd], window{it.start, it.end})
			} else {
				s.own[wd] = append(s.own[wd], window{it.start, minutesPerDay})
				s.spill[wd] = max(s.spill[wd], it.end)
			}
			if wd == it.to {
				break
			}
		}
	}
	for wd := range s.own {
		s.own[wd] = mergeWindows(s.own[wd])
	}
	return s, nil
}

// mergeWindows sorts and coalesces overlapping or touching windows, so that
// Open can stop at the first window starting after the minute it checks.
func mergeWindows(ws []window) []window {
	slices.SortFunc(ws, func(a, b window) int { return a.start - b.start })
	out := ws[:0]
	for _, w := range ws {
		if n := len(out); n > 0 && w.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, w.end)
			continue
		}
		out = append(out, w)
	}
	return slices.Clip(out)
}

func canonical(items []item) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		switch {
		case it.daily:
			b.WriteString("daily")
		case it.from == it.to && !it.ranged:
			b.WriteString(dayAbbr[it.from])
		default:
			b.WriteString(dayAbbr[it.from])
			b.WriteByte('-')
			b.WriteString(dayAbbr[it.to])
		}
		b.WriteByte(' ')
		writeClock(&b, it.start)
		b.WriteByte('-')
		writeClock(&b, it.end)
	}
	return b.String()
}

func writeClock(b *strings.Builder, minute int) {
	h, m := minute/60, minute%60
	b.WriteByte(byte('0' + h/10))
	b.WriteByte(byte('0' + h%10))
	b.WriteByte(':')
	b.WriteByte(byte('0' + m/10))
	b.WriteByte(byte('0' + m%10))
}

// trimSpace narrows s[lo:hi] to exclude surrounding whitespace, returning
// offsets rather than a substring so that errors can point into s.
func trimSpace(s string, lo, hi int) (int, int) {
	for lo < hi && isSpace(s[lo]) {
		lo++
	}
	for hi > lo && isSpace(s[hi-1]) {
		hi--
	}
	return lo, hi
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
