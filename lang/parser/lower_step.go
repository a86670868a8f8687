package parser

import (
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	g "github.com/callflow/callflow/lang/internal/grammar"
	"github.com/callflow/callflow/lang/source"
)

func (l *lowerer) step(s *g.Step) ast.Step {
	l.separated(s.Pos)
	b := l.kw(s.Pos)
	switch {
	case s.Say != nil:
		n := &ast.Say{Base: b, Text: l.expr(s.Say.Text)}
		for _, m := range s.Say.Mods {
			l.sayMod(m, &n.Voice, &n.Speed, &n.Repeat, &n.Language)
		}
		return n
	case s.Play != nil:
		n := &ast.Play{Base: b, URL: l.expr(s.Play.URL)}
		var voice, speed, language *ast.Expr
		for _, m := range s.Play.Mods {
			l.sayMod(m, &voice, &speed, &n.Repeat, &language)
		}
		if voice != nil || speed != nil || language != nil {
			l.diags = append(l.diags, diag.Errorf(diag.Syntax, l.kw(s.Play.Mods[0].Pos).At, "play takes only repeat").
				Do("Remove voice, speed and language; they apply to say and capture."))
		}
		return n
	case s.Capture != nil:
		return &ast.Capture{Base: b, Var: l.name(s.Capture.Var, "variable"), Options: l.options(s.Capture.Opts), Close: l.closing(s.Capture.Opts.Close)}
	case s.MakeCall != nil:
		return l.makeCall(b, s.MakeCall)
	case s.Agent != nil:
		return &ast.Agent{Base: b, ID: l.expr(s.Agent.ID)}
	case s.IVR != nil:
		return &ast.IVR{Base: b, ID: l.expr(s.IVR.ID)}
	case s.Set != nil:
		return &ast.Set{Base: b, Var: l.name(s.Set.Var, "variable"), Value: l.expr(s.Set.Value)}
	case s.Hangup != nil:
		return &ast.Hangup{Base: b}
	case s.Goto != nil:
		return &ast.Goto{Base: b, Handler: l.ident(s.Goto.Handler)}
	case s.If != nil:
		return l.ifStep(b, s.If)
	case s.Switch != nil:
		return l.switchStep(b, s.Switch)
	case s.Callback != nil:
		n := &ast.Callback{Base: b, Close: l.closing(s.Callback.Close)}
		for _, leg := range s.Callback.Legs {
			n.Legs = append(n.Legs, l.leg(leg))
		}
		return n
	case s.Campaign != nil:
		return &ast.Campaign{Base: b, Name: l.expr(s.Campaign.Name), Options: l.options(s.Campaign.Opts), Close: l.closing(s.Campaign.Opts.Close)}
	case s.Do != nil:
		return &ast.Do{Base: b, Handler: l.ident(s.Do.Handler)}
	case s.Return != nil:
		return &ast.Return{Base: b, Value: l.expr(s.Return.Value)}
	case s.On != nil:
		return &ast.On{Base: b, Outcome: l.ident(s.On.Outcome), Body: l.block(s.On.Body)}
	case s.Post != nil:
		return l.post(b, s.Post)
	case s.Pause != nil:
		return &ast.Pause{Base: b, Length: l.duration(s.Pause.Length)}
	case s.Record != nil:
		return &ast.Record{Base: b, Var: l.name(s.Record.Var, "variable"), Options: l.options(s.Record.Opts), Close: l.closing(s.Record.Opts.Close)}
	}
	panic("parser: grammar produced an empty step")
}

func (l *lowerer) sayMod(m *g.SayMod, voice, speed, repeat, language **ast.Expr) {
	dst := map[string]**ast.Expr{"voice": voice, "speed": speed, "repeat": repeat, "language": language}[m.Key]
	if *dst != nil {
		l.diags = append(l.diags, diag.Errorf(diag.DuplicateOption, l.kw(m.Pos).At, "%s is given twice", m.Key).
			Do("Keep one %s.", m.Key))
	}
	*dst = l.expr(m.Value)
}

func (l *lowerer) ifStep(b ast.Base, s *g.If) *ast.If {
	n := &ast.If{Base: b}
	for s != nil {
		n.Branches = append(n.Branches, &ast.Branch{Base: l.expr(s.Cond).Base, Cond: l.expr(s.Cond), Body: l.block(s.Body)})
		if s.Else == nil {
			break
		}
		if s.Else.Block != nil {
			n.Else = l.block(s.Else.Block)
		}
		s = s.Else.If
	}
	return n
}

