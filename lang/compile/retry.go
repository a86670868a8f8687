package compile

import (
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/platform"
)

// captureStep lowers a capture and its on blocks:
//
//	Capture; Jump end; noinput: body; Jump end; nomatch: body; Jump end; end:
//
// A valid entry resumes at the instruction after the capture, the jump
// past the blocks; spent tries resume at the block of their outcome.
func (l *lowerer) captureStep(code []ir.Instr, pos ir.Pos, s *ast.Capture) []ir.Instr {
	c := l.capture(pos, s)
	code = append(code, c)
	var jumps []*ir.Jump
	for _, o := range s.Options {
		if o.Body == nil {
			continue
		}
		if len(jumps) == 0 { // the valid entry's way past the blocks
			j := &ir.Jump{Pos: pos}
			jumps = append(jumps, j)
			code = append(code, j)
		}
		switch o.Outcome.Name {
		case "noinput":
			c.OnNoInput = len(code)
		case "nomatch":
			c.OnNoMatch = len(code)
		}
		code = l.arm(code, ir.Pos{At: o.At}, o.Body, &jumps)
	}
	for _, j := range jumps {
		j.To = len(code)
	}
	c.Needs = needs(c)
	return code
}

// values compiles the values of a per-try option.
func (l *lowerer) values(o *ast.Option) []*ir.Expr {
	out := make([]*ir.Expr, 0, len(o.Args))
	for _, a := range o.Args {
		if x, ok := a.(*ast.Expr); ok {
			out = append(out, l.expr(x))
		}
	}
	return out
}

// needs is what a platform's retry loop must do to run c's tries.
func needs(c *ir.Capture) platform.CaptureNeeds {
	perOutcome := len(c.NoInput) > 0 || len(c.NoMatch) > 0
	return platform.CaptureNeeds{
		VariesPrompt:  len(c.Prompts) > 1 || len(c.Failures) > 1 || perOutcome,
		TellsOutcomes: perOutcome || c.OnNoInput >= 0 || c.OnNoMatch >= 0,
		ChecksValues:  len(c.Accept) > 0 || c.AcceptList != nil,
	}
}
