package hours

import (
	"strings"
	"unicode/utf8"
)

// item is one DAYS TIMERANGE of a spec. Days are time.Weekday numbers
// (Sunday 0); from..to runs forward and may wrap the week.
type item struct {
	from, to   int
	daily      bool // spelled "daily", kept for the canonical form
	ranged     bool // spelled as a range, even if from == to
	start, end int  // minutes of the day; end <= start crosses midnight
}

var dayAbbr = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

var dayFull = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

const (
	dayHint  = "expected Mon, Tue, Wed, Thu, Fri, Sat or Sun"
	itemHint = "expected days and a time range such as Mon-Fri 09:00-18:00"
)

// specScanner walks a spec by byte offset; every error it returns carries
// the span of the offending token.
type specScanner struct {
	s string
	i int
}

func parseSpec(spec string) ([]item, error) {
	p := &specScanner{s: spec}
	p.skipSpace()
	if p.eof() {
		return nil, specErr(0, len(spec), "empty hours spec (%s)", itemHint)
	}
	var items []item
	for {
		it, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		p.skipSpace()
		if p.eof() {
			return items, nil
		}
		if p.s[p.i] != ',' {
			tok := p.token()
			if isDigit(tok[0]) {
				return nil, specErr(p.i, len(tok), `a second time range needs its own days and a ",", as in "Mon 09:00-12:00, Mon 13:00-18:00"`)
			}
			return nil, specErr(p.i, len(tok), `unexpected %q after a time range (expected "," before the next item, or the end of the spec)`, tok)
		}
		comma := p.i
		p.i++
		p.skipSpace()
		if p.eof() {
			return nil, specErr(comma, 1, `missing item after "," (%s)`, itemHint)
		}
	}
}

func (p *specScanner) item() (item, error) {
	var it item
	if p.s[p.i] == ',' {
		return it, specErr(p.i, 1, "empty item (%s)", itemHint)
	}
	if isDigit(p.s[p.i]) {
		tok := p.timeToken()
		return it, specErr(p.i, len(tok), "missing days before %q (expected a day such as Mon or a range such as Mon-Fri)", tok)
	}
	at := p.i
	w := p.word()
	if w == "" {
		tok := p.token()
		return it, specErr(at, len(tok), "unexpected %q (expected a day such as Mon or a range such as Mon-Fri)", tok)
	}
	p.skipSpace()
	if strings.EqualFold(w, "daily") {
		if !p.eof() && p.s[p.i] == '-' {
			return it, specErr(at, len(w), `%q already means Mon-Sun and cannot start a day range`, w)
		}
		it.daily, it.from, it.to = true, 1, 0
	} else {
		d, ok := lookupDay(w)
		if !ok {
			return it, specErr(at, len(w), "unknown day %q (%s)", w, dayHint)
		}
		it.from, it.to = d, d
		if !p.eof() && p.s[p.i] == '-' {
			dash := p.i
			p.i++
			p.skipSpace()
			at = p.i
			w = p.word()
			if w == "" {
				return it, specErr(dash, 1, `"-" must be followed by a day, as in Mon-Fri`)
			}
			if d, ok = lookupDay(w); !ok {
				return it, specErr(at, len(w), "unknown day %q (%s)", w, dayHint)
			}
			it.to, it.ranged = d, true
			p.skipSpace()
		}
	}
	return it, p.timeRange(&it)
}

func (p *specScanner) timeRange(it *item) error {
	if p.eof() {
		return specErr(p.i, 0, "missing time range (expected one such as 09:00-18:00)")
	}
	if !isDigit(p.s[p.i]) {
		tok := p.token()
		return specErr(p.i, len(tok), "expected a time range such as 09:00-18:00, found %q", tok)
	}
	startAt := p.i
	start, err := p.clock()
	if err != nil {
		return err
	}
	if start == minutesPerDay {
		return specErr(startAt, p.i-startAt, "a time range cannot start at 24:00 (expected a start from 00:00 to 23:59)")
	}
	p.skipSpace()
	if p.eof() {
		return specErr(p.i, 0, "missing end time (expected a range such as 09:00-18:00)")
	}
	if p.s[p.i] != '-' {
		tok := p.token()
		return specErr(p.i, len(tok), `expected "-" between the start and end times, found %q`, tok)
	}
	dash := p.i
	p.i++
	p.skipSpace()
	if p.eof() || !isDigit(p.s[p.i]) {
		return specErr(dash, 1, `"-" must be followed by an end time, as in 09:00-18:00`)
	}
	end, err := p.clock()
	if err != nil {
		return err
	}
	it.start, it.end = start, end
	return nil
}

// clock reads H:MM or HH:MM, 00:00 to 24:00, as minutes of the day.
func (p *specScanner) clock() (int, error) {
	at := p.i
	tok := p.timeToken()
	p.i += len(tok)
	colon := strings.IndexByte(tok, ':')
	if colon < 1 || colon > 2 || len(tok)-colon != 3 {
		return 0, specErr(at, len(tok), "time %q is not HH:MM", tok)
	}
	h, okH := digits(tok[:colon])
	m, okM := digits(tok[colon+1:])
	if !okH || !okM {
		return 0, specErr(at, len(tok), "time %q is not HH:MM", tok)
	}
	switch {
	case h > 24:
		return 0, specErr(at, colon, "hour %d is out of range 00-24", h)
	case m > 59:
		return 0, specErr(at+colon+1, 2, "minute %d is out of range 00-59", m)
	case h == 24 && m != 0:
		return 0, specErr(at, len(tok), "time %s is past the end of the day (24:00 is the latest)", tok)
	}
	return h*60 + m, nil
}

// timeToken is the run of bytes at p.i that could belong to a time. It stops
// only at separators, so that "9.00" or "0900" is reported whole.
func (p *specScanner) timeToken() string {
	j := p.i
	for j < len(p.s) && !isSpace(p.s[j]) && p.s[j] != '-' && p.s[j] != ',' {
		j++
	}
	return p.s[p.i:j]
}

// word consumes a day name: ASCII letters plus any non-ASCII bytes, so that
// "Mön" is reported as one unknown day rather than split mid-rune.
func (p *specScanner) word() string {
	j := p.i
	for j < len(p.s) && (isLetter(p.s[j]) || p.s[j] >= utf8.RuneSelf) {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	return w
}

// token is the unexpected text at p.i for an error message: up to the next
// space or comma, and at least one whole character.
func (p *specScanner) token() string {
	j := p.i
	for j < len(p.s) && !isSpace(p.s[j]) && p.s[j] != ',' {
		j++
	}
	if j == p.i {
		_, n := utf8.DecodeRuneInString(p.s[p.i:])
		j += n
	}
	return p.s[p.i:j]
}

func (p *specScanner) eof() bool { return p.i >= len(p.s) }

func (p *specScanner) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func lookupDay(w string) (int, bool) {
	for d := range dayAbbr {
		if strings.EqualFold(w, dayAbbr[d]) || strings.EqualFold(w, dayFull[d]) {
			return d, true
		}
	}
	return 0, false
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' }
