package graph

import (
	"fmt"
	"strings"
	"testing"
)

// stepsFlow is a callback flow whose one handler runs n steps; each is a
// say of text when text is given, else a set.
func stepsFlow(n int, text string) []byte {
	var b strings.Builder
	b.WriteString("flow big\ntarget callback\notherwise -> main\nhandler main {\n")
	for i := range n {
		if text != "" {
			fmt.Fprintf(&b, "  say %q\n", text)
		} else {
			fmt.Fprintf(&b, "  set x = %d\n", i)
		}
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// TestMermaidLimits: a diagram Mermaid would refuse with its default limits
// gets a warning naming the limit and what to do; one within them gets none.
// The warnings are compared with testdata/limits.golden.
func TestMermaidLimits(t *testing.T) {
	var all strings.Builder
	for _, tc := range []struct {
		name       string
		src        []byte
		text, edge bool
	}{
		// call → handler → n steps → the end of the handler: n+2 edges.
		{"498 steps: 500 edges", stepsFlow(498, ""), false, false},
		{"499 steps: 501 edges", stepsFlow(499, ""), false, true},
		// Each '%' is written #37;, so 60 of them make a label of 240
		// characters; 300 such steps are over 50,000 with 302 edges.
		{"300 long says", stepsFlow(300, strings.Repeat("%", 60)), true, false},
		{"600 long says", stepsFlow(600, strings.Repeat("%", 60)), true, true},
		{"600 short says", stepsFlow(600, "hi"), false, true},
	} {
		g := Build(parse(t, "big.flow", tc.src))
		mmd := render(t, g, "mermaid")
		warns := MermaidLimits(mmd, g)
		var text, edge bool
		for _, w := range warns {
			text = text || strings.Contains(w, "maxTextSize")
			edge = edge || strings.Contains(w, "maxEdges")
			if !strings.Contains(w, "--format dot") {
				t.Errorf("%s: warning %q does not say what to do", tc.name, w)
			}
		}
		if text != tc.text || edge != tc.edge || len(warns) != btoi(tc.text)+btoi(tc.edge) {
			t.Errorf("%s (%d characters, %d edges): warnings %q", tc.name, len(mmd), len(g.Edges), warns)
		}
		fmt.Fprintf(&all, "# %s\n", tc.name)
		for _, w := range warns {
			all.WriteString(w + "\n")
		}
	}
	for _, path := range shipped(t) {
		g := Build(parseFile(t, path))
		if w := MermaidLimits(render(t, g, "mermaid"), g); w != nil {
			t.Errorf("%s: %q", path, w)
		}
	}
	goldenFile(t, "limits.golden", all.String())
}

// TestTextSize counts as JavaScript does: an emoji is two units.
func TestTextSize(t *testing.T) {
	if n := textSize("aé您😀"); n != 5 {
		t.Errorf("textSize = %d, want 5", n)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
