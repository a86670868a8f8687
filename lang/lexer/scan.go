package lexer

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	plexer "github.com/alecthomas/participle/v2/lexer"
)

// Scanner produces tokens from one source. It is not safe for concurrent use.
type Scanner struct {
	file string
	src  []byte
	text string // src as a string, so token values are slices, not copies
	off  int
	line int
	col  int
}

// New returns a scanner over src.
func New(filename string, src []byte) *Scanner {
	return &Scanner{file: filename, src: src, text: string(src), line: 1, col: 1}
}

// NewAt returns a scanner over src whose positions start at pos, for
// re-scanning a piece of a larger file.
func NewAt(filename string, src []byte, pos plexer.Position) *Scanner {
	s := New(filename, src)
	s.off, s.line, s.col = 0, pos.Line, pos.Column
	return s
}

func (s *Scanner) pos() plexer.Position {
	return plexer.Position{Filename: s.file, Offset: s.off, Line: s.line, Column: s.col}
}

// advance moves past n bytes; only a raw string holds newlines among them.
func (s *Scanner) advance(n int) {
	b := s.src[s.off : s.off+n]
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		s.line += bytes.Count(b, []byte{'\n'})
		s.col = 1
		b = b[i+1:]
	}
	s.col += utf8.RuneCount(b)
	s.off += n
}

func (s *Scanner) token(t plexer.TokenType, n int) plexer.Token {
	tok := plexer.Token{Type: t, Value: s.text[s.off : s.off+n], Pos: s.pos()}
	s.advance(n)
	return tok
}

// Next returns the next token; whitespace other than newlines is skipped.
func (s *Scanner) Next() (plexer.Token, error) {
	for s.off < len(s.src) && (s.src[s.off] == ' ' || s.src[s.off] == '\t' || s.src[s.off] == '\r') {
		s.advance(1)
	}
	if s.off >= len(s.src) {
		return plexer.EOFToken(s.pos()), nil
	}
	c := s.src[s.off]
	switch {
	case c == '\n':
		t := plexer.Token{Type: Newline, Value: "\n", Pos: s.pos()}
		s.off++
		s.line++
		s.col = 1
		return t, nil
	case c == '#':
		return s.token(Comment, lineLen(s.src[s.off:])), nil
	case c == '"' || c == '`':
		n, err := StringLen(s.src[s.off:])
		if err != nil {
			return plexer.Token{}, s.errorAt(err)
		}
		return s.token(String, n), nil
	case isDigit(c):
		t, n := scanNumber(s.src[s.off:])
		return s.token(t, n), nil
	case isLetter(c):
		n := 1
		for n < len(s.src)-s.off && (isLetter(s.src[s.off+n]) || isDigit(s.src[s.off+n])) {
			n++
		}
		return s.token(Ident, n), nil
	}
	if n := punctLen(s.src[s.off:]); n > 0 {
		return s.token(Punct, n), nil
	}
	r, size := utf8.DecodeRune(s.src[s.off:])
	if r == utf8.RuneError && size <= 1 {
		return plexer.Token{}, &plexer.Error{Pos: s.pos(), Msg: fmt.Sprintf("invalid UTF-8 byte 0x%02x", c)}
	}
	return plexer.Token{}, &plexer.Error{Pos: s.pos(), Msg: fmt.Sprintf("unexpected character %q outside a string", r)}
}

// errorAt positions a string error at the byte where it happened.
func (s *Scanner) errorAt(err *StringError) error {
	p := s.pos()
	p.Offset += err.Offset
	p.Column += utf8.RuneCount(s.src[s.off : s.off+err.Offset])
	return &plexer.Error{Pos: p, Msg: err.Msg}
}

func lineLen(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return len(b)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c == '_' || (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// scanNumber reads an integer, a decimal, a duration, or the platform name 8x8.
func scanNumber(b []byte) (plexer.TokenType, int) {
	if len(b) >= 3 && b[0] == '8' && b[1] == 'x' && b[2] == '8' && (len(b) == 3 || !isIdentByte(b[3])) {
		return Ident, 3
	}
	n := 0
	for n < len(b) && isDigit(b[n]) {
		n++
	}
	// "4..10" is one Range token, so the grammar needs no lookahead to tell
	// a digit range from a number.
	if n+2 < len(b) && b[n] == '.' && b[n+1] == '.' && isDigit(b[n+2]) {
		m := n + 2
		for m < len(b) && isDigit(b[m]) {
			m++
		}
		return Range, m
	}
	if n+1 < len(b) && b[n] == '.' && isDigit(b[n+1]) {
		n++
		for n < len(b) && isDigit(b[n]) {
			n++
		}
		return Float, exponent(b, n)
	}
	for _, unit := range [...]string{"ms", "s", "m", "h"} {
		if hasUnit(b[n:], unit) {
			return Duration, n + len(unit)
		}
	}
	if m := exponent(b, n); m > n {
		return Float, m
	}
	return Int, n
}

func hasUnit(b []byte, unit string) bool {
	if len(b) < len(unit) || string(b[:len(unit)]) != unit {
		return false
	}
	return len(b) == len(unit) || !isIdentByte(b[len(unit)])
}

func exponent(b []byte, n int) int {
	if n >= len(b) || (b[n]|0x20) != 'e' {
		return n
	}
	m := n + 1
	if m < len(b) && (b[m] == '+' || b[m] == '-') {
		m++
	}
	if m >= len(b) || !isDigit(b[m]) {
		return n
	}
	for m < len(b) && isDigit(b[m]) {
		m++
	}
	return m
}

func isIdentByte(c byte) bool { return isLetter(c) || isDigit(c) }

var puncts3 = [...]string{"..."}
var puncts2 = [...]string{"->", "..", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "**"}

const puncts1 = "+-*/%^<>!?:,.;(){}[]|=&~@$"

func punctLen(b []byte) int {
	for _, p := range puncts3 {
		if len(b) >= 3 && string(b[:3]) == p {
			return 3
		}
	}
	for _, p := range puncts2 {
		if len(b) >= 2 && string(b[:2]) == p {
			return 2
		}
	}
	for i := 0; i < len(puncts1); i++ {
		if b[0] == puncts1[i] {
			return 1
		}
	}
	return 0
}
