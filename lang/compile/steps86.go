package compile

import (
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/platform"
)

// makeCall lowers a makeCall and its outcome blocks like a capture's:
//
//	MakeCall; Jump end; busy: body; Jump end; noanswer: body; Jump end; end:
//
// An outcome without a block resumes at the jump past the blocks.
func (l *lowerer) makeCall(code []ir.Instr, pos ir.Pos, s *ast.MakeCall) []ir.Instr {
	m := &ir.MakeCall{Pos: pos, Number: l.expr(s.Number), From: l.expr(s.From), Record: s.Record,
		Timeout: durationOf(s.Timeout), Limit: durationOf(s.Limit)}
	if s.Kind != nil {
		m.Kind = platform.DialTarget(s.Kind.Name)
	}
	code = append(code, m)
	if s.Outcomes == nil {
		return code
	}
	m.On = map[platform.DialOutcome]int{}
	if len(s.Outcomes.Outcomes) == 0 {
		return code
	}
	past := &ir.Jump{Pos: pos}
	jumps := []*ir.Jump{past}
	code = append(code, past)
	for _, o := range s.Outcomes.Outcomes {
		m.On[platform.DialOutcome(o.Name.Name)] = len(code)
		code = l.arm(code, ir.Pos{At: o.At}, o.Body, &jumps)
	}
	for _, j := range jumps {
		j.To = len(code)
	}
	return code
}

// record lowers a record step's options.
func (l *lowerer) record(pos ir.Pos, s *ast.Record) *ir.Record {
	r := &ir.Record{Pos: pos, Var: s.Var.Name}
	for _, o := range s.Options {
		switch o.Name.Name {
		case "max":
			r.Max = duration(o.Args[0])
		case "silence":
			r.Silence = duration(o.Args[0])
		case "end":
			x, _ := o.Args[0].(*ast.Expr)
			r.End, _ = l.expr(x).Const.(string)
		case "beep":
			r.Beep = true
		}
	}
	return r
}

// prompts compiles a capture's prompt values, marking those written
// `play URL` as audio.
func (l *lowerer) prompts(o *ast.Option) ([]*ir.Expr, []bool) {
	var out []*ir.Expr
	var audio []bool
	for i, a := range o.Args {
		switch a := a.(type) {
		case *ast.Expr:
			out = append(out, l.expr(a))
		case *ast.Audio:
			out = append(out, l.expr(a.URL))
			audio = append(audio, make([]bool, i+1-len(audio))...)
			audio[i] = true
		}
	}
	return out, audio
}
