package lexer

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// MaxInterpolationDepth bounds strings nested in interpolations in strings, so
// a hostile file cannot drive the scanner's recursion.
const MaxInterpolationDepth = 32

// StringError is a problem inside a string literal, at a byte offset from the
// opening quote.
type StringError struct {
	Offset int
	Msg    string
}

func (e *StringError) Error() string { return e.Msg }

// Part is one piece of a string literal: literal text, or the source of an
// interpolated expression. Offsets are bytes from the opening quote.
type Part struct {
	Text        string // decoded literal text; empty for an interpolation
	Interp      bool   // an ${…} interpolation
	Start, End  int    // the piece's source: for an interpolation, the expression inside ${ }
	InterpStart int    // offset of "${" for an interpolation
}

// StringLen returns the length in bytes of the string literal at the start of
// b, including its quotes.
func StringLen(b []byte) (int, *StringError) {
	n, _, err := scanString(b, false, 0)
	return n, err
}

// StringParts decodes the string literal at the start of b into literal text
// and interpolations.
func StringParts(b []byte) ([]Part, *StringError) {
	_, parts, err := scanString(b, true, 0)
	return parts, err
}

func scanString(b []byte, collect bool, depth int) (int, []Part, *StringError) {
	if depth > MaxInterpolationDepth {
		return 0, nil, &StringError{0, "string interpolations nested too deeply"}
	}
	if b[0] == '`' {
		return scanRaw(b, collect)
	}
	var parts []Part
	var lit []byte
	litStart := 1
	flush := func(end int) {
		if collect && end > litStart {
			parts = append(parts, Part{Text: string(lit), Start: litStart, End: end})
		}
		lit = lit[:0]
	}
	i := 1
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			flush(i)
			return i + 1, parts, nil
		case c == '\n':
			return 0, nil, &StringError{i, "string literal not terminated (a string ends on the line it starts)"}
		case c == '\\':
			r, n, err := unescape(b, i)
			if err != nil {
				return 0, nil, err
			}
			if collect {
				lit = utf8.AppendRune(lit, r)
			}
			i += n
		case c == '$' && i+1 < len(b) && b[i+1] == '{':
			flush(i)
			end, err := interpEnd(b, i+2, depth)
			if err != nil {
				return 0, nil, err
			}
			if collect {
				parts = append(parts, Part{Interp: true, Start: i + 2, End: end, InterpStart: i})
			}
			i = end + 1
			litStart = i
		default:
			if collect {
				lit = append(lit, c)
			}
			i++
		}
	}
	return 0, nil, &StringError{len(b), "string literal not terminated"}
}

func scanRaw(b []byte, collect bool) (int, []Part, *StringError) {
	for i := 1; i < len(b); i++ {
		if b[i] == '`' {
			var parts []Part
			if collect && i > 1 {
				parts = []Part{{Text: string(b[1:i]), Start: 1, End: i}}
			}
			return i + 1, parts, nil
		}
	}
	return 0, nil, &StringError{len(b), "raw string literal not terminated"}
}

// interpEnd finds the "}" closing an interpolation whose expression starts at
// i, stepping over nested brackets and strings.
func interpEnd(b []byte, i, depth int) (int, *StringError) {
	braces := 0
	for i < len(b) {
		switch c := b[i]; {
		case c == '\n':
			return 0, &StringError{i, "interpolation not closed with } before the end of the line"}
		case c == '"' || c == '`':
			n, _, err := scanString(b[i:], false, depth+1)
			if err != nil {
				err.Offset += i
				return 0, err
			}
			i += n
			continue
		case c == '{':
			braces++
		case c == '}':
			if braces == 0 {
				return i, nil
			}
			braces--
		}
		i++
	}
	return 0, &StringError{len(b), "interpolation not closed with }"}
}

// unescape decodes the Go-style escape at b[i] ('\\').
func unescape(b []byte, i int) (rune, int, *StringError) {
	if i+1 >= len(b) {
		return 0, 0, &StringError{i, "string literal not terminated"}
	}
	switch c := b[i+1]; c {
	case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\', '"', '$', '\'':
		return map[byte]rune{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\', '"': '"', '$': '$', '\'': '\''}[c], 2, nil
	case 'x', 'u', 'U':
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		// The digits end with the line: what the next line holds never
		// changes this line's error (Relex relexes the lines an edit
		// touches and keeps the others' errors).
		digits := b[i+2 : min(len(b), i+2+n)]
		if k := bytes.IndexByte(digits, '\n'); k >= 0 {
			digits = digits[:k]
		}
		if len(digits) < n {
			return 0, 0, &StringError{i, "incomplete escape sequence"}
		}
		v, err := strconv.ParseUint(string(b[i+2:i+2+n]), 16, 32)
		if err != nil || v > utf8.MaxRune {
			return 0, 0, &StringError{i, "invalid escape sequence " + strconv.Quote(string(b[i:i+2+n]))}
		}
		return rune(v), 2 + n, nil
	}
	r, _ := utf8.DecodeRune(b[i+1:])
	return 0, 0, &StringError{i, "unknown escape sequence \\" + string(r) + " (use \\\\ for a backslash)"}
}
