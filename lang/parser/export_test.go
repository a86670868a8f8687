package parser

import (
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/grammar"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// ParseWhole is the parser before recovery, kept as the reference a valid
// file must parse identically to: the whole file through participle at
// once. It returns a nil file for any input with a syntax error.
func ParseWhole(filename string, src []byte) (*ast.File, diag.Diagnostics) {
	f := source.NewFile(filename, src)
	if checkBytes(f) != nil {
		return nil, nil
	}
	toks, err := lexer.Tokens(f.Name, f.Src)
	if err != nil {
		return nil, nil
	}
	if _, mended := balance(f, toks); len(mended) > 0 || checkTokens(f, toks) != nil {
		return nil, nil
	}
	peek, err := plexer.Upgrade(lexer.NewReplay(toks), lexer.Comment)
	if err != nil {
		return nil, nil
	}
	g, err := grammar.Parser.ParseFromLexer(peek)
	if err != nil {
		return nil, nil
	}
	l := &lowerer{f: f, toks: toks}
	file := l.file(g)
	file.Comments = comments(f, toks)
	return file, l.diags
}
