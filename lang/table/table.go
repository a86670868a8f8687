// Package table reads the data behind `table NAME from "file"`: a CSV file
// with a header row whose first column is the key, or a JSON object of
// objects. Errors carry the line and column inside the data file.
package table

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Error is a problem inside a table file.
type Error struct {
	Line, Col int // 0 when the file as a whole is at fault
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// Data is a loaded table: rows by key, each a map of column to value.
type Data struct {
	Columns []string
	Rows    map[string]map[string]any
}

// Parse reads a table file; the extension (.csv or .json) picks the format.
// The file must be UTF-8; a byte order mark is ignored.
func Parse(name string, src []byte) (*Data, *Error) {
	ext := strings.ToLower(path.Ext(name))
	if ext != ".csv" && ext != ".json" {
		return nil, &Error{Msg: fmt.Sprintf("%s is neither .csv nor .json", name)}
	}
	if off, ok := firstInvalidUTF8(src); !ok {
		line, col := lineCol(src, off)
		return nil, &Error{Line: line, Col: col, Msg: fmt.Sprintf("byte 0x%02X is not UTF-8: save the file as UTF-8", src[off])}
	}
	src = withoutBOM(src)
	if ext == ".csv" {
		return parseCSV(src)
	}
	return parseJSON(src)
}

// withoutBOM is src with a leading byte order mark made three spaces, so
// that the offsets of errors on the first line stay those of the file.
func withoutBOM(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte(bom)) {
		return src
	}
	return append([]byte("   "), src[len(bom):]...)
}

const bom = "\xef\xbb\xbf"

// firstInvalidUTF8 is the offset of the first byte of src that is not
// UTF-8, and false; or 0 and true when src is UTF-8.
func firstInvalidUTF8(src []byte) (int, bool) {
	if utf8.Valid(src) {
		return 0, true
	}
	for off := 0; off < len(src); {
		r, n := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && n == 1 {
			return off, false
		}
		off += n
	}
	return 0, true
}

func lineCol(src []byte, off int) (int, int) {
	off = min(off, len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(src[:off], '\n')
}

// roundedNumber is a number as a spreadsheet writes one it shows in
// scientific notation (6.59123E+09 for +6591234567): no caller or key a
// flow computes looks so, and the digits are gone.
var roundedNumber = regexp.MustCompile(`^[+-]?\d(\.\d+)?[eE]\+\d+$`)

// rounded says why key is a number a spreadsheet rounded, or "".
func rounded(key string) string {
	if !roundedNumber.MatchString(key) {
		return ""
	}
	return fmt.Sprintf("key %q is a number in scientific notation, as a spreadsheet shows a long number it has rounded: its digits are lost; format the column as text and save the file again", key)
}
