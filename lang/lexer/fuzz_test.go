package lexer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// FuzzLexer checks, for any input: the lexer never panics; token offsets
// strictly increase; the token values with the skipped whitespace between
// them reproduce the source (up to an error, if there is one); and every
// token's line and column agree with its byte offset.
func FuzzLexer(f *testing.F) {
	seeds, _ := filepath.Glob("../../flows/*.flow")
	for _, p := range seeds {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	for _, s := range []string{
		"", "\n", "flow x", "1500ms 10s 5m 2h 4..10 8x8 0.9 1e3",
		`"a\"b ${data["x"]} ${ {"a": "}"} }"`, "`raw\nstring` x", "# comment\n#",
		`"unterminated`, `"${`, `"${"${"${x}"}"}"`, "§", "a\x01", "\xff\xfe", "x\r\ny\r",
		"4...5 4.. ..4 8x8x8 1.e5 1e+", `"\u00e9\U0001F600\x41"`, `"\u12"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		toks, err := lexer.Tokens("f.flow", src)
		file := source.NewFile("f.flow", src)
		var rebuilt strings.Builder
		end := 0 // just after the previous token
		for i, tk := range toks {
			off := tk.Pos.Offset
			if off < end || (i > 0 && off <= toks[i-1].Pos.Offset) {
				t.Fatalf("token %d %q at offset %d, not after the previous one (which ends at %d)", i, tk.Value, off, end)
			}
			if off > len(src) {
				t.Fatalf("token %d at offset %d, past the end (%d)", i, off, len(src))
			}
			gap := string(src[end:off])
			if strings.Trim(gap, " \t\r") != "" {
				t.Fatalf("bytes %q between tokens %d and %d were dropped", gap, i-1, i)
			}
			if p := file.Pos(off); p.Line != tk.Pos.Line || p.Col != tk.Pos.Column {
				t.Fatalf("token %d %q at %d:%d, but its offset %d is at %d:%d", i, tk.Value, tk.Pos.Line, tk.Pos.Column, off, p.Line, p.Col)
			}
			rebuilt.WriteString(gap)
			if tk.Type == lexer.EOF {
				if i != len(toks)-1 || off != len(src) || tk.Value != "" {
					t.Fatalf("EOF token %d of %d at %d, file of %d bytes", i, len(toks), off, len(src))
				}
				break
			}
			if tk.Value == "" || string(src[off:off+len(tk.Value)]) != tk.Value {
				t.Fatalf("token %d value %q is not the source at offset %d", i, tk.Value, off)
			}
			if tk.Type == lexer.Newline && tk.Value != "\n" {
				t.Fatalf("newline token %q", tk.Value)
			}
			rebuilt.WriteString(tk.Value)
			end = off + len(tk.Value)
		}
		if err != nil {
			var pe *plexer.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a positioned *lexer.Error", err, err)
			}
			if pe.Pos.Offset < end || pe.Pos.Offset > len(src) || pe.Pos.Line < 1 || pe.Pos.Column < 1 {
				t.Fatalf("error at offset %d (%d:%d), outside [%d, %d]", pe.Pos.Offset, pe.Pos.Line, pe.Pos.Column, end, len(src))
			}
			if len(toks) > 0 && toks[len(toks)-1].Type == lexer.EOF {
				t.Fatalf("an error after EOF")
			}
			return
		}
		if len(toks) == 0 || toks[len(toks)-1].Type != lexer.EOF {
			t.Fatalf("no error and no EOF token")
		}
		if rebuilt.String() != string(src) {
			t.Fatalf("tokens rebuild %q, not the source %q", rebuilt.String(), src)
		}
	})
}
