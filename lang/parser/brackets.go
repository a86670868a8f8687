package parser

import (
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// declWords start a top-level declaration and nothing inside a block: at
// the start of a line they end any block still open, so a missing "}"
// costs one handler, not the rest of the file. (voice and speed are also
// options and modifiers, so they are not among them.)
var declWords = map[string]bool{
	"flow": true, "target": true, "number": true, "const": true, "table": true, "lookup": true,
	"hours": true, "when": true, "otherwise": true, "handler": true, "test": true,
}

var pair = map[string]string{"(": ")", "[": "]", "{": "}", ")": "(", "]": "[", "}": "{"}

// opens and closes tell brackets, the ones balance added included.
func opens(t plexer.Token) bool {
	return t.Type == lexer.Punct && (t.Value == "(" || t.Value == "[" || t.Value == "{")
}

func closes(t plexer.Token) bool {
	return (t.Type == lexer.Punct || t.Type == lexer.Mended) && (t.Value == ")" || t.Value == "]" || t.Value == "}")
}

// balance returns toks with every bracket paired, and what it mended: a
// closer with no opener is dropped; openers still open at a closer of an
// outer one, at a declaration word starting a line, or at the end of the
// file are closed there. The parser then sees well-formed blocks, and the
// statements around a stray bracket still parse. Well-paired input comes
// back unchanged.
func balance(f *source.File, toks []plexer.Token) ([]plexer.Token, diag.Diagnostics) {
	if paired(toks) {
		return toks, nil
	}
	b := balancer{f: f, out: make([]plexer.Token, 0, len(toks)+8)}
	for i, t := range toks {
		switch {
		case t.EOF() || t.Type == lexer.Ident && declWords[t.Value] && startsLine(toks, i):
			b.closeTo(0, true)
		case opens(t):
			b.open = append(b.open, t)
		case closes(t):
			if !b.closeWith(&t) {
				continue
			}
		}
		b.out = append(b.out, t)
	}
	return b.out, b.diags
}

type balancer struct {
	f     *source.File
	out   []plexer.Token
	open  []plexer.Token
	diags diag.Diagnostics
}

// closeWith pops the opener t closes, closing any opened after it first.
// A closer no opener wants closes the innermost instead when that opened
// on its line (`[1, 2)`), and is dropped otherwise (closeWith reports
// false).
func (b *balancer) closeWith(t *plexer.Token) bool {
	k := len(b.open) - 1
	for k >= 0 && pair[b.open[k].Value] != t.Value {
		k--
	}
	if k < 0 && (len(b.open) == 0 || b.open[len(b.open)-1].Pos.Line != t.Pos.Line) {
		// No opener wants it, and the innermost is not on its line to be
		// what it mistypes the closer of: a stray one.
		b.diags = append(b.diags, diag.Errorf(diag.Syntax, span(b.f, *t), "%q has no matching %q", t.Value, pair[t.Value]).
			Do("Remove it, or add the opening %q.", pair[t.Value]))
		return false
	}
	if k == len(b.open)-1 {
		b.open = b.open[:k]
		return true
	}
	o := b.open[len(b.open)-1]
	b.diags = append(b.diags, diag.Errorf(diag.Syntax, span(b.f, *t), "%q does not close %q", t.Value, o.Value).
		Do("Close %q from line %d with %q first.", o.Value, o.Pos.Line, pair[o.Value]).
		Also(span(b.f, o), "%q opened here", o.Value))
	if k < 0 {
		// No opener wants it: read it as the closer of the innermost.
		t.Type, t.Value = lexer.Mended, pair[o.Value]
		k = len(b.open) - 1
	}
	b.closeTo(k+1, false)
	b.open = b.open[:k]
	return true
}

// closeTo closes the openers above depth with closers added after the last
// token, reporting the innermost as never closed when report is set.
func (b *balancer) closeTo(depth int, report bool) {
	if len(b.open) <= depth {
		return
	}
	if report {
		o := b.open[len(b.open)-1]
		b.diags = append(b.diags, diag.Errorf(diag.Syntax, span(b.f, o), "%q is never closed", o.Value).
			Do("Add the matching %q.", pair[o.Value]))
	}
	at := 0
	for i := len(b.out) - 1; i >= 0; i-- {
		if t := b.out[i]; t.Type != lexer.Newline && t.Type != lexer.Comment {
			at = t.Pos.Offset + len(t.Value)
			break
		}
	}
	for len(b.open) > depth {
		o := b.open[len(b.open)-1]
		pos := o.Pos
		pos.Offset = min(at, len(b.f.Src)-1)
		b.out = append(b.out, plexer.Token{Type: lexer.Mended, Value: pair[o.Value], Pos: pos})
		b.open = b.open[:len(b.open)-1]
	}
}

// startsLine reports whether toks[i] is the first token of its line.
func startsLine(toks []plexer.Token, i int) bool {
	return i == 0 || toks[i-1].Type == lexer.Newline
}

// paired reports whether every bracket in toks is closed by its own kind
// before the end and before a declaration word starts a line: then balance
// has nothing to mend and need not copy the tokens.
func paired(toks []plexer.Token) bool {
	var open []byte
	for i, t := range toks {
		switch {
		case t.Type == lexer.Ident && declWords[t.Value] && startsLine(toks, i):
			if len(open) > 0 {
				return false
			}
		case opens(t):
			open = append(open, pair[t.Value][0])
		case closes(t):
			if len(open) == 0 || open[len(open)-1] != t.Value[0] {
				return false
			}
			open = open[:len(open)-1]
		}
	}
	return len(open) == 0
}
