package compile

import (
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/ir"
)

// block appends the instructions of b to code. if and switch become jumps,
// so a capture anywhere resumes from a plain index.
func (l *lowerer) block(code []ir.Instr, b *ast.Block) []ir.Instr {
	for _, s := range b.Steps {
		code = l.step(code, s)
	}
	return code
}

func (l *lowerer) step(code []ir.Instr, s ast.Step) []ir.Instr {
	pos := ir.Pos{At: s.Span()}
	switch s := s.(type) {
	case *ast.Say:
		return append(code, &ir.Say{Pos: pos, Text: l.text(s.Text), Voice: l.expr(s.Voice), Speed: l.expr(s.Speed), Repeat: l.expr(s.Repeat),
			Language: l.expr(s.Language)})
	case *ast.Play:
		return append(code, &ir.Play{Pos: pos, URL: l.expr(s.URL), Repeat: l.expr(s.Repeat)})
	case *ast.Capture:
		return l.captureStep(code, pos, s)
	case *ast.MakeCall:
		return l.makeCall(code, pos, s)
	case *ast.Agent:
		return append(code, &ir.Agent{Pos: pos, ID: l.expr(s.ID)})
	case *ast.IVR:
		return append(code, &ir.IVR{Pos: pos, ID: l.expr(s.ID)})
	case *ast.Set:
		return append(code, &ir.Set{Pos: pos, Var: s.Var.Name, Value: l.expr(s.Value)})
	case *ast.Hangup:
		return append(code, &ir.Hangup{Pos: pos})
	case *ast.Goto:
		return append(code, &ir.Goto{Pos: pos, Handler: s.Handler.Name})
	case *ast.If:
		return l.ifStep(code, pos, s)
	case *ast.Switch:
		return l.switchStep(code, pos, s)
	case *ast.Callback:
		cb := &ir.Callback{Pos: pos}
		for _, leg := range s.Legs {
			dst := &cb.A
			if leg.Name.Name == "B" {
				dst = &cb.B
			}
			*dst = ir.Leg{To: l.expr(leg.To), From: l.expr(leg.From)}
		}
		return append(code, cb)
	case *ast.Campaign:
		return append(code, l.campaign(pos, s))
	case *ast.Do:
		return append(code, &ir.Do{Pos: pos, Handler: s.Handler.Name})
	case *ast.Return:
		return append(code, &ir.Return{Pos: pos})
	case *ast.Post:
		return append(code, l.post(pos, s))
	case *ast.Pause:
		return append(code, &ir.Pause{Pos: pos, Length: durationOf(s.Length)})
	case *ast.Record:
		return append(code, l.record(pos, s))
	}
	panic("compile: unknown step")
}

// ifStep lowers if/else if/else:
//
//	Branch c1 → next1; body1; Jump end; next1: Branch c2 → next2; body2; Jump end; next2: else; end:
func (l *lowerer) ifStep(code []ir.Instr, pos ir.Pos, s *ast.If) []ir.Instr {
	var jumps []*ir.Jump
	for _, b := range s.Branches {
		br := &ir.Branch{Pos: ir.Pos{At: b.Cond.At}, Cond: l.expr(b.Cond)}
		code = l.arm(append(code, br), pos, b.Body, &jumps)
		br.Else = len(code)
	}
	return l.end(code, s.Else, jumps)
}

func (l *lowerer) switchStep(code []ir.Instr, pos ir.Pos, s *ast.Switch) []ir.Instr {
	sw := &ir.SwitchJump{Pos: pos, Value: l.expr(s.Value)}
	code = append(code, sw)
	var jumps []*ir.Jump
	for _, cs := range s.Cases {
		c := ir.SwitchCase{To: len(code)}
		for _, v := range cs.Values {
			c.Values = append(c.Values, l.info.Values[v])
		}
		sw.Cases = append(sw.Cases, c)
		code = l.arm(code, pos, cs.Body, &jumps)
	}
	sw.Else = len(code)
	return l.end(code, s.Else, jumps)
}

// arm lowers one branch of an if or switch: its body, then a jump to the
// end, kept in jumps for end to aim.
func (l *lowerer) arm(code []ir.Instr, pos ir.Pos, body *ast.Block, jumps *[]*ir.Jump) []ir.Instr {
	code = l.block(code, body)
	j := &ir.Jump{Pos: pos}
	*jumps = append(*jumps, j)
	return append(code, j)
}

