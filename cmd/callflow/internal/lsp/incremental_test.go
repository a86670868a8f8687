package lsp

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
)

// incrementalEdits change support.flow as an author does, each applied to
// the version before.
var incrementalEdits = []struct{ name, old, new string }{
	{"insert a step", "handler order {\n", "handler order {\n  say \"Hi.\"\n"},
	{"delete a line", "voice \"en-US-ZiraRUS\"\n", ""},
	{"break a declaration", `const desk  = "+6587650000"`, `const desk  = "+6587650000`},
	{"fix it", `const desk  = "+6587650000`, `const desk  = "+6587650000"`},
	{"rename a const used elsewhere", "const line  =", "const phone ="},
	{"rename it back", "const phone =", "const line  ="},
	{"change a const's type", `const sales = "+6587654321"`, `const sales = 6587654321`},
	{"change it back", `const sales = 6587654321`, `const sales = "+6587654321"`},
	{"type a variable otherwise", "  say \"Hi.\"\n", "  set order_no = 5\n  say \"Hi.\"\n"},
	{"leave a block open", "    tries         2\n  }\n", "    tries         2\n"},
	{"close it", "    tries         2\n", "    tries         2\n  }\n"},
	{"move a handler right", "handler closed {", "  handler closed {"},
	{"break the header", "flow support\n", "flow\n"},
	{"fix the header", "flow\n", "flow support\n"},
	{"two handlers alike", "handler closed {", "handler a {\n  hangup\n}\nhandler a {\n  hangup\n}\n  handler closed {"},
	// Flow-wide facts that the checks of handlers whose text did not
	// change depend on.
	{"rename a handler a goto names", "handler support_desk {", "handler desk_line {"},
	{"name it again", "handler desk_line {", "handler support_desk {"},
	{"goto from one handler", "  makeCall desk from line record\n", "  goto closed\n"},
	{"close a goto cycle", "repeat 2\n  hangup\n", "repeat 2\n  goto support_desk\n"},
	{"a capture on the cycle", "handler closed {\n", "handler closed {\n  capture again { digits 1 }\n"},
	{"no capture on it", "  capture again { digits 1 }\n", ""},
	{"break the cycle", "repeat 2\n  goto support_desk\n", "repeat 2\n  hangup\n"},
	{"change the target", "target 8x8", "target vonage"},
	{"two targets", "target vonage", "target vonage, twilio"},
	{"target it back", "target vonage, twilio", "target 8x8"},
	{"add a const", "hours office", "const extra = 2\nhours office"},
	{"a const named as a variable", "const extra = 2", "const choice = \"1\""},
	{"remove it", "const choice = \"1\"\n", ""},
	{"change a const's value", `const sales = "+6587654321"`, `const sales = "+6587654322"`},
	{"a const that fails", `const desk  = "+6587650000"`, `const desk  = int("x")`},
	{"it holds again", `const desk  = int("x")`, `const desk  = "+6587650000"`},
}

// TestIncrementalAnalysisIsFresh edits a shipped flow version by version
// and checks that the server's analysis, which reuses its cache of the
// version before, gives exactly what an analysis from nothing gives: the
// diagnostics, the tree with every position, the outline and every name's
// occurrences, and what the checker learned.
func TestIncrementalAnalysisIsFresh(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "flows"))
	if err != nil {
		t.Fatal(err)
	}
	u := uri.File(filepath.Join(dir, "support.flow"))
	src := shipped(t, "support.flow")
	inc, fresh := quietServer(), quietServer()
	defer inc.stop()
	defer fresh.stop()
	sameAnalysis(t, "the shipped flow", inc, fresh, u, 0, src)
	for i, e := range incrementalEdits {
		if !strings.Contains(src, e.old) {
			t.Fatalf("%s: %q is not in the flow", e.name, e.old)
		}
		src = strings.Replace(src, e.old, e.new, 1)
		sameAnalysis(t, e.name, inc, fresh, u, int32(i+1), src)
	}
}

