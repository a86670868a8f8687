package table

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse reads any bytes as a CSV and as a JSON table. Either the
// table is refused at a place inside the file (a line it has, a byte
// column of that line or just past its end), or it is UTF-8, holds what
// encoding/json or encoding/csv read from it, and a table written back
// from it reads the same.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"number,name\n+8613066668888,Xiao Ming\n\"+8613100000000\", \"Lê Văn A\"\n",
		"\xef\xbb\xbfk,name\n1,a\n",
		"k,name\n\n1,\"a\nb\"\n\n 1,c\n",
		`{"+6591234567": {"name": "Ann", "tier": 2, "vip": true, "tags": ["a"], "n": null}}`,
		`{"a": {"x": 9007199254740993}}`,
		`{"a": {"x": 1}, "a": {"y": 2}}`,
		"{\"1\": {\"name\": \"L\xea\"}}",
	} {
		f.Add("t.csv", []byte(seed))
		f.Add("t.json", []byte(seed))
	}
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		d, err := Parse(name, src)
		if err != nil {
			errorInside(t, src, err)
			return
		}
		if !utf8.Valid(src) {
			t.Fatalf("%q is not UTF-8, yet read", src)
		}
		switch name {
		case "t.json":
			var want map[string]map[string]any
			if json.Unmarshal(withoutBOM(src), &want) != nil || !cmp.Equal(d.Rows, want) {
				t.Fatalf("read %v, encoding/json reads %v", d.Rows, want)
			}
			again, err := Parse(name, mustJSON(t, d.Rows))
			if err != nil || !cmp.Equal(again, d) {
				t.Fatalf("written back and read again: %v (%v), want %v", again, err, d)
			}
		case "t.csv":
			again, err := Parse(name, csvOf(t, d))
			if err != nil || !cmp.Equal(again, d) {
				t.Fatalf("written back and read again: %v (%v), want %v", again, err, d)
			}
		}
	})
}

// errorInside fails t unless err is at a place of src, or at none.
func errorInside(t *testing.T, src []byte, err *Error) {
	if err.Line == 0 {
		return
	}
	lines := bytes.Split(src, []byte("\n"))
	if err.Line < 0 || err.Line > len(lines) || err.Col < 1 || err.Col > len(lines[err.Line-1])+1 {
		t.Fatalf("%q: error at %d:%d (%s), outside the file", src, err.Line, err.Col, err.Msg)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// csvOf writes d as a CSV table: its header, then its rows by key.
func csvOf(t *testing.T, d *Data) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(d.Columns)
	for _, key := range slices.Sorted(maps.Keys(d.Rows)) {
		rec := make([]string, len(d.Columns))
		for j, c := range d.Columns {
			rec[j] = d.Rows[key][c].(string)
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
