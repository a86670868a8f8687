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
	"path"
	"slices"
	"strings"
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
func Parse(name string, src []byte) (*Data, *Error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return parseCSV(src)
	case ".json":
		return parseJSON(src)
	}
	return nil, &Error{Msg: fmt.Sprintf("%s is neither .csv nor .json", name)}
}

func parseCSV(src []byte) (*Data, *Error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))))
	r.TrimLeadingSpace = true
	records, err := r.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error()}
		}
		return nil, &Error{Msg: err.Error()}
	}
	if len(records) == 0 {
		return nil, &Error{Msg: "the file is empty: a CSV table needs a header row"}
	}
	head := records[0]
	for i, h := range head {
		if h == "" {
			return nil, &Error{Line: 1, Col: i + 1, Msg: fmt.Sprintf("column %d has no name in the header row", i+1)}
		}
		if slices.Index(head, h) != i {
			return nil, &Error{Line: 1, Col: i + 1, Msg: fmt.Sprintf("column %q appears twice in the header row", h)}
		}
	}
	d := &Data{Columns: head, Rows: make(map[string]map[string]any, len(records)-1)}
	for i, rec := range records[1:] {
		key := rec[0]
		if _, dup := d.Rows[key]; dup {
			return nil, &Error{Line: i + 2, Col: 1, Msg: fmt.Sprintf("key %q appears twice", key)}
		}
		row := make(map[string]any, len(head))
		for j, h := range head {
			row[h] = rec[j]
		}
		d.Rows[key] = row
	}
	return d, nil
}

func parseJSON(src []byte) (*Data, *Error) {
	var rows map[string]map[string]any
	if err := json.Unmarshal(src, &rows); err != nil {
		line, col := 0, 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col = lineCol(src, int(se.Offset))
		case errors.As(err, &te):
			line, col = lineCol(src, int(te.Offset))
			return nil, &Error{Line: line, Col: col, Msg: "a JSON table is an object whose values are objects, like {\"+6591234567\": {\"name\": \"Ann\"}}"}
		}
		return nil, &Error{Line: line, Col: col, Msg: err.Error()}
	}
	if rows == nil {
		return nil, &Error{Msg: "a JSON table is an object whose values are objects, not null"}
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

func lineCol(src []byte, off int) (int, int) {
	off = min(off, len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(src[:off], '\n')
}
