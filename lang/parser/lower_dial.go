package parser

import (
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	g "github.com/callflow/callflow/lang/internal/grammar"
)

// makeCall lowers a makeCall, its target kind and its outcome block, whose
// steps must all be `on OUTCOME { … }`.
func (l *lowerer) makeCall(b ast.Base, m *g.MakeCall) *ast.MakeCall {
	n := &ast.MakeCall{Base: b, Number: l.expr(m.Number), From: l.expr(m.From), Record: m.Record,
		Timeout: l.duration(m.Timeout), Limit: l.duration(m.Limit)}
	if m.Kind != nil {
		n.Kind = &ast.Ident{Base: l.at(m.Kind.Pos, len(m.Kind.Word)), Name: m.Kind.Word}
	}
	if m.Outcomes == nil {
		return n
	}
	n.Outcomes = &ast.OutcomeBlock{Base: l.kw(m.Outcomes.Pos), Close: l.closing(m.Outcomes.Close)}
	for _, s := range m.Outcomes.Steps {
		l.separated(s.Pos)
		if s.On == nil {
			l.diags = append(l.diags, diag.Errorf(diag.Syntax, l.kw(s.Pos).At, "a makeCall block holds only on blocks").
				Do("Write `on busy { … }`, `on noanswer { … }`, `on failed { … }` or `on completed { … }`; steps after the call go after the closing brace."))
			continue
		}
		n.Outcomes.Outcomes = append(n.Outcomes.Outcomes, &ast.Outcome{Base: l.kw(s.Pos), Name: l.ident(s.On.Outcome), Body: l.block(s.On.Body)})
	}
	return n
}
