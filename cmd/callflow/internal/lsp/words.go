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
