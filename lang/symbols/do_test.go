package symbols_test

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/symbols"
)

// A do names a handler as a goto does: renaming or finding the uses of a
// subroutine finds every do of it.
func TestDoUsesItsHandler(t *testing.T) {
	src := "flow f\notherwise -> main\nhandler main {\n  do verify\n  goto verify\n}\nhandler verify {\n  return\n}\n"
	f, ds := parser.ParseFile("f.flow", []byte(src))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	tab := symbols.Resolve(f)
	d, uses := tab.At(strings.Index(src, "do verify") + len("do v"))
	if d == nil || d.Name != "verify" || len(uses) != 2 {
		t.Fatalf("at the do: definition %v with %d uses, want handler verify with the do and the goto", d, len(uses))
	}
}
