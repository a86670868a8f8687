// Package parser turns .flow source into the syntax tree of package ast. It
// guards size, encoding and nesting depth first, then runs the participle
// grammar and lowers its structs into the hand-designed tree.
//
// A file gets at most one syntax error (participle does not recover); the
// checker then collects every semantic problem.
package parser

import (
	"errors"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/grammar"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// ParseFile parses one file. The file is nil only when the input could not be
// parsed at all; the diagnostics then say why.
func ParseFile(filename string, src []byte) (*ast.File, diag.Diagnostics) {
	return Parse(source.NewFile(filename, src))
}

// Parse parses a file already registered as a source.File.
func Parse(f *source.File) (*ast.File, diag.Diagnostics) {
	if d := checkBytes(f); d != nil {
		return nil, diag.Diagnostics{d}
	}
	toks, err := lexer.Tokens(f.Name, f.Src)
	if err != nil {
		return nil, diag.Diagnostics{syntaxError(f, err)}
	}
	if d := checkTokens(f, toks); d != nil {
		return nil, diag.Diagnostics{d}
	}
	peek, err := plexer.Upgrade(lexer.NewReplay(toks), lexer.Comment)
	if err != nil {
		return nil, diag.Diagnostics{syntaxError(f, err)}
	}
	g, err := grammar.Parser.ParseFromLexer(peek)
	if err != nil {
		return nil, diag.Diagnostics{syntaxError(f, err)}
	}
	l := &lowerer{f: f, toks: toks}
	file := l.file(g)
	file.Comments = comments(f, toks)
	return file, l.diags
}

func comments(f *source.File, toks []plexer.Token) []*ast.Comment {
	var out []*ast.Comment
	for _, t := range toks {
		if t.Type == lexer.Comment {
			out = append(out, &ast.Comment{Base: ast.Base{At: span(f, t)}, Text: t.Value})
		}
	}
	return out
}

// syntaxError maps a lexer or participle error to a diagnostic.
func syntaxError(f *source.File, err error) *diag.Diagnostic {
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		return unexpected(f, ute.Unexpected, expectation(ute))
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		pos := pe.Position()
		return diag.Errorf(diag.Syntax, f.Span(pos.Offset, pos.Offset+1), "%s", pe.Message()).
			Do("Fix the syntax at this position; docs/language.md shows each statement's form.")
	}
	return diag.Errorf(diag.Syntax, f.Span(0, 0), "%v", err)
}
