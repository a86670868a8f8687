package parser_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// edit replaces the first occurrence of old in a document by new.
type edit struct{ name, old, new string }

// cacheEdits change appointments.flow as an author does: each keeps most
// statements' text, moves them or not, and some break the file.
var cacheEdits = []edit{
	{"comment digit", "# 8x8 appointment", "# 9x8 appointment"},
	{"insert a character mid-file", "handler appointment {", "handler appointments {"},
	{"insert a line at the top", "flow appointments\n", "flow appointments\n\nconst extra = 1\n"},
	{"delete a line", "const extra = 1\n", ""},
	{"break a declaration", "  else    {ok: false", "  else    {ok: false,,"},
	{"fix it", "  else    {ok: false,,", "  else    {ok: false"},
	{"unclose a block", "    case \"2\" { goto call_back }", "    case \"2\" { goto call_back "},
	{"close it", "    case \"2\" { goto call_back ", "    case \"2\" { goto call_back }"},
	{"rename a const", "const line = ", "const phone_line = "},
	{"wider characters above", "# to be called back", "# to be called back — über"},
	{"two statements on a line", "target 8x8\n", "target 8x8; const twice = 2\n"},
	{"move a statement right", "hours office", "  hours office"},
	{"a line that does not lex", "when not open(office)", "when not open(office) \"unterminated\n"},
	{"copy a handler", "handler call_back {", "handler dup {\n  hangup\n}\nhandler dup {\n  hangup\n}\nhandler call_back {"},
	{"lose the header", "flow appointments\n", "flo appointments\n"},
	{"get it back", "flo appointments\n", "flow appointments\n"},
}

// TestCacheGivesTheFreshParse parses a sequence of edits with one cache and
// checks that each version's tree and diagnostics are exactly those of a
// parse without one; that statements the edit did not touch are taken
// from the cache (the same nodes when they did not move); and that a moved
// lookup still holds its else once, in its field and among its options.
func TestCacheGivesTheFreshParse(t *testing.T) {
	src := seed(t, "appointments.flow")
	c := parser.NewCache()
	prev, _ := parser.Parse(source.NewFile("a.flow", []byte(src)), parser.WithCache(c))
	if prev == nil || c.Len() == 0 {
		t.Fatalf("the first parse left %d statements in the cache", c.Len())
	}
	for _, e := range cacheEdits {
		if !strings.Contains(src, e.old) {
			t.Fatalf("%s: %q is not in the document", e.name, e.old)
		}
		src = strings.Replace(src, e.old, e.new, 1)
		got, gotDiags := parser.Parse(source.NewFile("a.flow", []byte(src)), parser.WithCache(c))
		want, wantDiags := parser.Parse(source.NewFile("a.flow", []byte(src)))
		if d := cmp.Diff(parsed{want, wantDiags}, parsed{got, gotDiags}); d != "" {
			t.Fatalf("%s: the cached parse differs from a fresh one (-fresh +cached):\n%s", e.name, d)
		}
		if got != nil && prev != nil {
			lookupsShareElse(t, e.name, got)
			if e.name == "comment digit" && !reflect.DeepEqual(prev.Decls, got.Decls) {
				t.Fatalf("%s: a comment changed the declarations", e.name)
			}
			if e.name == "comment digit" && got.Decls[0] != prev.Decls[0] {
				t.Errorf("%s: a statement that did not move was parsed again", e.name)
			}
			if e.name == "insert a line at the top" && lastHandler(got) == lastHandler(prev) {
				t.Errorf("%s: a moved statement was reused without moving it", e.name)
			}
		}
		if got != nil {
			prev = got
		}
	}
}

// TestCacheKeepsOneVersion checks the cache holds only the statements of the
// last parse: what an edit replaced is dropped.
func TestCacheKeepsOneVersion(t *testing.T) {
	c := parser.NewCache()
	src := "flow f\nconst a = 1\nconst b = 2\n"
	parser.Parse(source.NewFile("f.flow", []byte(src)), parser.WithCache(c))
	if c.Len() != 2 {
		t.Fatalf("cache holds %d statements, want 2", c.Len())
	}
	parser.Parse(source.NewFile("f.flow", []byte("flow f\nconst a = 3\n")), parser.WithCache(c))
	if c.Len() != 1 {
		t.Fatalf("after an edit the cache holds %d statements, want 1", c.Len())
	}
}

