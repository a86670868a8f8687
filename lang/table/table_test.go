package table

import "testing"

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
	}{
		{"a.csv", "", 0, 0},
		{"a.csv", "k,name\n1,a\n1,b\n", 3, 1},
		{"a.csv", "k,,x\n", 1, 2},
		{"a.csv", "k,name\n1,a,extra\n", 2, 1},
		{"a.json", "{\"a\": {\"x\": 1},\n \"b\": 2}", 2, 8},
		{"a.json", "{\"a\": {\"x\": 1}", 1, 15},
		{"a.json", "null", 0, 0},
		{"a.txt", "", 0, 0},
	} {
		_, err := Parse(tc.name, []byte(tc.src))
		if err == nil {
			t.Errorf("%s %q: no error", tc.name, tc.src)
			continue
		}
		if err.Line != tc.line || (tc.col != 0 && err.Col != tc.col) {
			t.Errorf("%s %q: at %d:%d (%s), want %d:%d", tc.name, tc.src, err.Line, err.Col, err.Msg, tc.line, tc.col)
		}
	}
}