func (l *lowerer) switchStep(b ast.Base, s *g.Switch) *ast.Switch {
	n := &ast.Switch{Base: b, Value: l.expr(s.Value), Close: l.closing(s.Close)}
	for _, c := range s.Cases {
		n.Cases = append(n.Cases, &ast.Case{Base: l.kw(c.Pos), Values: l.exprs(c.Values), Body: l.block(c.Body)})
	}
	if s.Else != nil {
		n.Else = l.block(s.Else)
	}
	return n
}

func (l *lowerer) leg(leg *g.Leg) *ast.Leg {
	return &ast.Leg{Base: l.kw(leg.Pos), Name: l.ident(leg.Name), To: l.expr(leg.To), From: l.expr(leg.From)}
}

func (l *lowerer) options(b *g.OptBlock) []*ast.Option {
	if b == nil {
		return nil
	}
	out := make([]*ast.Option, 0, len(b.Options))
	for _, o := range b.Options {
		l.separated(o.Pos)
		if o.On != nil {
			out = append(out, &ast.Option{Base: l.kw(o.Pos), Name: &ast.Ident{Base: l.kw(o.Pos), Name: "on"},
				Outcome: l.ident(o.On.Outcome), Body: l.block(o.On.Body)})
			continue
		}
		n := &ast.Option{Base: l.kw(o.Pos), Name: l.ident(o.Name), Every: l.duration(o.Every), Value: l.expr(o.Value)}
		for _, a := range o.Args {
			n.Args = append(n.Args, l.arg(a))
		}
		if o.Block != nil {
			n.Block = l.options(o.Block)
			n.Close = l.closing(o.Block.Close)
		}
		out = append(out, n)
	}
	return out
}

func (l *lowerer) arg(a *g.Arg) ast.Arg {
	switch {
	case a.Play != nil:
		return &ast.Audio{Base: l.kw(a.Pos), URL: l.expr(a.Play)}
	case a.Dur != nil:
		return l.duration(a.Dur)
	case a.Range != nil:
		lo, hi, _ := strings.Cut(a.Range.Text, "..")
		r := &ast.Range{Base: l.at(a.Pos, len(a.Range.Text))}
		r.Min, _ = strconv.Atoi(lo)
		r.Max, _ = strconv.Atoi(hi)
		return r
	}
	return l.expr(a.Expr)
}

func (l *lowerer) test(b ast.Base, t *g.Test) *ast.Test {
	n := &ast.Test{Base: b, Name: l.str(t.Name), Close: l.closing(t.Close)}
	for _, s := range t.Stmts {
		n.Stmts = append(n.Stmts, l.testStmt(s))
	}
	return n
}

func (l *lowerer) testStmt(s *g.TestStmt) ast.TestStmt {
	l.separated(s.Pos)
	b := l.kw(s.Pos)
	switch {
	case s.Call != nil:
		c := s.Call
		return &ast.Call{Base: b, Platform: l.ident(c.Platform), From: l.expr(c.From), To: l.expr(c.To), At: l.expr(c.At), Data: l.expr(c.Data)}
	case s.Given != nil:
		return l.given(b, s.Given)
	case s.Press != nil:
		return &ast.Press{Base: b, Digits: l.expr(s.Press.Digits)}
	case s.Expect != nil:
		return l.expect(b, s.Expect.What)
	case s.Dial != nil:
		return &ast.Dial{Base: b, Outcome: l.ident(s.Dial.Outcome)}
	case s.Recorded != nil:
		return &ast.Recorded{Base: b, URL: l.expr(s.Recorded.URL)}
	}
	panic("parser: grammar produced an empty test statement")
}

func (l *lowerer) expect(b ast.Base, w *g.ExpectWhat) *ast.Expect {
	if w.Var != nil {
		return &ast.Expect{Base: b, Kind: &ast.Ident{Base: b, Name: "var"}, Var: l.ident(w.Var.Name), Args: []*ast.Expr{l.expr(w.Var.Value)}}
	}
	st := w.Step
	n := &ast.Expect{Base: b, Kind: l.ident(st.Kind), Post: st.Post, Args: l.exprs(st.Args), Fields: l.expr(st.Fields), From: l.expr(st.From), Record: st.Record}
	for _, leg := range st.Legs {
		n.Legs = append(n.Legs, l.leg(leg))
	}
	return n
}

// closing is the span of a closing brace.
func (l *lowerer) closing(b *g.Brace) source.Span {
	if b == nil {
		return source.Span{}
	}
	return l.at(b.Pos, 1).At
}