// end lowers the else block, if any, and aims the arms' jumps past it.
func (l *lowerer) end(code []ir.Instr, elseBody *ast.Block, jumps []*ir.Jump) []ir.Instr {
	if elseBody != nil {
		code = l.block(code, elseBody)
	}
	for _, j := range jumps {
		j.To = len(code)
	}
	return code
}

func (l *lowerer) capture(pos ir.Pos, s *ast.Capture) *ir.Capture {
	c := &ir.Capture{Pos: pos, Var: s.Var.Name, MinDigits: check.DefaultMinDigits, MaxDigits: check.DefaultMaxDigits, Tries: 1,
		Timeout: 10 * time.Second, DigitTimeout: 5 * time.Second, OnNoInput: -1, OnNoMatch: -1}
	for _, o := range s.Options {
		l.captureOption(c, o)
	}
	if c.DigitTimeout >= c.Timeout {
		c.DigitTimeout = c.Timeout - time.Millisecond
	}
	return c
}

func (l *lowerer) captureOption(c *ir.Capture, o *ast.Option) {
	first := func() *ir.Expr { x, _ := o.Args[0].(*ast.Expr); return l.expr(x) }
	switch o.Name.Name {
	case "prompt":
		c.Prompts, c.PromptAudio = l.prompts(o)
	case "bargein":
		c.BargeIn = true
	case "noinput":
		c.NoInput = l.values(o)
	case "nomatch":
		c.NoMatch = l.values(o)
	case "digits":
		switch a := o.Args[0].(type) {
		case *ast.Range:
			c.MinDigits, c.MaxDigits = a.Min, a.Max
		case *ast.Expr:
			n, _ := l.info.Values[a].(int)
			c.MinDigits, c.MaxDigits = n, n
		}
	case "end":
		c.End, _ = first().Const.(string)
	case "timeout":
		c.Timeout = duration(o.Args[0])
	case "digit_timeout":
		c.DigitTimeout = duration(o.Args[0])
	case "tries":
		c.Tries, _ = first().Const.(int)
	case "accept":
		for _, a := range o.Args {
			x, _ := a.(*ast.Expr)
			switch v := l.info.Values[x].(type) {
			case string:
				c.Accept = append(c.Accept, v)
			case []any: // a const list: checked to hold strings
				for _, s := range v {
					c.Accept = append(c.Accept, s.(string))
				}
			default: // a list computed from the call
				c.AcceptList = l.expr(x)
			}
		}
	case "success":
		c.Success = first()
	case "failure":
		c.Failures = l.values(o)
	case "voice":
		c.Voice = first()
	case "speed":
		c.Speed = first()
	}
}

func duration(a ast.Arg) time.Duration {
	d, _ := a.(*ast.Duration)
	return durationOf(d)
}

func durationOf(d *ast.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(d.Millis) * time.Millisecond
}

func (l *lowerer) campaign(pos ir.Pos, s *ast.Campaign) *ir.Campaign {
	c := &ir.Campaign{Pos: pos, Name: l.expr(s.Name)}
	for _, o := range s.Options {
		var x *ir.Expr
		if len(o.Args) > 0 {
			if e, ok := o.Args[0].(*ast.Expr); ok {
				x = l.expr(e)
			}
		}
		switch o.Name.Name {
		case "script":
			c.Script = x
		case "cid":
			c.CID = x
		case "voice":
			c.Voice = x
		case "speed":
			c.Speed = x
		case "retry":
			c.Retry, _ = x.Const.(int)
			c.RetryEvery = everyOf(o)
		case "batch":
			c.Batch, _ = x.Const.(int)
			c.BatchEvery = everyOf(o)
		case "at":
			c.At = x
		case "dedupe":
			c.Dedupe = x
		case "auto_pause":
			c.AutoPause = true
		case "contact":
			c.Contacts = append(c.Contacts, l.contact(x, o.Block))
		case "contacts":
			c.ContactLists = append(c.ContactLists, x)
		}
	}
	return c
}

func everyOf(o *ast.Option) time.Duration {
	if o.Every == nil {
		return 0
	}
	return time.Duration(o.Every.Millis) * time.Millisecond
}

func (l *lowerer) contact(phone *ir.Expr, opts []*ast.Option) ir.Contact {
	ct := ir.Contact{Phone: phone}
	for _, o := range opts {
		x, _ := o.Args[0].(*ast.Expr)
		switch o.Name.Name {
		case "email":
			ct.Email = l.expr(x)
		case "code":
			ct.Code = l.expr(x)
		case "vars":
			ct.Vars = l.expr(x)
		}
	}
	return ct
}
