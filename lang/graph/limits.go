package graph

import (
	"fmt"
	"unicode/utf16"
)

// Mermaid's default limits, the maxTextSize and maxEdges options of
// mermaid.initialize. GitHub and most Markdown viewers render with the
// defaults, and past either one Mermaid shows an error ("Maximum text size in
// diagram exceeded", "Edge limit exceeded") in place of the diagram. A
// diagram cannot raise them itself: both are "secure" options, which
// %%{init}%% directives may not change.
const (
	MermaidMaxTextSize = 50000 // characters of the diagram text, as JavaScript counts them (UTF-16 units)
	MermaidMaxEdges    = 500
)

// MermaidLimits returns one warning for each of Mermaid's default limits that
// diagram, the output of Mermaid for g, goes past, saying what to do. It
// returns nil when Mermaid draws the diagram as it is.
func MermaidLimits(diagram string, g *Graph) []string {
	const advice = "draw it with --format dot, or raise %s in mermaid.initialize where you render it (GitHub's viewer cannot be configured)"
	var warns []string
	if n := textSize(diagram); n > MermaidMaxTextSize {
		warns = append(warns, fmt.Sprintf("the Mermaid diagram is %d characters long, over Mermaid's default maxTextSize of %d, so viewers show an error instead; "+advice,
			n, MermaidMaxTextSize, "maxTextSize"))
	}
	if n := len(g.Edges); n > MermaidMaxEdges {
		warns = append(warns, fmt.Sprintf("the Mermaid diagram has %d edges, over Mermaid's default maxEdges of %d, so viewers show an error instead; "+advice,
			n, MermaidMaxEdges, "maxEdges"))
	}
	return warns
}

// textSize is the length of s as JavaScript's String.length counts it.
func textSize(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
