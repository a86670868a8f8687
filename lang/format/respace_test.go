package format_test

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/format"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/parser"
)

// TestRespaced rewrites the golden inputs and shipped flows with random
// layout — spaces, `;` for newlines, blank lines, comments at line ends and
// on lines of their own, line breaks inside brackets — and checks that each
// variant that parses formats without error (Source compares the trees)
// and that its formatting is stable.
func TestRespaced(t *testing.T) {
	var seeds []string
	for _, pattern := range []string{"testdata/*.input", "../../flows/*.flow"} {
		m, _ := filepath.Glob(pattern)
		seeds = append(seeds, m...)
	}
	variants := 40
	if testing.Short() {
		variants = 5
	}
	r := rand.New(rand.NewSource(1))
	for _, p := range seeds {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		toks, err := lexer.Tokens(p, src)
		if err != nil {
			t.Fatal(err)
		}
		for range variants {
			in := respace(r, toks)
			if f, ds := parser.ParseFile("f.flow", in); f == nil || ds.HasErrors() {
				continue
			}
			out, err := format.Source("f.flow", in)
			if err != nil {
				t.Fatalf("%v\ninput:\n%s", err, in)
			}
			again, err := format.Source("f.flow", out)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("not idempotent (%v)\ninput:\n%s\nfirst:\n%s\nsecond:\n%s", err, in, out, again)
			}
		}
	}
}

func respace(r *rand.Rand, toks []plexer.Token) []byte {
	var b strings.Builder
	for _, tk := range toks {
		switch tk.Type {
		case lexer.EOF:
			continue
		case lexer.Newline:
			switch r.Intn(8) {
			case 0:
				b.WriteString("   # end " + string(rune('a'+r.Intn(26))) + "\n")
			case 1:
				b.WriteString("\n\n\n")
			case 2:
				b.WriteString("\n# own line\n")
			case 3:
				if r.Intn(3) == 0 {
					b.WriteString(" ; ")
				} else {
					b.WriteString("\n")
				}
			default:
				b.WriteString("\n")
			}
			continue
		}
		b.WriteString(tk.Value)
		switch r.Intn(6) {
		case 0:
			if tk.Type != lexer.Punct {
				b.WriteString(" ")
			}
		case 1:
			b.WriteString("  \t ")
		case 2:
			if r.Intn(3) == 0 && strings.Contains("{[(,", tk.Value) {
				if r.Intn(2) == 0 {
					b.WriteString(" # inside\n")
				} else {
					b.WriteString("\n      ")
				}
			} else {
				b.WriteString(" ")
			}
		default:
			b.WriteString(" ")
		}
	}
	return []byte(b.String())
}
