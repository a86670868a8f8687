package source

import (
	"sort"
	"unicode/utf8"
)

// Unit is what a column counts. Editors disagree: the Language Server
// Protocol counts UTF-16 code units unless both sides agree on UTF-8 bytes,
// while diagnostics printed for people count characters (runes).
type Unit uint8

const (
	// UTF16 counts UTF-16 code units: one for most characters, two for
	// those outside the Basic Multilingual Plane such as emoji.
	UTF16 Unit = iota
	// UTF8 counts bytes.
	UTF8
	// Runes counts Unicode code points.
	Runes
)

// String names the unit as LSP's positionEncoding does ("utf-16", "utf-8",
// "utf-32").
func (u Unit) String() string {
	switch u {
	case UTF8:
		return "utf-8"
	case Runes:
		return "utf-32"
	}
	return "utf-16"
}

// Point is a zero-based line and a zero-based column counted in some Unit:
// the shape of an LSP Position.
type Point struct {
	Line, Col int
}

// Point converts a byte offset into a line and a column counted in u.
// Offsets outside the file are clamped to it; an offset inside a character
// counts from the start of that character. A byte that is not valid UTF-8
// counts as one unit, as editors show it as one replacement character.
func (f *File) Point(offset int, u Unit) Point {
	offset = max(0, min(offset, len(f.Src)))
	for i := 1; i < utf8.UTFMax && offset > 0 && offset < len(f.Src) && !utf8.RuneStart(f.Src[offset]); i++ {
		offset--
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > offset }) - 1
	start := f.lines[line]
	return Point{Line: line, Col: columns(f.Src[start:offset], u)}
}

// Offset converts a line and a column counted in u back into a byte offset.
// A line past the end is the end of the file; a column past the end of its
// line is the end of that line (before its line break); a column inside a
// character (half a surrogate pair) is the start of that character.
func (f *File) Offset(p Point, u Unit) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(f.lines) {
		return len(f.Src)
	}
	start := f.lines[p.Line]
	text := f.Src[start:f.lineEnd(p.Line)]
	col := max(0, p.Col)
	if u == UTF8 {
		// Land on a character boundary, as the other units do.
		n := min(col, len(text))
		for n > 0 && n < len(text) && !utf8.RuneStart(text[n]) {
			n--
		}
		return start + n
	}
	i, n := 0, 0
	for i < len(text) {
		r, size := utf8.DecodeRune(text[i:])
		w := 1
		if u == UTF16 && r >= 0x10000 && size > 1 {
			w = 2
		}
		if n+w > col {
			break
		}
		n += w
		i += size
	}
	return start + i
}

// lineEnd is the offset of the line break ending line (zero-based), or the
// end of the file on the last line. A \r before the \n belongs to the line,
// as LSP counts it.
func (f *File) lineEnd(line int) int {
	if line+1 < len(f.lines) {
		return f.lines[line+1] - 1
	}
	return len(f.Src)
}

// columns counts the columns of text in u.
func columns(text []byte, u Unit) int {
	switch u {
	case UTF8:
		return len(text)
	case Runes:
		return utf8.RuneCount(text)
	}
	n := 0
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		n++
		if r >= 0x10000 && size > 1 {
			n++
		}
		i += size
	}
	return n
}
