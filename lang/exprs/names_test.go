package exprs

import (
	"strconv"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/source"
)

// TestNames: the names an expression reads, each at its exact place,
// without field names, function names, let names or the glue the
// translation adds (open's now); an expression that does not type-check
// still shows its names.
func TestNames(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`caller in vips && open(office)`, "caller@0 vips@10 office@23"},
		{`"Chào ${customer.name}, ${len(order_no)}"`, "customer@9 order_no@31"},
		{`let x = sales; x + y`, "sales@8 y@19"},
		{`data.from + 1`, "data@0"}, // a type error, names still there
		{`"no ${names} ${"in ${nested}"}" + z`, "names@6 nested@21 z@34"},
		{`(((`, ""},
	} {
		f := source.NewFile("t.flow", []byte("say "+tc.src))
		x := &ast.Expr{Base: ast.Base{At: f.Span(4, 4+len(tc.src))}, Text: tc.src}
		var got []string
		for _, n := range Names(x) {
			got = append(got, n.Name+"@"+strconv.Itoa(n.At.Start.Offset-4))
			if !strings.HasPrefix(string(f.Src[n.At.Start.Offset:]), n.Name) || n.At.End.Offset-n.At.Start.Offset != len(n.Name) {
				t.Errorf("%s: the span of %s holds %q", tc.src, n.Name, f.Src[n.At.Start.Offset:n.At.End.Offset])
			}
			if n.At.Start != f.Pos(n.At.Start.Offset) || n.At.End != f.Pos(n.At.End.Offset) {
				t.Errorf("%s: %s at %v, the file says %v", tc.src, n.Name, n.At.Start, f.Pos(n.At.Start.Offset))
			}
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("Names(%s) = %q, want %q", tc.src, s, tc.want)
		}
	}
}
