package lsp

import (
	"errors"
	"unicode/utf8"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/lexer"
)

// word is one name written in an expression, with its byte range in the
// file, inside ${…} interpolations too.
type word struct {
	text       string
	start, end int
	field      bool // after a dot: a field of a table row, a lookup or a map
	call       bool // before "(": a function
}

// words lexes the expression text src[start:end] and calls fn for each
// name in it. Text that does not lex yields the names before the problem.
func words(src []byte, start, end int, fn func(word)) {
	wordsDepth(src, start, end, fn, 0)
}

func wordsDepth(src []byte, start, end int, fn func(word), depth int) {
	if start < 0 || end > len(src) || start >= end || depth > lexer.MaxInterpolationDepth {
		return
	}
	toks := tokensOf(src, start, end)
	for i, t := range toks {
		at := t.Pos.Offset
		switch t.Type {
		case lexer.Ident:
			if lexer.IsOperatorWord(t.Value) {
				continue
			}
			fn(word{
				text: t.Value, start: at, end: at + len(t.Value),
				field: i > 0 && isPunct(toks[i-1], ".", "?."),
				call:  i+1 < len(toks) && isPunct(toks[i+1], "("),
			})
		case lexer.String:
			parts, _ := lexer.StringParts(src[at : at+len(t.Value)])
			for _, p := range parts {
				if p.Interp {
					wordsDepth(src, at+p.Start, at+p.End, fn, depth+1)
				}
			}
		}
	}
}

// tokensOf lexes src[start:end], with offsets into src. Where the lexer
// stops on a character it does not know, the character is skipped and
// lexing goes on, so one stray byte does not hide the rest of the file.
func tokensOf(src []byte, start, end int) []plexer.Token {
	var out []plexer.Token
	for start < end {
		toks, err := lexer.Tokens("", src[start:end])
		for _, t := range toks {
			if t.Type != lexer.EOF {
				t.Pos.Offset += start
				out = append(out, t)
			}
		}
		var lerr *plexer.Error
		if !errors.As(err, &lerr) {
			return out
		}
		next := start + max(lerr.Pos.Offset, 0)
		_, size := utf8.DecodeRune(src[next:end])
		if next+size <= start {
			return out
		}
		start = next + max(size, 1)
	}
	return out
}

func isPunct(t plexer.Token, values ...string) bool {
	if t.Type != lexer.Punct {
		return false
	}
	for _, v := range values {
		if t.Value == v {
			return true
		}
	}
	return false
}