// FuzzIncrementalAnalysis checks, for a flow and any edit of it, that the
// analysis of the edited flow with the cache the flow's analysis filled is
// exactly the analysis without one.
func FuzzIncrementalAnalysis(f *testing.F) {
	flows, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "flows", "*.flow"))
	for i, p := range flows {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), uint16(i*97), uint8(i%5), []string{"\n", "x", "}", "\"", "1"}[i%5])
	}
	f.Add("flow f\nconst a = \"x\"\nhandler h {\n  say a\n  hangup\n}\n", uint16(20), uint8(3), "1")
	u := uri.File(filepath.Join(f.TempDir(), "f.flow"))
	f.Fuzz(func(t *testing.T, src string, at uint16, cut uint8, insert string) {
		if len(src) > 1<<14 || len(insert) > 64 {
			return // an edit is a keystroke or a paste
		}
		inc, fresh := quietServer(), quietServer()
		defer inc.stop()
		defer fresh.stop()
		inc.analysis(putDocument(inc, u, 0, src))
		pos := int(at) % (len(src) + 1)
		end := min(len(src), pos+int(cut))
		sameAnalysis(t, "the edit", inc, fresh, u, 1, src[:pos]+insert+src[end:])
	})
}

func quietServer() *server {
	return newServer(&config{log: slog.New(slog.DiscardHandler), debounce: time.Hour, now: time.Now}, nil, func() {})
}

func putDocument(s *server, u uri.URI, version int32, text string) *document {
	d := newDocument(u, version, []byte(text))
	s.docs.put(d)
	return d
}

// sameAnalysis analyses text as version of u on inc, which keeps its
// cache, and on fresh, whose cache is dropped first, and compares them.
func sameAnalysis(t *testing.T, name string, inc, fresh *server, u uri.URI, version int32, text string) {
	t.Helper()
	got := viewOf(inc, inc.analysis(putDocument(inc, u, version, text)))
	fresh.docs.remove(u)
	want := viewOf(fresh, fresh.analysis(putDocument(fresh, u, version, text)))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: the incremental analysis differs from a fresh one (-fresh +incremental):\n%s", name, cmp.Diff(want, got, cmp.Exporter(func(reflect.Type) bool { return true })))
	}
}

// analysisView is what a user sees of an analysis.
type analysisView struct {
	Diags   diag.Diagnostics
	Tree    *ast.File
	Symbols []protocol.DocumentSymbol
	Names   []occurrence
	Exprs   []string // each compiled expression: its span, type and names
	Values  []string // each value known when the flow compiles
	Vars    []string
}

func viewOf(s *server, a *analysis) analysisView {
	v := analysisView{Diags: a.diags, Tree: a.tree}
	if a.tree != nil {
		for _, d := range a.tree.Decls {
			if sym, ok := s.symbol(a.file, d); ok {
				v.Symbols = append(v.Symbols, sym)
			}
		}
		v.Names = a.namesOf().occs
	}
	if info := a.info(); info != nil {
		for x, cx := range info.Exprs {
			v.Exprs = append(v.Exprs, x.At.String()+" "+x.Text+" "+typeString(cx.Type)+" "+strings.Join(cx.Refs, ","))
		}
		for x, val := range info.Values {
			v.Values = append(v.Values, x.At.String()+" "+reflect.TypeOf(val).String()+scalar(val))
		}
		v.Vars = info.Vars
	}
	sort.Strings(v.Exprs)
	sort.Strings(v.Values)
	return v
}

// scalar is val written out when it is a string, number or bool (the
// values the checker's cache keeps); else "".
func scalar(val any) string {
	switch val.(type) {
	case string, bool, int, int64, float64:
		return fmt.Sprintf(" = %#v", val)
	}
	return ""
}

func typeString(t reflect.Type) string {
	if t == nil {
		return "?"
	}
	return t.String()
}
