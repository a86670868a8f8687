package graph

import (
	"io"
	"strings"
)

// Mermaid writes g as a Mermaid flowchart (top to bottom), one subgraph per
// handler. Ids are the generated ones; every label is quoted, with Mermaid's
// entity codes for the characters that would otherwise end or change it.
func Mermaid(w io.Writer, g *Graph) error {
	var sb strings.Builder
	sb.WriteString("flowchart TD\n")
	if g.Name != "" {
		// A flow name is an identifier, so it cannot end the comment line;
		// squash it anyway for graphs built by hand.
		sb.WriteString("    %% flow " + squash(g.Name) + "\n")
	}
	for _, n := range g.Nodes {
		if n.Cluster == nil {
			mermaidNode(&sb, "    ", n)
		}
	}
	for _, c := range g.Clusters {
		sb.WriteString("    subgraph " + c.ID + " [\"" + mermaidText(c.Label) + "\"]\n")
		for _, n := range c.Nodes {
			mermaidNode(&sb, "        ", n)
		}
		sb.WriteString("    end\n")
	}
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Goto {
			arrow = "-.->"
		}
		sb.WriteString("    " + e.From.ID + " " + arrow)
		if e.Label != "" {
			sb.WriteString("|\"" + mermaidText(e.Label) + "\"|")
		}
		sb.WriteString(" " + e.To.ID + "\n")
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// mermaidShapes are the brackets around a label, by kind.
var mermaidShapes = [...][2]string{
	Start:    {"((", "))"}, // circle
	Rule:     {"{", "}"},   // rhombus
	Handler:  {"[[", "]]"}, // subroutine
	Step:     {"[", "]"},   // rectangle
	Capture:  {"[/", "/]"}, // parallelogram: input
	Decision: {"{", "}"},   // rhombus
	Terminal: {"([", "])"}, // stadium
	End:      {">", "]"},   // flag
	Missing:  {"{{", "}}"}, // hexagon
}

func mermaidNode(sb *strings.Builder, indent string, n *Node) {
	shape := [2]string{"[", "]"}
	if int(n.Kind) < len(mermaidShapes) {
		shape = mermaidShapes[n.Kind]
	}
	sb.WriteString(indent + n.ID + shape[0] + "\"" + mermaidText(n.Label) + "\"" + shape[1] + "\n")
}

// mermaidText escapes a label for the inside of a Mermaid "…" string. Mermaid
// decodes #name; and #NNN; entity codes, so '#' itself is written #35; and
// user text can never spell an entity; '"' ends the string; '<', '>' and '&'
// would be HTML; '`' starts a Markdown string and '|' ends an edge label. A
// '\n' becomes <br/>.
//
// Mermaid also reads the whole text before parsing it: "%%{…}%%" anywhere is
// a directive (%%{init: {"theme": "dark"}}%% restyles the diagram, and its
// text can hide labels), so '%' is written #37;. And it turns the two
// characters "\n" of a label into a line break, so '\' is written #92;.
//
// Mermaid also strips the last ';' of any line matching style.*:\S*#.*; (or
// the same with classDef) before parsing, which would cut an entity short;
// in a label that contains those words, ':' is written #58; so no line can
// match.
func mermaidText(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			sb.WriteString("#quot;")
		case '#':
			sb.WriteString("#35;")
		case '&':
			sb.WriteString("#amp;")
		case '<':
			sb.WriteString("#lt;")
		case '>':
			sb.WriteString("#gt;")
		case '`':
			sb.WriteString("#96;")
		case '|':
			sb.WriteString("#124;")
		case '%':
			sb.WriteString("#37;")
		case '\\':
			sb.WriteString("#92;")
		case '\n':
			sb.WriteString("<br/>")
		case '\r':
		default:
			sb.WriteRune(r)
		}
	}
	out := sb.String()
	if strings.Contains(out, "style") || strings.Contains(out, "classDef") {
		out = strings.ReplaceAll(out, ":", "#58;")
	}
	return out
}

// DOT writes g as a Graphviz digraph, one cluster per handler. Every id is
// quoted (the generated n1, n2, … and cluster_c1, …), and every label is a
// quoted string (dotLabel); UTF-8 text is kept as it is.
func DOT(w io.Writer, g *Graph) error {
	var sb strings.Builder
	sb.WriteString("digraph " + dotString(g.Name) + " {\n")
	sb.WriteString("    rankdir=TB;\n")
	sb.WriteString("    node [shape=box];\n")
	for _, n := range g.Nodes {
		if n.Cluster == nil {
			dotNode(&sb, "    ", n)
		}
	}
	for _, c := range g.Clusters {
		sb.WriteString("    subgraph " + dotString("cluster_"+c.ID) + " {\n")
		sb.WriteString("        label=" + dotLabel(c.Label) + ";\n")
		sb.WriteString("        style=rounded;\n")
		for _, n := range c.Nodes {
			dotNode(&sb, "        ", n)
		}
		sb.WriteString("    }\n")
	}
	for _, e := range g.Edges {
		sb.WriteString("    " + dotString(e.From.ID) + " -> " + dotString(e.To.ID))
		var attrs []string
		if e.Label != "" {
			attrs = append(attrs, "label="+dotLabel(e.Label))
		}
		if e.Goto {
			attrs = append(attrs, "style=dashed")
		}
		if len(attrs) > 0 {
			sb.WriteString(" [" + strings.Join(attrs, ", ") + "]")
		}
		sb.WriteString(";\n")
	}
	sb.WriteString("}\n")
	_, err := io.WriteString(w, sb.String())
	return err
}

// dotAttrs are the node attributes, after the label, by kind.
var dotAttrs = [...]string{
	Start:    `shape=ellipse`,
	Rule:     `shape=diamond`,
	Handler:  `style=bold`,
	Step:     ``,
	Capture:  `shape=parallelogram`,
	Decision: `shape=diamond`,
	Terminal: `style="rounded,filled", fillcolor=lightgrey`,
	End:      `style="rounded,dashed"`,
	Missing:  `shape=hexagon, style=dashed`,
}

func dotNode(sb *strings.Builder, indent string, n *Node) {
	sb.WriteString(indent + dotString(n.ID) + " [label=" + dotLabel(n.Label))
	if int(n.Kind) < len(dotAttrs) && dotAttrs[n.Kind] != "" {
		sb.WriteString(", " + dotAttrs[n.Kind])
	}
	sb.WriteString("];\n")
}

// dotLabel quotes s as a DOT label. Graphviz decodes HTML entities in every
// label, quoted or not (&amp; &lt; &#38; …), so '&' is written &amp; and user
// text can never spell one; the backslash escapes of labels (\N, \G, \l, …)
// cannot arise, since dotString doubles every '\'. The node shapes are never
// records, so '{', '|' and '<' mean nothing.
func dotLabel(s string) string {
	return dotString(strings.ReplaceAll(s, "&", "&amp;"))
}

// dotString quotes s as a DOT string: '\' and '"' escaped, a line break as
// \n (a centred line in a label). It suits ids; labels go through dotLabel.
func dotString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			sb.WriteString(`\\`)
		case '"':
			sb.WriteString(`\"`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
