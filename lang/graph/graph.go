// Package graph draws a flow as a diagram. Build turns a parsed file into a
// small graph model (nodes with generated ids, kinds and labels taken from the
// source; edges with optional labels); Mermaid and DOT render that model as a
// Mermaid flowchart or a Graphviz digraph.
//
// The diagram reads top to bottom: a start node "call", the rules as a chain
// of decisions (each `when` condition with a "yes" edge to its handler and a
// "no" edge to the next rule, `otherwise` as the last "no"), then one cluster
// per handler holding the handler node and its steps. if and switch are
// decisions with an edge per branch or case; goto is a dashed edge to the
// named handler's node, and so is do (labelled "do"), whose step goes on
// with a "return" edge; a capture's on blocks hang off it by their
// outcome; steps that end the handler (hangup, makeCall, agent,
// ivr) are leaves, and so is falling off the end of a handler, labelled with
// what the target platforms do then.
//
// Node ids are generated (n1, n2, … in output order; clusters c1, c2, …) and
// never derived from the source, so no name can break the diagram's syntax;
// user text only ever appears inside quoted, escaped labels. The output is
// deterministic.
package graph

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
)

// Kind is what a node stands for; the renderers give each kind its shape.
type Kind uint8

// The kinds of node.
const (
	Start    Kind = iota // where a call enters: "call"
	Rule                 // a `when` condition of the rule chain
	Handler              // a handler's entry, the target of rules and gotos
	Step                 // say, play, set, callback, campaign
	Capture              // waits for the call: capture's digits, record's recording, makeCall's outcome
	Decision             // an if condition or a switch value
	Terminal             // a step that ends the handler: hangup, makeCall, agent, ivr
	End                  // falling off the end of a handler, or no rule matching
	Missing              // a rule or goto naming a handler that is not declared
)

var kindNames = [...]string{"start", "rule", "handler", "step", "capture", "decision", "terminal", "end", "missing"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Node is one box of the diagram.
type Node struct {
	ID      string // generated: n1, n2, …
	Kind    Kind
	Label   string      // from the source; '\n' separates lines
	Cluster *Cluster    // the handler it belongs to; nil at the top level
	At      source.Span // the source it was drawn from, when there is one
}

// Edge is an arrow between two nodes.
type Edge struct {
	From, To *Node
	Label    string // "yes", "no", `case "1"`, "goto", …; may be empty
	Goto     bool   // a jump to another handler (drawn dashed)
}

// Cluster groups a handler's node with its steps.
type Cluster struct {
	ID      string // generated: c1, c2, …
	Label   string // the handler's name
	Handler *Node  // the handler's entry node
	Nodes   []*Node
}

// Graph is a flow as nodes and edges. Nodes lists the top-level nodes first,
// then each cluster's nodes, which is also the order of their ids.
type Graph struct {
	Name     string // the flow's name
	Nodes    []*Node
	Edges    []*Edge
	Clusters []*Cluster
}

// Handler returns the entry node of the first handler called name, or nil.
func (g *Graph) Handler(name string) *Node {
	for _, c := range g.Clusters {
		if c.Label == name {
			return c.Handler
		}
	}
	return nil
}

// MaxLabel is the most characters (runes) one line of a label keeps; longer
// lines end in "…".
const MaxLabel = 60

// Build draws f. It needs only the syntax tree, so it also draws a file the
// checker rejects; rules and gotos naming unknown handlers then lead to a
// Missing node.
func Build(f *ast.File) *Graph {
	b := &builder{g: &Graph{}, handlers: map[string]*Node{}, missing: map[string]*Node{}}
	if f == nil {
		b.finish()
		return b.g
	}
	if f.Flow != nil {
		b.g.Name = f.Flow.Name
	}
	b.outcomes = outcomes(f)

	var rules []*ast.Rule
	var handlers []*ast.Handler
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Rule:
			rules = append(rules, d)
		case *ast.Handler:
			handlers = append(handlers, d)
		}
	}

	// Handler nodes first, so rules and gotos can point at any of them.
	clusters := make([]*Cluster, len(handlers))
	for i, h := range handlers {
		name := identName(h.Name)
		c := &Cluster{Label: name}
		c.Handler = b.node(c, Handler, "handler "+name, identSpan(h.Name))
		if _, dup := b.handlers[name]; !dup {
			b.handlers[name] = c.Handler
		}
		clusters[i] = c
		b.g.Clusters = append(b.g.Clusters, c)
	}

	b.rules(rules)
	returns := endReturns(rules, handlers)
	for i, h := range handlers {
		c := clusters[i]
		var steps []ast.Step
		if h.Body != nil {
			steps = h.Body.Steps
		}
		out := b.block(c, steps, []exit{{from: c.Handler}})
		if len(out) > 0 {
			label := b.outcomes.end
			if returns[identName(h.Name)] {
				label = "end: return"
			}
			end := b.node(c, End, label, h.Span())
			b.connect(out, end)
		}
	}
	b.finish()
	return b.g
}

