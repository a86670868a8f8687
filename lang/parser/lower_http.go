package parser

import (
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	g "github.com/callflow/callflow/lang/internal/grammar"
)

// The block forms of lookup and post are lowered to generic options (the
// formatter prints them as written, the checker validates them against
// their specs) and to the fields the checker and compiler read: the first
// timeout, else, json and into, and every header.

func (l *lowerer) lookup(b ast.Base, lk *g.Lookup) *ast.Lookup {
	n := &ast.Lookup{Base: b, Name: l.name(lk.Name, "lookup"), URL: l.expr(lk.URL),
		Timeout: l.duration(lk.Timeout), Cache: l.duration(lk.Cache), Else: l.expr(lk.Else)}
	if lk.Opts == nil {
		return n
	}
	if n.Timeout != nil || n.Cache != nil || n.Else != nil {
		at := l.kw(lk.Opts.Pos).At
		l.diags = append(l.diags, diag.Errorf(diag.Syntax, at, "a lookup takes its options on the line or in a block, not both").
			Do("Move timeout, cache and else into the block."))
	}
	n.Options = l.options(lk.Opts)
	n.Close = l.at(lk.Opts.Close.Pos, 1).At
	n.Headers = headers(n.Options)
	if o := firstOption(n.Options, "timeout"); o != nil && n.Timeout == nil {
		n.Timeout, _ = firstArg(o).(*ast.Duration)
	}
	if o := firstOption(n.Options, "cache"); o != nil && n.Cache == nil {
		n.Cache, _ = firstArg(o).(*ast.Duration)
	}
	if o := firstOption(n.Options, "else"); o != nil && n.Else == nil {
		n.Else, _ = firstArg(o).(*ast.Expr)
	}
	return n
}

func (l *lowerer) post(b ast.Base, p *g.Post) *ast.Post {
	n := &ast.Post{Base: b, URL: l.expr(p.URL), Options: l.options(p.Opts), Close: l.at(p.Opts.Close.Pos, 1).At}
	n.Headers = headers(n.Options)
	if o := firstOption(n.Options, "json"); o != nil {
		n.JSON, _ = firstArg(o).(*ast.Expr)
	}
	if o := firstOption(n.Options, "timeout"); o != nil {
		n.Timeout, _ = firstArg(o).(*ast.Duration)
	}
	if o := firstOption(n.Options, "into"); o != nil {
		if x, ok := firstArg(o).(*ast.Expr); ok {
			if n.Into = l.varName(x); n.Into != nil {
				o.Args[0] = n.Into // a name, not an expression
			}
		}
	}
	if o := firstOption(n.Options, "else"); o != nil {
		n.Else, _ = firstArg(o).(*ast.Expr)
	}
	return n
}

// varName is the variable an `into` names, or nil when x is not a plain
// name (the checker reports it).
func (l *lowerer) varName(x *ast.Expr) *ast.Ident {
	for i := 0; i < len(x.Text); i++ {
		if !isWordByte(x.Text[i]) {
			return nil
		}
	}
	if x.Text == "" || x.Text[0] >= '0' && x.Text[0] <= '9' {
		return nil
	}
	return l.name(&g.Ident{Pos: plexer.Position{Offset: x.At.Start.Offset}, Name: x.Text}, "variable")
}

func headers(opts []*ast.Option) []*ast.Header {
	var out []*ast.Header
	for _, o := range opts {
		if o.Name.Name != "header" || len(o.Args) == 0 || o.Value == nil {
			continue
		}
		if name, ok := o.Args[0].(*ast.Expr); ok {
			out = append(out, &ast.Header{Name: name, Value: o.Value})
		}
	}
	return out
}

func firstOption(opts []*ast.Option, name string) *ast.Option {
	for _, o := range opts {
		if o.Name.Name == name {
			return o
		}
	}
	return nil
}

func firstArg(o *ast.Option) ast.Arg {
	if len(o.Args) == 0 {
		return nil
	}
	return o.Args[0]
}

// given lowers `given NAME = EXPR`, `given secret NAME = EXPR` and
// `given post "URL" = EXPR`.
func (l *lowerer) given(b ast.Base, gv *g.Given) *ast.Given {
	n := &ast.Given{Base: b, Value: l.expr(gv.Value)}
	switch {
	case gv.Secret != nil:
		n.Name, n.Secret = l.ident(gv.Secret), true
	case gv.Post != nil:
		n.Post = l.str(gv.Post)
	default:
		n.Name = l.ident(gv.Name)
	}
	return n
}
