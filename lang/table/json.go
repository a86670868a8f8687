package table

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// parseJSON reads a JSON table: an object of objects, values of their
// JSON types, columns the names any row has, sorted.
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

// scanJSON finds, at the place it starts, what is not a table — a document
// that is not an object, a row that is not an object — and what
// encoding/json reads without a word but a table would lose: a name given
// twice in one object (json keeps the last, so a row or a column
// vanishes) and an integer a float64 cannot hold exactly (an account
// number's last digits change). It stops at a syntax error, which
// json.Unmarshal then reports.
func scanJSON(src []byte) *Error {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var stack []*jsonObject // nil entries are arrays
	for began := false; ; began = true {
		start := tokenStart(src, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or a syntax error json.Unmarshal reports
		}
		if began && len(stack) == 0 {
			return nil // a second document: json.Unmarshal says it follows the first
		}
		top := (*jsonObject)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if key, ok := tok.(string); ok && top != nil && top.wantKey {
			msg := rounded(key)
			if len(stack) > 1 {
				msg = "" // a column's name, or a name inside a value
			}
			if top.seen[key] {
				msg = top.twice(len(stack), key)
			}
			if msg != "" {
				line, col := lineCol(src, start)
				return &Error{Line: line, Col: col, Msg: msg}
			}
			top.seen[key], top.wantKey, top.key = true, false, key
			continue
		}
		if msg := notTable(stack, top, tok); msg != "" {
			line, col := lineCol(src, start)
			return &Error{Line: line, Col: col, Msg: msg}
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				o := &jsonObject{seen: map[string]bool{}, wantKey: true}
				if top != nil {
					o.parent = top.key
				}
				stack = append(stack, o)
				continue
			case '[':
				stack = append(stack, nil)
				continue
			}
			stack = stack[:len(stack)-1]
		case json.Number:
			if msg := inexact(tok.String()); msg != "" {
				line, col := lineCol(src, start)
				return &Error{Line: line, Col: col, Msg: msg}
			}
		}
		if len(stack) > 0 && stack[len(stack)-1] != nil {
			stack[len(stack)-1].wantKey = true // a member's value has ended
		}
	}
}

// shape is how a JSON table looks, for messages.
const shape = `a JSON table is an object whose values are objects, like {"+6591234567": {"name": "Ann"}}`

// notTable says why a value starting with tok, inside stack (whose last
// object is top), makes the document no table, or "": the document must
// be an object, and each of its values an object or null.
func notTable(stack []*jsonObject, top *jsonObject, tok json.Token) string {
	if d, ok := tok.(json.Delim); (ok && (d == '{' || d == '}' || d == ']')) || len(stack) > 1 {
		return ""
	}
	switch {
	case len(stack) == 0:
		return shape
	case top != nil && tok != nil:
		return fmt.Sprintf("row %q is not an object: %s", top.key, shape)
	}
	return ""
}

// jsonObject is an object scanJSON is inside: the names it has had, the
// name of its member being read, and the name it is the value of.
type jsonObject struct {
	seen        map[string]bool
	wantKey     bool
	key, parent string
}

// twice says that key appears twice in o, at depth (1: the table's rows,
// 2: a row's columns) of the document.
func (o *jsonObject) twice(depth int, key string) string {
	switch depth {
	case 1:
		return fmt.Sprintf("key %q appears twice", key)
	case 2:
		return fmt.Sprintf("column %q appears twice in row %q", key, o.parent)
	}
	return fmt.Sprintf("name %q appears twice in one object", key)
}

// inexact says why the JSON number lit cannot be kept as it is written,
// or "": an integer a float64 holds only rounded, or a number beyond its
// range. Fractions are decimal approximations anyway, as in any JSON.
func inexact(lit string) string {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return fmt.Sprintf("the number %s is beyond what a number holds: write it as a string", lit)
	}
	if strings.ContainsAny(lit, ".eE") {
		return ""
	}
	if kept := strconv.FormatFloat(f, 'f', -1, 64); kept != lit {
		return fmt.Sprintf("the number %s would be kept as %s (integers are exact up to 9007199254740992): write it as a string, %q", lit, kept, lit)
	}
	return ""
}

// tokenStart is the offset of the first byte of the token after off, past
// the whitespace and separators json.Decoder steps over.
func tokenStart(src []byte, off int) int {
	for off < len(src) && strings.IndexByte(" \t\r\n,:", src[off]) >= 0 {
		off++
	}
	return off
}
