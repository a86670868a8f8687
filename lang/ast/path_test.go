package ast_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/source"
)

// kinds renders a path as its node types, "File Handler Block …".
func kinds(path []ast.Node) string {
	var b strings.Builder
	for i, n := range path {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(typeName(n))
	}
	return b.String()
}

func typeName(n ast.Node) string { return reflect.TypeOf(n).Elem().Name() }

func TestPathTo(t *testing.T) {
	f := walkFiles(t)["testdata/every.flow"]
	src, err := os.ReadFile("testdata/every.flow")
	if err != nil {
		t.Fatal(err)
	}
	// at finds the n-th occurrence of a marker in the source; the offset
	// is where its "|" stands.
	at := func(marker string) int {
		before, after, ok := strings.Cut(marker, "|")
		i := bytes.Index(src, []byte(before+after))
		if !ok || i < 0 {
			t.Fatalf("marker %q not in the file", marker)
		}
		return i + len(before)
	}
	for _, tc := range []struct{ marker, want, last string }{
		{"open(of|fice)", "File Handler Block If Branch Expr", "open(office)"},
		{"capture ch|oice {", "File Handler Block Capture Ident", "choice"},
		{"capture choice|", "File Handler Block Capture Ident", "choice"}, // a cursor just after the name
		{"digits 1..|4", "File Handler Block Capture Option Range", "1..4"},
		{"retry 2 every 1|0m", "File Handler Block Campaign Option Duration", "10m"},
		{"email \"a@|", "File Handler Block Campaign Option Option Expr", `"a@example.com"`},
		{"leg B to \"+2\" from cal|ler", "File Handler Block Callback Leg Expr", "caller"},
		{"else { goto menu }\n  |}", "File Handler Block Switch", "switch"},
		{"when caller in vips -> me|nu", "File Rule Ident", "menu"},
		{"expect var ti|er", "File Test Expect Ident", "tier"},
		{"# Every kind| of node", "File Comment", "# Every kind of node the syntax has, for the walker's tests. It need not"},
		{"flow ev|ery", "File Ident", "every"},
	} {
		path := ast.PathTo(f, at(tc.marker))
		if got := kinds(path); got != tc.want {
			t.Errorf("%q: path %s, want %s", tc.marker, got, tc.want)
			continue
		}
		last := path[len(path)-1].Span()
		if got := string(src[last.Start.Offset:last.End.Offset]); got != tc.last {
			t.Errorf("%q: innermost node is %q, want %q", tc.marker, got, tc.last)
		}
	}
	for _, off := range []int{-1, len(src) + 1} {
		if p := ast.PathTo(f, off); p != nil {
			t.Errorf("offset %d outside the file: path %s, want nil", off, kinds(p))
		}
	}
}

// TestPathToEveryLeaf: in every test file, the path to the first byte of
// each leaf ends at that leaf, and each node's extent holds the next one's.
func TestPathToEveryLeaf(t *testing.T) {
	for name, f := range walkFiles(t) {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.Ident, *ast.Expr, *ast.Duration, *ast.Range:
			default:
				return true
			}
			path := ast.PathTo(f, n.Span().Start.Offset)
			if path[len(path)-1] != n {
				t.Errorf("%s: path to %T at %s is %s", name, n, n.Span(), kinds(path))
			}
			for i := 1; i < len(path); i++ {
				outer, inner := ast.Extent(path[i-1]), ast.Extent(path[i])
				if inner.Start.Offset < outer.Start.Offset || inner.End.Offset > outer.End.Offset {
					t.Errorf("%s: %s does not hold %s", name, outer, inner)
				}
			}
			return true
		})
	}
}

func TestExtent(t *testing.T) {
	f := walkFiles(t)["testdata/every.flow"]
	src, _ := os.ReadFile("testdata/every.flow")
	for _, d := range f.Decls {
		h, ok := d.(*ast.Handler)
		if !ok {
			continue
		}
		e := ast.Extent(h)
		text := string(src[e.Start.Offset:e.End.Offset])
		if !strings.HasPrefix(text, "handler menu {") || !strings.HasSuffix(text, "}\n}") {
			t.Errorf("extent of the handler is %q…%q", text[:20], text[len(text)-5:])
		}
	}
}

// TestExtentHoldsClosingBraces: every node that records its closing brace
// (switch, capture, post, a block-form lookup, …) extends to it.
func TestExtentHoldsClosingBraces(t *testing.T) {
	n := 0
	for name, f := range walkFiles(t) {
		ast.Inspect(f, func(node ast.Node) bool {
			if node == nil {
				return false
			}
			c := reflect.ValueOf(node).Elem().FieldByName("Close")
			if !c.IsValid() {
				return true
			}
			if s := c.Interface().(source.Span); s.IsValid() {
				n++
				if e := ast.Extent(node); e.End.Offset < s.End.Offset {
					t.Errorf("%s: %T at %s ends at %d, before its closing brace at %d", name, node, node.Span(), e.End.Offset, s.Start.Offset)
				}
			}
			return true
		})
	}
	if n < 5 {
		t.Errorf("only %d nodes with a closing brace", n)
	}
}
