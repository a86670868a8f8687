package parser

import (
	"errors"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	g "github.com/callflow/callflow/lang/internal/grammar"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// MaxSyntaxErrors is how many syntax errors one file reports; past it the
// parser stops, as a file that broken is not worth reading on.
const MaxSyntaxErrors = 100

// parts parses a file statement by statement, so a syntax error costs the
// statement it is in: the file is split at top-level newlines and `;` (the
// tokens are balanced, so a block stays whole), each declaration is parsed
// on its own, and a handler or test whose body does not parse is parsed
// again one body statement at a time.
type parts struct {
	f     *source.File
	diags diag.Diagnostics
	lost  []*ast.Lost
	reuse *reuse // nil without WithCache
}

// Statements whose names are kept as lost when they do not parse: at the
// top level, and in a handler's body.
var (
	declaring     = map[string]bool{"const": true, "table": true, "lookup": true, "hours": true, "handler": true}
	stepDeclaring = map[string]bool{"set": true, "capture": true}
)

// lose records the names a skipped statement declares: its own, when it
// starts with one of words and a name, those of the set and capture steps
// in blocks inside it (an if skipped whole), and a post's `into` variable.
func (p *parts) lose(stmt []plexer.Token, words map[string]bool) {
	for i := 0; i+1 < len(stmt); i++ {
		first := i == 0 || stmt[i-1].Type == lexer.Newline || stmt[i-1].Value == ";" || stmt[i-1].Value == "{"
		kw, name := stmt[i], stmt[i+1]
		if !first || name.Type != lexer.Ident || lexer.IsKeyword(name.Value) || !(i == 0 && words[kw.Value] || stepDeclaring[kw.Value] || i > 0 && kw.Value == "into") {
			continue
		}
		p.lost = append(p.lost, &ast.Lost{Keyword: kw.Value, Name: &ast.Ident{Base: ast.Base{At: span(p.f, name)}, Name: name.Value}})
	}
}

// file parses toks, balanced, into the grammar's File; nil when the header
// does not parse.
func (p *parts) file(toks []plexer.Token) *g.File {
	stmts := statements(toks)
	gf := &g.File{}
	headerOK := false
	if len(stmts) > 0 && toks[stmts[0].lo].Value == "flow" {
		header := stmts[0].of(toks)
		h, err := parseTokens(g.HeaderParser, header)
		if err != nil {
			p.fail(err, header, "")
		} else {
			gf.Flow, gf.Version, headerOK = h.Flow, h.Version, true
		}
		stmts = stmts[1:]
	} else {
		// The error the header's grammar gives, from the file's start.
		_, err := parseTokens(g.HeaderParser, toks)
		p.report(err)
	}
	if p.reuse != nil {
		gf.Decls = p.reuse.parse(p, toks, stmts)
	}
	for len(stmts) > 0 && !p.full() && p.reuse == nil {
		n := min(batch, len(stmts))
		gf.Decls = append(gf.Decls, p.batch(toks, stmts[:n])...)
		stmts = stmts[n:]
	}
	if !headerOK {
		return nil
	}
	return gf
}

func (p *parts) full() bool { return len(p.diags) >= MaxSyntaxErrors }

// fail reports the error a statement failed with, unless it lies at or
// after a bracket balance added: that bracket's diagnostic says it all,
// and the statement around it cannot be kept (its text lacks the bracket).
func (p *parts) fail(err error, stmt []plexer.Token, first string) {
	var pe participle.Error
	if errors.As(err, &pe) {
		for _, t := range stmt {
			if t.Type == lexer.Mended && pe.Position().Offset >= t.Pos.Offset {
				return
			}
		}
	}
	if p.full() {
		return
	}
	var ute *participle.UnexpectedTokenError
	if !errors.As(err, &ute) || expectation(ute) != "" {
		p.report(err)
		return
	}
	// The statement parsed no further than a token that cannot follow
	// it: what was wanted is the statement's end, or at its first
	// token, a statement.
	expect := `end of line or ";"`
	if ute.Unexpected.Pos.Offset == stmt[0].Pos.Offset {
		expect = first
	}
	p.diags = append(p.diags, unexpected(p.f, ute.Unexpected, expect))
}

func (p *parts) report(err error) {
	if err == nil || p.full() {
		return
	}
	p.diags = append(p.diags, syntaxError(p.f, err))
	if p.full() {
		p.diags = append(p.diags, diag.Errorf(diag.Syntax, p.diags[len(p.diags)-1].Subject, "too many syntax errors; the rest of the file is not read").
			Do("Fix the errors above first."))
	}
}

// batch is how many top-level statements are parsed at once: one
// participle call per statement would cost as much again as the parse of a
// file of one-line rules, and a batch that fails is parsed again one
// statement at a time.
const batch = 64

// batch parses consecutive top-level statements, which are one run of
// tokens, in one go, or when that fails one by one.
func (p *parts) batch(toks []plexer.Token, stmts []stmtRange) []*g.Decl {
	if len(stmts) > 1 {
		run := toks[stmts[0].lo:stmts[len(stmts)-1].hi]
		if ds, err := parseTokens(g.DeclsParser, run); err == nil {
			return ds.Decls
		}
	}
	var out []*g.Decl
	for _, r := range stmts {
		if p.full() {
			break
		}
		out = append(out, p.decls(r.of(toks))...)
	}
	return out
}

// decls parses one top-level statement.
func (p *parts) decls(s []plexer.Token) []*g.Decl {
	ds, err := parseTokens(g.DeclsParser, s)
	if err == nil {
		return ds.Decls
	}
	before := len(p.diags)
	var out []*g.Decl
	switch s[0].Value {
	case "handler":
		out = p.handler(s)
	case "test":
		out = p.test(s)
	}
	if len(p.diags) == before {
		// Nothing recovered, or the pieces parse alone and the
		// error lies between them: report the declaration's own.
		p.fail(err, s, "a declaration")
	}
	if len(out) == 0 {
		p.lose(s, declaring)
	}
	return out
}

// handler recovers `handler NAME { … }`: the steps that parse are kept.
func (p *parts) handler(s []plexer.Token) []*g.Decl {
	end, ok := body(s, lexer.Ident)
	if !ok {
		return nil
	}
	var steps []*g.Step
	inner := s[3:end]
	for _, r := range statements(inner) {
		st := r.of(inner)
		if p.full() {
			break
		}
		steps = append(steps, p.step(st)...)
	}
	h := &g.Handler{
		Name: &g.Ident{Pos: s[1].Pos, Name: s[1].Value},
		Body: &g.Block{Pos: s[2].Pos, Steps: steps, Close: &g.Brace{Pos: s[end].Pos, V: "}"}},
	}
	return append([]*g.Decl{{Pos: s[0].Pos, Handler: h}}, p.rest(s[end+1:])...)
}

// test recovers `test "NAME" { … }`: the statements that parse are kept.
func (p *parts) test(s []plexer.Token) []*g.Decl {
	end, ok := body(s, lexer.String)
	if !ok {
		return nil
	}
	var stmts []*g.TestStmt
	inner := s[3:end]
	for _, r := range statements(inner) {
		st := r.of(inner)
		if p.full() {
			break
		}
		if parsed, err := parseTokens(g.TestStmtsParser, st); err != nil {
			p.fail(err, st, "a test statement")
		} else {
			stmts = append(stmts, parsed.Stmts...)
		}
	}
	t := &g.Test{Name: &g.Str{Pos: s[1].Pos, Value: s[1].Value}, Stmts: stmts, Close: &g.Brace{Pos: s[end].Pos, V: "}"}}
	return append([]*g.Decl{{Pos: s[0].Pos, Test: t}}, p.rest(s[end+1:])...)
}

// rest parses what follows a recovered block on its line.
func (p *parts) rest(s []plexer.Token) []*g.Decl {
	if len(s) == 0 || s[0].Type == lexer.Newline || s[0].Value == ";" {
		return nil
	}
	return p.decls(s)
}

// body checks that s is KEYWORD NAME { … } with NAME of the given token
// type, and returns the index of the closing brace.
func body(s []plexer.Token, name plexer.TokenType) (int, bool) {
	if len(s) < 4 || s[1].Type != name || s[2].Value != "{" {
		return 0, false
	}
	depth := 0
	for i := 2; i < len(s); i++ {
		switch {
		case opens(s[i]):
			depth++
		case closes(s[i]):
			if depth--; depth == 0 {
				return i, s[i].Value == "}"
			}
		}
	}
	return 0, false
}

// statements splits balanced tokens at newlines and `;` outside brackets,
// returning the index range of each statement in toks. Each statement
// starts with a token that is neither nor a comment, and keeps its
// terminator, so it parses as it would in place.
func statements(toks []plexer.Token) []stmtRange {
	var out []stmtRange
	depth, start := 0, -1
	for i, t := range toks {
		sep := t.Type == lexer.Newline || t.Type == lexer.Punct && t.Value == ";"
		switch {
		case t.Type == lexer.Comment:
			continue // elided by the grammar; never a statement's first token
		case t.EOF():
			if start >= 0 {
				out = append(out, stmtRange{start, i})
			}
			return out
		case start < 0 && !sep:
			start = i
		}
		switch {
		case opens(t):
			depth++
		case closes(t):
			depth--
		}
		if sep && depth == 0 && start >= 0 {
			out = append(out, stmtRange{start, i + 1})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, stmtRange{start, len(toks)})
	}
	return out
}

// stmtRange is a statement's tokens, toks[lo:hi].
type stmtRange struct{ lo, hi int }

func (r stmtRange) of(toks []plexer.Token) []plexer.Token { return toks[r.lo:r.hi] }

// parseTokens runs one of the grammar's parsers over toks, which end
// there: the parser sees the end of the file after them.
func parseTokens[T any](parser *participle.Parser[T], toks []plexer.Token) (*T, error) {
	end := plexer.Position{}
	if n := len(toks); n > 0 {
		last := toks[n-1]
		end = last.Pos
		end.Offset += len(last.Value)
	}
	peek, err := plexer.Upgrade(&replay{toks: toks, eof: plexer.EOFToken(end)}, lexer.Comment)
	if err != nil {
		return nil, err
	}
	return parser.ParseFromLexer(peek)
}

// replay is a participle lexer over tokens already lexed, then EOF.
type replay struct {
	toks []plexer.Token
	eof  plexer.Token
	i    int
}

func (r *replay) Next() (plexer.Token, error) {
	if r.i == len(r.toks) {
		return r.eof, nil
	}
	r.i++
	return r.toks[r.i-1], nil
}

// lineDeclaring are the words whose names a line that does not lex keeps
// as lost: a declaration's or a step's.
var lineDeclaring = map[string]bool{"const": true, "table": true, "lookup": true, "hours": true, "handler": true, "set": true, "capture": true}
