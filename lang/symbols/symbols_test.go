package symbols_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/lang/symbols"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func resolve(t *testing.T, path string) (*symbols.Table, []byte) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, ds := parser.ParseFile(path, src)
	if ds.HasErrors() {
		t.Fatalf("%s: %v", path, ds)
	}
	return symbols.Resolve(f), src
}

// render lists a table one name a line: where, kind, name, and for a use
// where its definition is.
func render(tab *symbols.Table) string {
	var b strings.Builder
	for _, d := range tab.Defs {
		fmt.Fprintf(&b, "def %d:%d-%d:%d %s %s\n", d.Span.Start.Line, d.Span.Start.Col, d.Span.End.Line, d.Span.End.Col, d.Kind, d.Name)
	}
	for _, u := range tab.Uses {
		def := "no definition"
		if u.Def != nil {
			def = fmt.Sprintf("defined at %d:%d", u.Def.Span.Start.Line, u.Def.Span.Start.Col)
		}
		verb := "use"
		if u.Assign {
			verb = "set"
		}
		fmt.Fprintf(&b, "%s %d:%d-%d:%d %s %s, %s\n", verb, u.Span.Start.Line, u.Span.Start.Col, u.Span.End.Line, u.Span.End.Col, u.Kind, u.Name, def)
	}
	return b.String()
}

func TestResolveGolden(t *testing.T) {
	tab, _ := resolve(t, "testdata/names.flow")
	got := render(tab)
	golden := "testdata/names.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("table differs from %s (run with -update to accept):\n%s", golden, got)
	}
}

// TestSpansAreTheNames: in every shipped flow and the test file, each
// definition's and use's span holds exactly its name, with the line and
// column the file gives that offset.
func TestSpansAreTheNames(t *testing.T) {
	paths, _ := filepath.Glob("../../flows/*.flow")
	uses := 0
	for _, p := range append(paths, "testdata/names.flow") {
		tab, src := resolve(t, p)
		sf := source.NewFile(p, src)
		check := func(name string, s source.Span) {
			if got := string(src[s.Start.Offset:s.End.Offset]); got != name {
				t.Errorf("%s: span %s holds %q, not %q", p, s, got, name)
			}
			if s.Start != sf.Pos(s.Start.Offset) || s.End != sf.Pos(s.End.Offset) {
				t.Errorf("%s: %q at %v-%v, the file says %v-%v", p, name, s.Start, s.End, sf.Pos(s.Start.Offset), sf.Pos(s.End.Offset))
			}
		}
		for _, d := range tab.Defs {
			check(d.Name, d.Span)
		}
		for _, u := range tab.Uses {
			check(u.Name, u.Span)
		}
		uses += len(tab.Uses)
	}
	if uses < 50 {
		t.Errorf("only %d uses in %d files", uses, len(paths)+1)
	}
}

func TestAt(t *testing.T) {
	tab, src := resolve(t, "testdata/names.flow")
	at := func(marker string) int {
		before, after, _ := strings.Cut(marker, "|")
		i := strings.Index(string(src), before+after)
		if i < 0 {
			t.Fatalf("marker %q not in the file", marker)
		}
		return i + len(before)
	}
	for _, tc := range []struct {
		marker string
		def    string // "kind name line:col", or "" for none
		uses   int
	}{
		{"${gree|ting}, ${customer", "const greeting 6:7", 1}, // in an interpolation; the table path and test name are text
		{"const gree|ting", "const greeting 6:7", 1},          // on the definition
		{"Nhập ${tier|}", "variable tier 17:7", 4},            // just after the name; capture and expect var too
		{"capture ti|er", "variable tier 17:7", 4},            // a second assignment
		{"goto me|nu", "handler menu 15:9", 2},                // rule and goto
		{"-> mn|eu", "", 1},                                   // an unknown handler
		{"from cal|ler", "", 3},                               // a built-in: every use of caller
		{"given custo|mer", "lookup customer 9:8", 3},         // a test's given
		{"data.fr|om", "", 0},                                 // a field is not a name
		{"say \"${greeting}, ${customer.name}! Đi|ểm", "", 0}, // text
	} {
		d, uses := tab.At(at(tc.marker))
		got := ""
		if d != nil {
			got = fmt.Sprintf("%s %s %d:%d", d.Kind, d.Name, d.Span.Start.Line, d.Span.Start.Col)
		}
		if got != tc.def || len(uses) != tc.uses {
			t.Errorf("%q: definition %q with %d uses, want %q with %d", tc.marker, got, len(uses), tc.def, tc.uses)
		}
	}
}

// TestResolvePartial: in a file with syntax errors, the names of skipped
// statements are definitions, as the checker takes them, and the rest
// resolves as usual.
func TestResolvePartial(t *testing.T) {
	src := "flow x\nconst greeting = \"Hi\nhandler main {\n  set tier == 1\n  say \"${greeting} ${tier}\"\n  goto main\n}\n"
	f, ds := parser.ParseFile("t.flow", []byte(src))
	if f == nil || len(ds) != 2 {
		t.Fatalf("want a partial file with two errors: %v", ds)
	}
	tab := symbols.Resolve(f)
	for _, name := range []string{"greeting", "tier", "main"} {
		i := strings.LastIndex(src, name)
		d, uses := tab.At(i)
		if d == nil || d.Name != name || len(uses) != 1 || uses[0].Span.Start.Offset != i {
			t.Errorf("%s: definition %v with uses %v", name, d, uses)
		}
	}
}
