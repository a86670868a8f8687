// Package lexer turns .flow source into tokens. It implements participle's
// lexer.Definition so the grammar can consume it, and it is also used on its
// own: the parser pre-scans a file with it to guard nesting depth before
// participle (whose recursion can overflow the stack) sees the input, the
// expression bridge re-scans expression text, and the formatter reads comments.
//
// The lexer is hand-written rather than built from participle's regexp rules:
// string interpolation nests (`"${data["x"]}"`), and a single pass without
// regexps is an order of magnitude faster, which the 1 MiB compile budget needs.
package lexer

import (
	"bytes"
	"io"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// Token types. EOF is participle's.
const (
	EOF      plexer.TokenType = plexer.EOF
	Comment  plexer.TokenType = iota + 1 // # to end of line
	Newline                              // \n, which ends a statement
	Ident                                // names, keywords and the platform 8x8
	Int                                  // 42
	Float                                // 0.9
	Duration                             // 1500ms, 10s, 5m, 2h
	String                               // "text with ${expr}" or `raw`, quotes included
	Punct                                // operators and brackets
	Range                                // 4..10, a digit range
	// Mended is a closing bracket the parser added where the source lacks
	// one (package parser, balance); the lexer never produces it.
	Mended
)

var symbols = map[string]plexer.TokenType{
	"EOF": EOF, "Comment": Comment, "Newline": Newline, "Ident": Ident, "Int": Int,
	"Float": Float, "Duration": Duration, "String": String, "Punct": Punct, "Range": Range,
	"Mended": Mended,
}

// TypeName names a token type for messages.
func TypeName(t plexer.TokenType) string {
	for name, tt := range symbols {
		if tt == t {
			return name
		}
	}
	return "token"
}

// Definition is the participle lexer definition of the .flow language.
var Definition plexer.Definition = definition{}

type definition struct{}

func (definition) Symbols() map[string]plexer.TokenType { return symbols }

func (d definition) Lex(filename string, r io.Reader) (plexer.Lexer, error) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return d.LexBytes(filename, buf.Bytes())
}

func (definition) LexBytes(filename string, src []byte) (plexer.Lexer, error) {
	return New(filename, src), nil
}

func (definition) LexString(filename string, src string) (plexer.Lexer, error) {
	return New(filename, []byte(src)), nil
}

// Tokens lexes all of src, stopping at the first error. The last token is EOF
// when err is nil.
func Tokens(filename string, src []byte) ([]plexer.Token, error) {
	s := New(filename, src)
	var toks []plexer.Token
	for {
		t, err := s.Next()
		if err != nil {
			return toks, err
		}
		toks = append(toks, t)
		if t.Type == EOF {
			return toks, nil
		}
	}
}

// Replay is a participle lexer that returns tokens lexed earlier.
type Replay struct {
	toks []plexer.Token
	i    int
}

// NewReplay replays toks, which must end with EOF.
func NewReplay(toks []plexer.Token) *Replay { return &Replay{toks: toks} }

// Next returns the next token, repeating EOF at the end.
func (r *Replay) Next() (plexer.Token, error) {
	t := r.toks[r.i]
	if r.i < len(r.toks)-1 {
		r.i++
	}
	return t, nil
}