// exit is an edge still waiting for the node it leads to.
type exit struct {
	from  *Node
	label string
}

type builder struct {
	g        *Graph
	top      []*Node          // nodes outside any cluster, in creation order
	handlers map[string]*Node // handler name → its node (the first declared)
	missing  map[string]*Node // undeclared handler name → its Missing node
	outcomes outcome
}

func (b *builder) node(c *Cluster, k Kind, label string, at source.Span) *Node {
	n := &Node{Kind: k, Label: label, Cluster: c, At: at}
	if c == nil {
		b.top = append(b.top, n)
	} else {
		c.Nodes = append(c.Nodes, n)
	}
	return n
}

func (b *builder) edge(from, to *Node, label string, isGoto bool) {
	b.g.Edges = append(b.g.Edges, &Edge{From: from, To: to, Label: label, Goto: isGoto})
}

// connect draws every waiting exit to n.
func (b *builder) connect(in []exit, n *Node) {
	for _, e := range in {
		b.edge(e.from, n, e.label, false)
	}
}

// target is the node of the handler called by a rule or goto.
func (b *builder) target(id *ast.Ident) *Node {
	name := identName(id)
	if n, ok := b.handlers[name]; ok {
		return n
	}
	if n, ok := b.missing[name]; ok {
		return n
	}
	n := b.node(nil, Missing, "no handler "+name, identSpan(id))
	b.missing[name] = n
	return n
}

// rules draws the decision chain from the start node.
func (b *builder) rules(rules []*ast.Rule) {
	start := b.node(nil, Start, "call", source.Span{})
	prev := exit{from: start}
	for _, r := range rules {
		if r.Cond == nil { // otherwise: the last "no" (or the only way on)
			label := prev.label
			if prev.from == start {
				label = "otherwise"
			}
			b.edge(prev.from, b.target(r.Handler), label, false)
			return // the checker rejects rules after otherwise; they never match
		}
		d := b.node(nil, Rule, exprText(r.Cond), r.Cond.At)
		b.connect([]exit{prev}, d)
		b.edge(d, b.target(r.Handler), "yes", false)
		prev = exit{from: d, label: "no"}
	}
	end := b.node(nil, End, b.outcomes.noRule, source.Span{})
	b.connect([]exit{prev}, end)
}

// block draws steps in c, entered by the exits in, and returns the exits
// that fall out of its end.
func (b *builder) block(c *Cluster, steps []ast.Step, in []exit) []exit {
	for _, s := range steps {
		in = b.step(c, s, in)
	}
	return in
}

func (b *builder) step(c *Cluster, s ast.Step, in []exit) []exit {
	switch s := s.(type) {
	case *ast.Goto:
		to := b.target(s.Handler)
		for _, e := range in {
			label := e.label
			if label == "" {
				label = "goto"
			}
			b.edge(e.from, to, label, true)
		}
		return nil
	case *ast.If:
		return b.ifStep(c, s, in)
	case *ast.Switch:
		return b.switchStep(c, s, in)
	case *ast.MakeCall:
		if s.Outcomes != nil {
			return b.dialOutcomes(c, s, in)
		}
		n := b.node(c, Terminal, stepLabel(s), s.Span())
		b.connect(in, n)
		return nil
	case *ast.Record:
		n := b.node(c, Capture, stepLabel(s), s.Span())
		b.connect(in, n)
		return []exit{{from: n}}
	case *ast.Hangup, *ast.Agent, *ast.IVR:
		n := b.node(c, Terminal, stepLabel(s), s.Span())
		b.connect(in, n)
		return nil
	case *ast.Capture:
		n := b.node(c, Capture, stepLabel(s), s.Span())
		b.connect(in, n)
		return b.onBlocks(c, n, s.Options)
	case *ast.Do:
		n := b.node(c, Step, stepLabel(s), s.Span())
		b.connect(in, n)
		b.edge(n, b.target(s.Handler), "do", true)
		return []exit{{from: n, label: "return"}}
	case *ast.Return:
		n := b.node(c, Terminal, "return", s.Span())
		b.connect(in, n)
		return nil
	case *ast.On: // outside a capture: the checker rejects it; drawn as written
		return b.block(c, blockSteps(s.Body), in)
	}
	n := b.node(c, Step, stepLabel(s), s.Span())
	b.connect(in, n)
	return []exit{{from: n}}
}

