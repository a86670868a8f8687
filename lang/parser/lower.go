package parser

import (
	"sort"
	"strconv"
	"strings"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	g "github.com/callflow/callflow/lang/internal/grammar"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// lowerer turns grammar structs into ast nodes, computing exact spans from
// byte offsets and reporting what the grammar cannot (keywords as names).
type lowerer struct {
	f     *source.File
	toks  []plexer.Token
	diags diag.Diagnostics
}

// separated reports a statement that follows another on the same line
// without a `;` between them.
func (l *lowerer) separated(p plexer.Position) {
	i := sort.Search(len(l.toks), func(i int) bool { return l.toks[i].Pos.Offset >= p.Offset })
	for i--; i >= 0 && l.toks[i].Type == lexer.Comment; i-- {
	}
	if i < 0 || l.toks[i].Type == lexer.Newline || l.toks[i].Value == ";" || l.toks[i].Value == "{" {
		return
	}
	at := l.kw(p).At
	l.diags = append(l.diags, diag.Errorf(diag.Syntax, at, "expected end of line or \";\" before %q", string(l.f.Src[at.Start.Offset:at.End.Offset])).
		Do("Start each statement on its own line, or separate statements with \";\"."))
}

func (l *lowerer) at(p plexer.Position, n int) ast.Base {
	return ast.Base{At: l.f.Span(p.Offset, p.Offset+n)}
}

// kw is the span of the keyword that starts a statement.
func (l *lowerer) kw(p plexer.Position) ast.Base {
	n := 0
	for p.Offset+n < len(l.f.Src) && isWordByte(l.f.Src[p.Offset+n]) {
		n++
	}
	return l.at(p, max(n, 1))
}

func isWordByte(c byte) bool {
	return c == '_' || (c|0x20) >= 'a' && (c|0x20) <= 'z' || c >= '0' && c <= '9'
}

func (l *lowerer) ident(i *g.Ident) *ast.Ident {
	if i == nil {
		return nil
	}
	return &ast.Ident{Base: l.at(i.Pos, len(i.Name)), Name: strings.Clone(i.Name)}
}

// name lowers an identifier that declares something, rejecting keywords.
func (l *lowerer) name(i *g.Ident, what string) *ast.Ident {
	id := l.ident(i)
	if id != nil && lexer.IsKeyword(id.Name) {
		l.diags = append(l.diags, diag.Errorf(diag.ReservedWord, id.At, "%q is a keyword and cannot name a %s", id.Name, what).
			Do("Choose another name, such as %q.", id.Name+"_"+what))
	}
	return id
}

func (l *lowerer) expr(e *g.Expr) *ast.Expr {
	if e == nil || !e.HasToken {
		return nil
	}
	return &ast.Expr{Base: ast.Base{At: l.f.Span(e.Pos.Offset, e.End.Offset)}, Text: string(l.f.Src[e.Pos.Offset:e.End.Offset])}
}

func (l *lowerer) exprs(es []*g.Expr) []*ast.Expr {
	out := make([]*ast.Expr, 0, len(es))
	for _, e := range es {
		out = append(out, l.expr(e))
	}
	return out
}

func (l *lowerer) str(s *g.Str) *ast.Expr {
	if s == nil {
		return nil
	}
	return &ast.Expr{Base: l.at(s.Pos, len(s.Value)), Text: strings.Clone(s.Value)}
}

func (l *lowerer) strs(ss []*g.Str) []*ast.Expr {
	out := make([]*ast.Expr, 0, len(ss))
	for _, s := range ss {
		out = append(out, l.str(s))
	}
	return out
}

func (l *lowerer) duration(d *g.Dur) *ast.Duration {
	if d == nil {
		return nil
	}
	out := &ast.Duration{Base: l.at(d.Pos, len(d.Text)), Text: d.Text}
	ms, ok := parseDuration(d.Text)
	if !ok {
		l.diags = append(l.diags, diag.Errorf(diag.BadDuration, out.At, "duration %s is too long", d.Text).
			Do("Use a duration under a day."))
		ms = -1 // reported here; later checks skip it
	}
	out.Millis = ms
	return out
}

// parseDuration reads 1500ms, 10s, 5m or 2h as milliseconds.
func parseDuration(s string) (int64, bool) {
	unit := map[string]int64{"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}
	for _, u := range [...]string{"ms", "s", "m", "h"} {
		if len(s) > len(u) && s[len(s)-len(u):] == u {
			n, err := strconv.ParseInt(s[:len(s)-len(u)], 10, 64)
			if err != nil || n > 24*3_600_000/unit[u] {
				return 0, false
			}
			return n * unit[u], true
		}
	}
	return 0, false
}

func (l *lowerer) file(gf *g.File) *ast.File {
	f := &ast.File{Base: ast.Base{At: l.f.Span(0, len(l.f.Src))}, Name: l.f.Name, Version: 1}
	f.Flow = l.name(gf.Flow, "flow")
	if gf.Version != nil {
		f.VerAt = l.at(gf.Version.Pos, len(gf.Version.Value)).At
		v, err := strconv.Atoi(gf.Version.Value)
		if err != nil {
			v = -1
		}
		f.Version = v
	}
	for _, d := range gf.Decls {
		f.Decls = append(f.Decls, l.decl(d))
	}
	return f
}

func (l *lowerer) decl(d *g.Decl) ast.Decl {
	l.separated(d.Pos)
	b := l.kw(d.Pos)
	switch {
	case d.Target != nil:
		n := &ast.Target{Base: b}
		for _, p := range d.Target.Platforms {
			n.Platforms = append(n.Platforms, l.ident(p))
		}
		return n
	case d.Number != nil:
		return &ast.Number{Base: b, Numbers: l.exprs(d.Number.Numbers)}
	case d.Voice != nil:
		return &ast.Voice{Base: b, Value: l.expr(d.Voice.Value)}
	case d.Speed != nil:
		return &ast.Speed{Base: b, Value: l.expr(d.Speed.Value)}
	case d.Const != nil:
		return &ast.Const{Base: b, Name: l.name(d.Const.Name, "const"), Value: l.expr(d.Const.Value)}
	case d.Table != nil:
		return &ast.Table{Base: b, Name: l.name(d.Table.Name, "table"), Path: l.str(d.Table.Path)}
	case d.Lookup != nil:
		return l.lookup(b, d.Lookup)
	case d.Hours != nil:
		h := d.Hours
		return &ast.Hours{Base: b, Name: l.name(h.Name, "hours"), Spec: l.str(h.Spec), TZ: l.str(h.TZ), Except: l.strs(h.Except)}
	case d.Rule != nil:
		return &ast.Rule{Base: b, Cond: l.expr(d.Rule.Cond), Handler: l.ident(d.Rule.Handler)}
	case d.Otherwise != nil:
		return &ast.Rule{Base: b, Handler: l.ident(d.Otherwise.Handler)}
	case d.Handler != nil:
		return &ast.Handler{Base: b, Name: l.name(d.Handler.Name, "handler"), Body: l.block(d.Handler.Body)}
	case d.Test != nil:
		return l.test(b, d.Test)
	}
	panic("parser: grammar produced an empty declaration")
}

func (l *lowerer) block(b *g.Block) *ast.Block {
	out := &ast.Block{Base: ast.Base{At: l.f.Span(b.Pos.Offset, b.Close.Pos.Offset+1)}}
	for _, s := range b.Steps {
		out.Steps = append(out.Steps, l.step(s))
	}
	return out
}
