// Package table reads the data behind `table NAME from "file"`: a CSV file
// with a header row whose first column is the key, or a JSON object of
// objects. Errors carry the line and column inside the data file.
package table

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
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

func parseCSV(src []byte) (*Data, *Error) {
	r := csv.NewReader(bytes.NewReader(src))
	r.TrimLeadingSpace = true
	var d *Data
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &Error{Line: pe.Line, Col: min(pe.Column, lineLen(src, pe.Line)+1), Msg: pe.Err.Error()}
			}
			return nil, &Error{Msg: err.Error()}
		}
		if d == nil {
			if err := header(r, rec); err != nil {
				return nil, err
			}
			d = &Data{Columns: rec, Rows: map[string]map[string]any{}}
			continue
		}
		key := rec[0]
		if _, dup := d.Rows[key]; dup {
			line, col := r.FieldPos(0)
			return nil, &Error{Line: line, Col: col, Msg: fmt.Sprintf("key %q appears twice", key)}
		}
		if msg := rounded(key); msg != "" {
			line, col := r.FieldPos(0)
			return nil, &Error{Line: line, Col: col, Msg: msg}
		}
		row := make(map[string]any, len(d.Columns))
		for j, h := range d.Columns {
			row[h] = rec[j]
		}
		d.Rows[key] = row
	}
	if d == nil {
		return nil, &Error{Msg: "the file is empty: a CSV table needs a header row"}
	}
	return d, nil
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

// header checks a CSV table's header row, the record r read last: every
// column named, no name twice. An error is at the field's line and byte
// column.
func header(r *csv.Reader, head []string) *Error {
	if len(head) == 1 && strings.ContainsAny(head[0], ";\t") {
		// Spreadsheets in many locales save "CSV" with semicolons; read
		// with commas, every row would be one key no caller matches.
		line, col := r.FieldPos(0)
		return &Error{Line: line, Col: col, Msg: fmt.Sprintf("the header row is one column, %q: the file looks separated by semicolons or tabs, and a CSV table is separated by commas (save it as \"CSV UTF-8 (comma delimited)\")", head[0])}
	}
	for i, h := range head {
		msg := ""
		switch {
		case h == "":
			msg = fmt.Sprintf("column %d has no name in the header row", i+1)
		case slices.Index(head, h) != i:
			msg = fmt.Sprintf("column %q appears twice in the header row", h)
		default:
			continue
		}
		line, col := r.FieldPos(i)
		return &Error{Line: line, Col: col, Msg: msg}
	}
	return nil
}

func parseJSON(src []byte) (*Data, *Error) {
	// scanJSON refuses what is no table (and null); what is left for
	// Unmarshal to refuse is a syntax error.
	if err := scanJSON(src); err != nil {
		return nil, err
	}
	var rows map[string]map[string]any
	if err := json.Unmarshal(src, &rows); err != nil {
		line, col := 0, 0
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col = lineCol(src, int(se.Offset))
		}
		return nil, &Error{Line: line, Col: col, Msg: err.Error()}
	}
	d := &Data{Rows: rows}
	seen := map[string]bool{}
	for _, row := range rows {
		for c := range row {
			if !seen[c] {
				seen[c] = true
				d.Columns = append(d.Columns, c)
			}
		}
	}
	slices.Sort(d.Columns)
	return d, nil
}

// lineLen is the length in bytes of the 1-based line of src, without its
// newline: encoding/csv counts the newline that ends a quoted field left
// open as a column of its own.
func lineLen(src []byte, line int) int {
	for ; line > 1; line-- {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return 0
		}
		src = src[i+1:]
	}
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		return i
	}
	return len(src)
}

func lineCol(src []byte, off int) (int, int) {
	off = min(off, len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(src[:off], '\n')
}
