// Package source holds source files, positions and spans. It is the bottom layer
// of the language: every other phase and the runtime speak in these terms.
//
// A byte offset is the truth; line and column are derived for display. Columns
// count runes starting at 1 (the unit participle, starlark and expr use), so a
// caret lines up under UTF-8 text such as Vietnamese or Chinese. Editors
// count otherwise: File.Point and File.Offset convert to and from zero-based
// lines and columns in UTF-16 code units, bytes or runes (see Unit).
package source

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"unicode/utf8"
)

// Pos is a position in a source file.
type Pos struct {
	Offset int // byte offset, starting at 0
	Line   int // starting at 1; 0 means unknown
	Col    int // rune column, starting at 1
}

// IsValid reports whether the position names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Span is a half-open range [Start, End) in one file.
type Span struct {
	File       string
	Start, End Pos
}

// IsValid reports whether the span has a known start.
func (s Span) IsValid() bool { return s.Start.IsValid() }

// String renders the start as "file:line:col".
func (s Span) String() string {
	if s.File == "" {
		return fmt.Sprintf("%d:%d", s.Start.Line, s.Start.Col)
	}
	return fmt.Sprintf("%s:%d:%d", s.File, s.Start.Line, s.Start.Col)
}

// File holds the bytes of one source file and its line table.
type File struct {
	Name  string
	Src   []byte
	lines []int // byte offset of the start of each line
	runes []int // runes[k]: runes in Src[:k*runeBlock]; nil unless Src is valid UTF-8
}

// runeBlock is the stride of the rune index, which keeps Pos from counting a
// whole line: a 1 MiB one-line file would make every span cost O(line), and
// a parse O(n²).
const runeBlock = 256

// NewFile builds the line table for src.
func NewFile(name string, src []byte) *File {
	// An editor builds one for each version of a 1 MiB document: the
	// newlines are found with IndexByte, and the runes of a block of
	// ASCII are its length.
	lines := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		lines = append(lines, i)
	}
	f := &File{Name: name, Src: src, lines: lines}
	if len(src) > runeBlock && utf8.Valid(src) {
		f.runes = make([]int, len(src)/runeBlock+1)
		n := 0
		for k := range f.runes {
			f.runes[k] = n
			n += runeStarts(src[k*runeBlock : min(len(src), (k+1)*runeBlock)])
		}
	}
	return f
}

// runeStarts counts the bytes of b that start a rune.
func runeStarts(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	n := i // all ASCII so far
	for _, c := range b[i:] {
		if utf8.RuneStart(c) {
			n++
		}
	}
	return n
}

// runeCount is utf8.RuneCount(f.Src[start:end]) for a line start and an
// offset on that line, without counting a long line from its start.
func (f *File) runeCount(start, end int) int {
	if f.runes == nil || end-start < runeBlock {
		return utf8.RuneCount(f.Src[start:end])
	}
	b := end // the start of the rune holding end, if end is inside one
	for b > start && b < len(f.Src) && !utf8.RuneStart(f.Src[b]) {
		b--
	}
	return f.runesBefore(b) - f.runesBefore(start) + utf8.RuneCount(f.Src[b:end])
}

// runesBefore counts the runes in f.Src[:x], x on a rune boundary.
func (f *File) runesBefore(x int) int {
	k := x / runeBlock
	n := f.runes[k]
	for _, c := range f.Src[k*runeBlock : x] {
		if utf8.RuneStart(c) {
			n++
		}
	}
	return n
}

// LineCount is the number of lines in the file.
func (f *File) LineCount() int { return len(f.lines) }

// Pos converts a byte offset into a full position. Offsets past the end are
// clamped to the end of the file.
func (f *File) Pos(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(f.Src) {
		offset = len(f.Src)
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > offset }) - 1
	start := f.lines[line]
	return Pos{Offset: offset, Line: line + 1, Col: f.runeCount(start, offset) + 1}
}

// Span builds the span [start, end) from byte offsets.
func (f *File) Span(start, end int) Span {
	if end < start {
		end = start
	}
	return Span{File: f.Name, Start: f.Pos(start), End: f.Pos(end)}
}

// Line returns the text of line n (starting at 1) without its newline.
func (f *File) Line(n int) []byte {
	if n < 1 || n > len(f.lines) {
		return nil
	}
	start := f.lines[n-1]
	end := len(f.Src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	if end > start && f.Src[end-1] == '\r' {
		end--
	}
	return f.Src[start:end]
}

// Files is a registry of the files a compilation read, keyed by name; the text
// writer uses it to print source lines under diagnostics.
type Files map[string]*File

// Add registers f and returns it.
func (fs Files) Add(f *File) *File {
	fs[f.Name] = f
	return f
}