// parsed is what one parse gives, compared as a whole.
type parsed struct {
	File  *ast.File
	Diags diag.Diagnostics
}

func seed(t testing.TB, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz-seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lastHandler(f *ast.File) *ast.Handler {
	var h *ast.Handler
	for _, d := range f.Decls {
		if x, ok := d.(*ast.Handler); ok {
			h = x
		}
	}
	return h
}

// lookupsShareElse checks each lookup's Else is the node among its options,
// as the lowerer builds it: the checker keys what it learns by node.
func lookupsShareElse(t *testing.T, name string, f *ast.File) {
	t.Helper()
	for _, d := range f.Decls {
		l, ok := d.(*ast.Lookup)
		if !ok || l.Else == nil || l.Options == nil {
			continue
		}
		for _, o := range l.Options {
			if o.Name != nil && o.Name.Name == "else" && len(o.Args) > 0 && o.Args[0] != ast.Arg(l.Else) {
				t.Errorf("%s: lookup %s holds two copies of its else", name, l.Name.Name)
			}
		}
	}
}

// FuzzCache checks, for any document and any edit of it, that a parse with
// the cache the document's previous version filled gives exactly the tree
// and diagnostics of a parse without one.
func FuzzCache(f *testing.F) {
	seeds, err := filepath.Glob("testdata/fuzz-seeds/*.flow")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata/fuzz-seeds: %v", err)
	}
	for i, p := range seeds {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, uint16(i*37), uint8(i%3), "x\n")
	}
	f.Fuzz(func(t *testing.T, src []byte, at uint16, cut uint8, insert string) {
		if len(src) > 1<<14 || len(insert) > 64 {
			return // an edit is a keystroke or a paste; size is FuzzParse's
		}
		c := parser.NewCache()
		parser.Parse(source.NewFile("f.flow", src), parser.WithCache(c))
		pos := int(at) % (len(src) + 1)
		end := min(len(src), pos+int(cut))
		next := append(append(append([]byte{}, src[:pos]...), insert...), src[end:]...)
		got, gotDiags := parser.Parse(source.NewFile("f.flow", next), parser.WithCache(c))
		want, wantDiags := parser.Parse(source.NewFile("f.flow", next))
		if !reflect.DeepEqual(parsed{want, wantDiags}, parsed{got, gotDiags}) {
			t.Fatalf("the cached parse differs from a fresh one (-fresh +cached):\n%s", cmp.Diff(parsed{want, wantDiags}, parsed{got, gotDiags}))
		}
	})
}

// TestCacheParsesAtOnce parses several versions with one cache from
// several goroutines at once, as an editor's server may when a keystroke
// comes while the last version is still being checked: each must still be
// the fresh parse, though the cache reuses an old version's token room
// (which it may only when no other parse can be reading it).
func TestCacheParsesAtOnce(t *testing.T) {
	base := seed(t, "appointments.flow")
	versions := []string{base}
	src := base
	for _, e := range cacheEdits[:4] {
		src = strings.Replace(src, e.old, e.new, 1)
		versions = append(versions, src)
	}
	want := make([]parsed, len(versions))
	for i, v := range versions {
		f, d := parser.Parse(source.NewFile("a.flow", []byte(v)))
		want[i] = parsed{f, d}
	}
	c := parser.NewCache()
	errs := make(chan string, 4*len(versions)*8)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for round := range 8 {
				i := (g + round) % len(versions)
				f, d := parser.Parse(source.NewFile("a.flow", []byte(versions[i])), parser.WithCache(c))
				if diff := cmp.Diff(want[i], parsed{f, d}); diff != "" {
					errs <- fmt.Sprintf("version %d: the cached parse differs from a fresh one (-fresh +cached):\n%s", i, diff)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
