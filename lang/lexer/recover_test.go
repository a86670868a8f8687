package lexer_test

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/lexer"
)

// TestTokensAll: a line that does not lex loses its tokens and lexing goes
// on at the next line, with positions still those of the file; every error
// is returned in order; the tokens end with EOF.
func TestTokensAll(t *testing.T) {
	src := "say 1\nsay \"open\nset § = 2\nhangup\n`raw never closed\nend"
	toks, errs := lexer.TokensAll("t.flow", []byte(src))
	var got []string
	for _, tk := range toks {
		got = append(got, tok(tk))
	}
	want := "Ident:say Int:1 Newline:\n Newline:\n Newline:\n Ident:hangup Newline:\n EOF:"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("tokens %q\nwant   %q", g, want)
	}
	if h := toks[5]; h.Pos.Line != 4 || h.Pos.Column != 1 || h.Pos.Offset != strings.Index(src, "hangup") {
		t.Errorf("hangup at %v", h.Pos)
	}
	var msgs []string
	for _, err := range errs {
		msgs = append(msgs, err.Error())
	}
	if len(errs) != 3 || !strings.HasPrefix(msgs[0], "t.flow:2:") || !strings.HasPrefix(msgs[1], "t.flow:3:5:") || !strings.HasPrefix(msgs[2], "t.flow:5:") {
		t.Errorf("errors %q", msgs)
	}
	if toks, errs := lexer.TokensAll("t.flow", []byte("flow x\n")); len(errs) > 0 || len(toks) != 4 {
		t.Errorf("a clean file: %d tokens, errors %v", len(toks), errs)
	}
}
