// Package parser turns .flow source into the syntax tree of package ast. It
// guards size, encoding and nesting depth first, then runs the participle
// grammar and lowers its structs into the hand-designed tree.
//
// It recovers from syntax errors at statement and block boundaries: a line
// that does not lex is dropped, brackets are paired (see balance), and each
// top-level declaration is parsed on its own, a broken handler or test one
// body statement at a time. So one file reports every syntax error, and the
// tree holds every declaration, rule, handler and step that parses, each
// exactly as the whole file would give it; the checker then checks those.
package parser

import (
	"errors"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// ParseFile parses one file. The file is nil only when the input could not be
// parsed at all (too large, not text, too deep, no flow header); the
// diagnostics then say why. A file with syntax errors comes back with its
// diagnostics and the tree of what parsed.
func ParseFile(filename string, src []byte) (*ast.File, diag.Diagnostics) {
	return Parse(source.NewFile(filename, src))
}

// Parse parses a file already registered as a source.File.
func Parse(f *source.File, opts ...Option) (*ast.File, diag.Diagnostics) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if d := checkBytes(f); d != nil {
		return nil, diag.Diagnostics{d}
	}
	p := &parts{f: f}
	if o.cache != nil {
		p.reuse = o.cache.start(f)
		defer p.reuse.finish()
	}
	lexed, errs := p.reuse.lex(f)
	for _, err := range errs {
		p.diags = append(p.diags, syntaxError(f, err))
		var le *lexer.LineError
		if errors.As(err, &le) {
			p.lose(le.Dropped, lineDeclaring)
		}
	}
	toks, mended := balance(f, lexed)
	p.diags = append(p.diags, mended...)
	if d := checkTokens(f, toks); d != nil {
		if d.Code == diag.EmptyFile && len(p.diags) > 0 {
			return nil, p.diags // the lines that did not lex were the file
		}
		return nil, diag.Diagnostics{d}
	}
	g := p.file(toks)
	if g == nil {
		return nil, p.diags
	}
	l := &lowerer{f: f, toks: lexed, diags: p.diags}
	file := l.file(g)
	if p.reuse != nil {
		file.Decls = p.reuse.assemble(file.Decls, l.diags)
	}
	file.Comments = comments(f, lexed)
	file.Partial = len(p.diags) > 0
	file.Lost = p.lost
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
