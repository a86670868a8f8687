package table

import (
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	d, err := Parse("vips.csv", []byte("\xef\xbb\xbfnumber,name\n+8613066668888,Xiao Ming\n\"+8613100000000\", \"Lê Văn A\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Rows["+8613100000000"]["name"]; got != "Lê Văn A" {
		t.Errorf("name = %q", got)
	}
	if len(d.Rows) != 2 || len(d.Columns) != 2 {
		t.Errorf("rows %d columns %v", len(d.Rows), d.Columns)
	}
}

// A table of keys alone is a set: `caller in blocked`.
func TestParseCSVOneColumn(t *testing.T) {
	d, err := Parse("blocked.csv", []byte("number\n+6591234567\n+6598765432\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rows) != 2 || d.Rows["+6598765432"]["number"] != "+6598765432" {
		t.Errorf("rows %v", d.Rows)
	}
}

func TestParseJSON(t *testing.T) {
	d, err := Parse("vips.json", []byte(`{"+6591234567": {"name": "Ann", "tier": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Rows["+6591234567"]["tier"]; got != 2.0 {
		t.Errorf("tier = %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"a.csv", "", 0, 0, "the file is empty"},
		{"a.csv", "k,name\n1,a\n1,b\n", 3, 1, `key "1" appears twice`},
		{"a.csv", "k,,x\n", 1, 3, "column 2 has no name"},
		{"a.csv", "k,name\n1,a,extra\n", 2, 1, "wrong number of fields"},
		{"a.json", "{\"a\": {\"x\": 1},\n \"b\": 2}", 2, 7, `row "b" is not an object: a JSON table is an object whose values are objects`},
		{"a.json", "[{\"x\": 1}]", 1, 1, "a JSON table is an object whose values are objects"},
		{"a.json", "{\"a\": {\"x\": 1}", 1, 15, "unexpected end"},
		{"a.json", "null", 1, 1, "a JSON table is an object whose values are objects"},
		{"a.json", "{\"a\": {}} 5", 1, 12, "after top-level value"},
		{"a.txt", "", 0, 0, "neither .csv nor .json"},
		// What encoding/json reads without a word, but a table would lose.
		{"a.json", "{\"+6591234567\": {\"name\": \"Ann\"},\n \"+6591234567\": {\"name\": \"Bo\"}}", 2, 2, `key "+6591234567" appears twice`},
		{"a.json", "{\"+6591234567\": {\"name\": \"Ann\", \"name\": \"Bo\"}}", 1, 33, `column "name" appears twice in row "+6591234567"`},
		{"a.json", "{\"a\": {\"x\": {\"y\": 1, \"y\": 2}}}", 1, 22, `name "y" appears twice in one object`},
		{"a.json", "{\"a\": {\"account\": 9007199254740993}}", 1, 19, "the number 9007199254740993 would be kept as 9007199254740992"},
		{"a.json", "{\"a\": {\"x\": 1e400}}", 1, 13, "the number 1e400 is beyond what a number holds"},
		// Not UTF-8: a spreadsheet saved as Windows-1252, "Lê" with ê as 0xEA.
		{"a.csv", "k,name\n1,L\xea\n", 2, 4, "byte 0xEA is not UTF-8"},
		{"a.json", "{\"1\": {\"name\": \"L\xea\"}}", 1, 18, "byte 0xEA is not UTF-8"},
		// A byte order mark leaves the columns of line 1 those of the file.
		{"a.csv", "\xef\xbb\xbfk,,x\n", 1, 6, "column 2 has no name"},
		{"a.json", "\xef\xbb\xbf{\"a\": 1}", 1, 10, `row "a" is not an object`},
		// Saved by a spreadsheet whose locale separates with semicolons.
		{"a.csv", "number;name\n+6591234567;Ann\n", 1, 1, "looks separated by semicolons or tabs"},
		{"a.csv", "number\tname\n", 1, 1, "looks separated by semicolons or tabs"},
		// Phone numbers a spreadsheet rounded when it saved them.
		{"a.csv", "number,name\n+6591234567,Ann\n6.59123E+09,Bo\n", 3, 1, `key "6.59123E+09" is a number in scientific notation`},
		{"a.csv", "number,name\n8.61307E+12,Li\n", 2, 1, "its digits are lost"},
		{"a.json", "{\"+6591234567\": {},\n \"6.59123E+09\": {}}", 2, 2, `key "6.59123E+09" is a number in scientific notation`},
		// Positions are the field's, past blank lines and quoted line breaks.
		{"a.csv", "k,name,phone,name\n", 1, 14, `column "name" appears twice`},
		{"a.csv", "k,name\n\n1,\"a\nb\"\n\n 1,c\n", 6, 2, `key "1" appears twice`},
	} {
		_, err := Parse(tc.name, []byte(tc.src))
		if err == nil {
			t.Errorf("%s %q: no error", tc.name, tc.src)
			continue
		}
		if err.Line != tc.line || (tc.col != 0 && err.Col != tc.col) || !strings.Contains(err.Msg, tc.msg) {
			t.Errorf("%s %q: at %d:%d (%s), want %d:%d (%s)", tc.name, tc.src, err.Line, err.Col, err.Msg, tc.line, tc.col, tc.msg)
		}
	}
}

// TestParseJSONKeepsWhatItReads: a byte order mark is ignored, as in CSV,
// and integers up to 2^53 and fractions read as encoding/json reads them.
func TestParseJSONKeepsWhatItReads(t *testing.T) {
	d, err := Parse("a.json", []byte("\xef\xbb\xbf{\"1\": {\"big\": 9007199254740992, \"neg\": -0, \"f\": 0.1, \"e\": 1e300, \"list\": [{\"x\": 1}, {\"x\": 2}]}}"))
	if err != nil {
		t.Fatal(err)
	}
	row := d.Rows["1"]
	if row["big"] != 9007199254740992.0 || row["f"] != 0.1 || row["e"] != 1e300 || len(row["list"].([]any)) != 2 {
		t.Errorf("row = %v", row)
	}
}