// onBlocks draws a capture's on blocks, each entered by an edge labelled
// with its outcome, and returns the exits on: the entry's (labelled
// "entry" when there are blocks) and what falls out of each block.
func (b *builder) onBlocks(c *Cluster, capture *Node, opts []*ast.Option) []exit {
	out := []exit{{from: capture}}
	for _, o := range opts {
		if o.Body == nil {
			continue
		}
		out[0].label = "entry"
		out = append(out, b.block(c, o.Body.Steps, []exit{{from: capture, label: "on " + identName(o.Outcome)}})...)
	}
	return out
}

// ifStep draws one decision per condition: "yes" into its block, "no" to the
// next condition; after the last, "else" into the else block, or "no" on to
// the next step.
func (b *builder) ifStep(c *Cluster, s *ast.If, in []exit) []exit {
	var out []exit
	for i, br := range s.Branches {
		d := b.node(c, Decision, "if "+exprText(br.Cond), br.Span())
		b.connect(in, d)
		out = append(out, b.block(c, blockSteps(br.Body), []exit{{from: d, label: "yes"}})...)
		in = []exit{{from: d, label: "no"}}
		if i == len(s.Branches)-1 && s.Else != nil {
			in[0].label = "else"
		}
	}
	if s.Else != nil {
		return append(out, b.block(c, s.Else.Steps, in)...)
	}
	return append(out, in...)
}

// switchStep draws the value as one decision with an edge per case, and
// "else" (or "no match" when there is no else) on.
func (b *builder) switchStep(c *Cluster, s *ast.Switch, in []exit) []exit {
	d := b.node(c, Decision, "switch "+exprText(s.Value), s.Span())
	b.connect(in, d)
	var out []exit
	for _, cs := range s.Cases {
		vals := make([]string, len(cs.Values))
		for i, v := range cs.Values {
			vals[i] = exprText(v)
		}
		label := "case " + strings.Join(vals, ", ")
		out = append(out, b.block(c, blockSteps(cs.Body), []exit{{from: d, label: label}})...)
	}
	if s.Else != nil {
		return append(out, b.block(c, s.Else.Steps, []exit{{from: d, label: "else"}})...)
	}
	return append(out, exit{from: d, label: "no match"})
}

// finish gives every node and cluster its id, in output order, and cleans
// every label.
func (b *builder) finish() {
	b.g.Nodes = append(b.g.Nodes, b.top...)
	for _, c := range b.g.Clusters {
		b.g.Nodes = append(b.g.Nodes, c.Nodes...)
	}
	for i, n := range b.g.Nodes {
		n.ID = "n" + strconv.Itoa(i+1)
		n.Label = cleanLabel(n.Label)
	}
	for i, c := range b.g.Clusters {
		c.ID = "c" + strconv.Itoa(i+1)
		c.Label = cleanLabel(c.Label)
	}
	for _, e := range b.g.Edges {
		e.Label = cleanLabel(e.Label)
	}
}

