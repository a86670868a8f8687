package format

import "github.com/callflow/callflow/lang/ast"

// makeCall prints a makeCall on the current line, its parts in the order
// the language writes them, and its outcome block as the blocks of a
// switch are printed.
func (p *printer) makeCall(s *ast.MakeCall, indent int) {
	p.text("makeCall ")
	if s.Kind != nil {
		p.text(s.Kind.Name, " ")
	}
	p.text(expr(s.Number))
	if s.From != nil {
		p.text(" from ", s.From.Text)
	}
	if s.Record {
		p.text(" record")
	}
	if s.Timeout != nil {
		p.text(" timeout ", s.Timeout.Text)
	}
	if s.Limit != nil {
		p.text(" limit ", s.Limit.Text)
	}
	if s.Outcomes == nil {
		return
	}
	if p.inline > 0 || p.outcomesInline(s.Outcomes) {
		p.startInline(len(s.Outcomes.Outcomes) == 0)
		if len(s.Outcomes.Outcomes) > 0 {
			o := s.Outcomes.Outcomes[0]
			p.onBlock(o.Name, o.Body, indent)
			p.endInline()
		}
		return
	}
	p.open()
	for _, o := range s.Outcomes.Outcomes {
		p.begin(o.At.Start.Offset, indent+1, "")
		p.onBlock(o.Name, o.Body, indent+1)
	}
	p.close(s.Outcomes.Close.Start.Offset, indent)
}

// outcomesInline reports whether an outcome block stays on one line: it
// was written on one line and holds at most one on block, itself inline.
func (p *printer) outcomesInline(b *ast.OutcomeBlock) bool {
	if !p.sameLine(b.At.Start.Offset, b.Close.Start.Offset) || len(b.Outcomes) > 1 {
		return false
	}
	return len(b.Outcomes) == 0 || p.blockInline(b.Outcomes[0].Body)
}
