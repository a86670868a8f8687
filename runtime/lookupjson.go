package runtime

import (
	"strconv"

	"github.com/callflow/callflow/runtime/platform"
)

// decodeAnswer decodes the JSON answer of a lookup or a post as
// platform.DecodeJSON does. What CRMs answer most, one object of plain
// members ({"vip":false,"name":"Li"}), is scanned by hand (decodeFlat),
// at a third of the general decoder's cost; anything else is the general
// decoder's, so its values and errors are the same.
func decodeAnswer(b []byte) (any, error) {
	if v, ok := decodeFlat(b); ok {
		return v, nil
	}
	return platform.DecodeJSON(b)
}

// decodeFlat decodes b when it is one JSON object whose member names are
// printable ASCII without escapes, each name once, and whose values are
// such strings, true, false, null or integers of at most 15 digits (not
// -0), with JSON's white space around tokens. Those are the bodies on
// which it gives what platform.DecodeJSON gives: a map[string]any of
// strings, bools, nils and float64s. Any other body, valid or not, is
// reported false, for DecodeJSON to decode or refuse.
func decodeFlat(b []byte) (map[string]any, bool) {
	d := flatScanner{b: b}
	if !d.skip('{') {
		return nil, false
	}
	m := map[string]any{}
	if d.skip('}') {
		return m, d.end()
	}
	for {
		name, ok := d.str()
		if !ok || !d.skip(':') {
			return nil, false
		}
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		n := len(m)
		if m[name] = v; len(m) == n {
			return nil, false // a name twice: the general decoder's rules for duplicates apply
		}
		if d.skip('}') {
			return m, d.end()
		}
		if !d.skip(',') {
			return nil, false
		}
	}
}

// flatScanner reads decodeFlat's subset of JSON from b at i.
type flatScanner struct {
	b []byte
	i int
}

// space moves past JSON white space.
func (d *flatScanner) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// skip moves past white space and c, reporting whether c was there.
func (d *flatScanner) skip(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (d *flatScanner) end() bool {
	d.space()
	return d.i == len(d.b)
}

// str reads a string of printable ASCII without escapes.
func (d *flatScanner) str() (string, bool) {
	if !d.skip('"') {
		return "", false
	}
	start := d.i
	for ; d.i < len(d.b); d.i++ {
		switch c := d.b[d.i]; {
		case c == '"':
			s := string(d.b[start:d.i])
			d.i++
			return s, true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return "", false // a control character (an error), an escape or UTF-8: the general decoder's
		}
	}
	return "", false
}

// maxFlatDigits bounds the integers decodeFlat takes: every integer of 15
// digits is below 2^53, so a float64 holds it exactly, as DecodeJSON's.
const maxFlatDigits = 15

// value reads a member's value.
func (d *flatScanner) value() (any, bool) {
	d.space()
	if d.i == len(d.b) {
		return nil, false
	}
	switch c := d.b[d.i]; {
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.word("true")
	case c == 'f':
		return false, d.word("false")
	case c == 'n':
		return nil, d.word("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.integer()
	}
	return nil, false
}

// word moves past w.
func (d *flatScanner) word(w string) bool {
	if len(d.b)-d.i < len(w) || string(d.b[d.i:d.i+len(w)]) != w {
		return false
	}
	d.i += len(w)
	return true
}

// integer reads an integer without fraction or exponent: no leading zero,
// at most maxFlatDigits digits, not -0.
func (d *flatScanner) integer() (any, bool) {
	start := d.i
	if d.b[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	n := d.i - digits
	if n == 0 || n > maxFlatDigits || n > 1 && d.b[digits] == '0' {
		return nil, false
	}
	if d.i < len(d.b) {
		switch d.b[d.i] {
		case '.', 'e', 'E':
			return nil, false // a fraction or an exponent: the general decoder's
		}
	}
	i, err := strconv.ParseInt(string(d.b[start:d.i]), 10, 64)
	if err != nil || i == 0 && d.b[start] == '-' {
		return nil, false
	}
	return float64(i), true
}