// stepLabel is a step as the source writes it, options left out.
func stepLabel(s ast.Step) string {
	switch s := s.(type) {
	case *ast.Say:
		return "say " + exprText(s.Text) + mod("voice", s.Voice) + mod("speed", s.Speed) + mod("repeat", s.Repeat) + mod("language", s.Language)
	case *ast.Play:
		return "play " + exprText(s.URL) + mod("repeat", s.Repeat)
	case *ast.Capture:
		label := "capture " + identName(s.Var)
		for _, o := range s.Options {
			if identName(o.Name) == "prompt" && len(o.Args) > 0 {
				if e, ok := o.Args[0].(*ast.Expr); ok {
					label += "\n" + exprText(e)
				}
			}
		}
		return label
	case *ast.MakeCall:
		return dialLabel(s)
	case *ast.Pause:
		return "pause " + s.Length.Text
	case *ast.Record:
		return "record " + identName(s.Var)
	case *ast.Agent:
		return "agent " + exprText(s.ID)
	case *ast.IVR:
		return "ivr " + exprText(s.ID)
	case *ast.Set:
		return "set " + identName(s.Var) + " = " + exprText(s.Value)
	case *ast.Hangup:
		return "hangup"
	case *ast.Callback:
		label := "callback"
		for _, l := range s.Legs {
			label += "\nleg " + identName(l.Name) + " to " + exprText(l.To) + mod("from", l.From)
		}
		return label
	case *ast.Campaign:
		return "campaign " + exprText(s.Name)
	case *ast.Do:
		return "do " + identName(s.Handler)
	case *ast.Post:
		// The URL and where the answer goes; never the headers, where
		// secrets stand.
		label := "post " + exprText(s.URL)
		if s.Into != nil {
			label += "\ninto " + identName(s.Into)
		}
		return label
	}
	return "step"
}

func mod(word string, e *ast.Expr) string {
	if e == nil {
		return ""
	}
	return " " + word + " " + exprText(e)
}

// exprText is an expression's source, its white space squashed to single
// spaces so a multi-line expression stays on one line of the label.
func exprText(e *ast.Expr) string {
	if e == nil {
		return ""
	}
	return squash(e.Text)
}

func identSpan(id *ast.Ident) source.Span {
	if id == nil {
		return source.Span{}
	}
	return id.At
}

func identName(id *ast.Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}

func blockSteps(b *ast.Block) []ast.Step {
	if b == nil {
		return nil
	}
	return b.Steps
}

// cleanLabel makes a label fit a diagram line by line: each line (the
// builder separates them with '\n'; source text has been squashed already)
// is squashed and cut to MaxLabel runes.
func cleanLabel(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = truncate(squash(line), MaxLabel)
	}
	return strings.Join(lines, "\n")
}

func squash(s string) string {
	var sb strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			space = true
			continue
		case unicode.IsControl(r) || r == utf8.RuneError:
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r)
	}
	return sb.String()
}

func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		n++
	}
	return s
}

// outcome labels the leaves where a call falls off the end of a handler
// (end) or matches no rule (noRule), with what the target platforms do then.
type outcome struct {
	end, noRule string
}

// outcomes reads the flow's platforms: its targets, or without any, every
// platform that can run all its steps (as the checker decides).
func outcomes(f *ast.File) outcome {
	var names []string
	seen := map[string]bool{}
	used := map[platform.Step]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Target:
			for _, p := range d.Platforms {
				if n := identName(p); n != "" && !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		case *ast.Handler:
			ast.Inspect(d.Body, func(n ast.Node) bool {
				if s, ok := n.(ast.Step); ok {
					used[platform.Step(ast.Keyword(s))] = true
				}
				return true
			})
		}
	}
	if len(names) == 0 {
		for _, p := range platform.All() {
			fits := true
			for k := range used {
				fits = fits && p.Supports(k)
			}
			if fits {
				names = append(names, p.Name)
			}
		}
	}
	return outcome{end: describe("end", names, false), noRule: describe("no rule", names, true)}
}

// describe labels a leaf: "end: hang up" when every platform does the same,
// else one line per outcome naming its platforms.
func describe(what string, names []string, noRule bool) string {
	var order []string
	by := map[string][]string{}
	for _, n := range names {
		does := platformEnd(n, noRule)
		if _, ok := by[does]; !ok {
			order = append(order, does)
		}
		by[does] = append(by[does], n)
	}
	switch len(order) {
	case 0:
		return what + ": platform default"
	case 1:
		return what + ": " + order[0]
	}
	label := what + ":"
	for _, does := range order {
		label += "\n" + strings.Join(by[does], ", ") + ": " + does
	}
	return label
}

// platformEnd is what one platform does when a handler ends without ending
// the call (spec/language.md §5, spec/platforms.md).
func platformEnd(name string, noRule bool) string {
	p, ok := platform.Lookup(name)
	switch {
	case !ok:
		return "platform default"
	case p.Trigger && noRule:
		return "send nothing"
	}
	return p.End.String()
}
