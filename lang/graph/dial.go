package graph

import (
	"slices"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/platform"
)

// dialOutcomes draws a makeCall with outcome blocks as a node that waits,
// an edge labelled "on OUTCOME" into each block, and "other outcomes" on
// to the next step when some outcome has no block.
func (b *builder) dialOutcomes(c *Cluster, s *ast.MakeCall, in []exit) []exit {
	n := b.node(c, Capture, dialLabel(s), s.Span())
	b.connect(in, n)
	var out []exit
	covered := 0
	for _, o := range s.Outcomes.Outcomes {
		if slices.Contains(platform.DialOutcomes(), platform.DialOutcome(identName(o.Name))) {
			covered++
		}
		out = append(out, b.block(c, blockSteps(o.Body), []exit{{from: n, label: "on " + identName(o.Name)}})...)
	}
	if covered < len(platform.DialOutcomes()) {
		label := "other outcomes"
		if len(s.Outcomes.Outcomes) == 0 {
			label = ""
		}
		out = append(out, exit{from: n, label: label})
	}
	return out
}

// dialLabel is a makeCall as the source writes it, its blocks left out.
func dialLabel(s *ast.MakeCall) string {
	label := "makeCall "
	if s.Kind != nil {
		label += s.Kind.Name + " "
	}
	label += exprText(s.Number) + mod("from", s.From)
	if s.Record {
		label += " record"
	}
	return label
}
