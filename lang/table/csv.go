package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// parseCSV reads a CSV table: a header row whose first column is the key,
// then a row per key, every value a string. Errors stand at the field's
// own line and byte column.
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
