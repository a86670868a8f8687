package graph

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// shipped lists the flows in the repository's flows folder (tests left out).
func shipped(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../../flows/*.flow")
	if err != nil {
		t.Fatal(err)
	}
	paths = slices.DeleteFunc(paths, func(p string) bool { return strings.HasSuffix(p, "_test.flow") })
	if len(paths) == 0 {
		t.Fatal("no shipped flows found")
	}
	return paths
}

func parse(t *testing.T, name string, src []byte) *ast.File {
	t.Helper()
	f, ds := parser.ParseFile(name, src)
	if f == nil || ds.HasErrors() {
		t.Fatalf("%s does not parse: %v", name, ds)
	}
	return f
}

func parseFile(t *testing.T, path string) *ast.File {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, filepath.Base(path), src)
}

func render(t *testing.T, g *Graph, format string) string {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if format == "dot" {
		err = DOT(&buf, g)
	} else {
		err = Mermaid(&buf, g)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestGolden draws every shipped flow, and the flow of troublesome strings,
// in both formats. Run with -update to rewrite testdata/NAME.mmd and
// testdata/NAME.dot.
func TestGolden(t *testing.T) {
	for _, path := range append(shipped(t), "testdata/escape.flow") {
		name := strings.TrimSuffix(filepath.Base(path), ".flow")
		for format, ext := range map[string]string{"mermaid": ".mmd", "dot": ".dot"} {
			t.Run(name+ext, func(t *testing.T) {
				goldenFile(t, name+ext, render(t, Build(parseFile(t, path)), format))
			})
		}
	}
}

// goldenFile compares got with testdata/NAME, or writes it there with -update.
func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update after checking):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// TestDeterministic builds and renders every flow twice.
func TestDeterministic(t *testing.T) {
	for _, path := range append(shipped(t), "testdata/structure.flow") {
		f := parseFile(t, path)
		for _, format := range []string{"mermaid", "dot"} {
			a, b := render(t, Build(f), format), render(t, Build(f), format)
			if a != b {
				t.Errorf("%s %s: two renderings differ", path, format)
			}
		}
	}
}

var idRE = regexp.MustCompile(`^n[1-9][0-9]*$`)

// TestStructure checks the model against the syntax tree: every handler is
// drawn once, in its own cluster; every goto is a dashed edge from its
// handler's cluster to the named handler's node; the rules form a chain in
// source order with "yes" edges to their handlers; ids are generated.
func TestStructure(t *testing.T) {
	for _, path := range append(shipped(t), "testdata/structure.flow") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f := parseFile(t, path)
			g := Build(f)
			checkIDs(t, g)

			var handlers []*ast.Handler
			var rules []*ast.Rule
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.Handler:
					handlers = append(handlers, d)
				case *ast.Rule:
					rules = append(rules, d)
				}
			}

			// Handlers: one cluster and one Handler node each, in order.
			var handlerNodes []*Node
			for _, n := range g.Nodes {
				if n.Kind == Handler {
					handlerNodes = append(handlerNodes, n)
				}
			}
			if len(handlerNodes) != len(handlers) || len(g.Clusters) != len(handlers) {
				t.Fatalf("%d handler nodes and %d clusters for %d handlers", len(handlerNodes), len(g.Clusters), len(handlers))
			}
			for i, h := range handlers {
				c := g.Clusters[i]
				if c.Label != h.Name.Name || c.Handler != handlerNodes[i] || c.Handler.Cluster != c || c.Handler.Label != "handler "+h.Name.Name {
					t.Errorf("handler %d: cluster %q with node %q, want %q", i, c.Label, c.Handler.Label, h.Name.Name)
				}
				if c.Nodes[0] != c.Handler {
					t.Errorf("handler %s: the cluster does not start with the handler node", h.Name.Name)
				}
			}

			// Gotos and dos: the (from handler, to handler) pairs of the
			// tree are exactly those of the dashed edges.
			want := map[[2]string]bool{}
			for _, h := range handlers {
				ast.Inspect(h.Body, func(n ast.Node) bool {
					switch s := n.(type) {
					case *ast.Goto:
						want[[2]string{h.Name.Name, s.Handler.Name}] = true
					case *ast.Do:
						want[[2]string{h.Name.Name, s.Handler.Name}] = true
					}
					return true
				})
			}
			got := map[[2]string]bool{}
			for _, e := range g.Edges {
				if !e.Goto {
					continue
				}
				if e.To.Kind != Handler || e.From.Cluster == nil {
					t.Errorf("goto edge %s -> %s (%v) does not join a handler's step to a handler", e.From.ID, e.To.ID, e.To.Kind)
					continue
				}
				if g.Handler(e.To.Cluster.Label) != e.To {
					t.Errorf("goto edge to %s does not reach handler %s's node", e.To.ID, e.To.Cluster.Label)
				}
				got[[2]string{e.From.Cluster.Label, e.To.Cluster.Label}] = true
			}
			if !mapsEqual(got, want) {
				t.Errorf("goto edges %v, want %v", got, want)
			}

			// Rules: follow the chain from the start node.
			start := g.Nodes[0]
			if start.Kind != Start || start.Label != "call" {
				t.Fatalf("first node is %v %q, want the start node", start.Kind, start.Label)
			}
			out := edgesFrom(g, start)
			if len(out) != 1 {
				t.Fatalf("the start node has %d edges out, want 1", len(out))
			}
			next := out[0] // the edge into the next rule
			otherwise := false
			for i, r := range rules {
				if r.Cond == nil {
					if next.To != g.Handler(r.Handler.Name) {
						t.Errorf("rule %d (otherwise) does not lead to handler %s", i, r.Handler.Name)
					}
					otherwise = true
					break
				}
				d := next.To
				if d.Kind != Rule || d.Label != cleanLabel(r.Cond.Text) {
					t.Fatalf("rule %d: the chain reaches %v %q, want the rule %q", i, d.Kind, d.Label, r.Cond.Text)
				}
				if yes := labelled(g, d, "yes"); yes == nil || yes.To != g.Handler(r.Handler.Name) {
					t.Errorf("rule %d: yes does not lead to handler %s", i, r.Handler.Name)
				}
				if next = labelled(g, d, "no"); next == nil {
					t.Fatalf("rule %d has no \"no\" edge", i)
				}
			}
			if !otherwise && (next.To.Kind != End || !strings.HasPrefix(next.To.Label, "no rule:")) {
				t.Errorf("the rule chain ends in %v %q, want a no-rule leaf", next.To.Kind, next.To.Label)
			}
		})
	}
}

func edgesFrom(g *Graph, n *Node) []*Edge {
	var out []*Edge
	for _, e := range g.Edges {
		if e.From == n {
			out = append(out, e)
		}
	}
	return out
}

func labelled(g *Graph, from *Node, label string) *Edge {
	for _, e := range g.Edges {
		if e.From == from && e.Label == label {
			return e
		}
	}
	return nil
}

func mapsEqual(a, b map[[2]string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func checkIDs(t *testing.T, g *Graph) {
	t.Helper()
	seen := map[string]bool{}
	for i, n := range g.Nodes {
		if !idRE.MatchString(n.ID) || seen[n.ID] {
			t.Errorf("node %d has id %q: want a fresh generated n<N>", i, n.ID)
		}
		seen[n.ID] = true
	}
	for _, e := range g.Edges {
		if !seen[e.From.ID] || !seen[e.To.ID] {
			t.Errorf("edge %s -> %s joins a node that is not in the graph", e.From.ID, e.To.ID)
		}
	}
}

// draw parses src and returns its graph and the labels of its nodes by id.
func draw(t *testing.T, src string) *Graph {
	t.Helper()
	return Build(parse(t, "t.flow", []byte(src)))
}

// edgeSet lists edges as "FROM -label-> TO" with node labels, dashed
// (goto) edges as "FROM =label=> TO".
func edgeSet(g *Graph) []string {
	var out []string
	for _, e := range g.Edges {
		arrow := " -" + e.Label + "-> "
		if e.Goto {
			arrow = " =" + e.Label + "=> "
		}
		out = append(out, e.From.Label+arrow+e.To.Label)
	}
	return out
}

func TestBuildCases(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // edges, as edgeSet writes them
	}{
		{
			name: "otherwise only, fall off the end on tencent",
			src:  "flow f\ntarget tencent\notherwise -> h\nhandler h {\n  set x = 1\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> set x = 1",
				"set x = 1 --> end: keep bound agent/IVR",
			},
		},
		{
			name: "no rules at all",
			src:  "flow f\ntarget 8x8\nhandler h {\n  hangup\n}\n",
			want: []string{
				"call --> no rule: hang up",
				"handler h --> hangup",
			},
		},
		{
			name: "if without else continues with no; steps after hangup are drawn unreached",
			src: "flow f\ntarget tencent\notherwise -> h\nhandler h {\n" +
				"  if caller == \"1\" { agent 1 }\n  ivr 2\n  hangup\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> if caller == \"1\"",
				"if caller == \"1\" -yes-> agent 1",
				"if caller == \"1\" -no-> ivr 2",
			},
		},
		{
			name: "empty branches carry their label on",
			src: "flow f\ntarget tencent\notherwise -> h\nhandler h {\n" +
				"  if caller == \"1\" { } else { }\n  switch caller { case \"2\" { } else { } }\n  hangup\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> if caller == \"1\"",
				"if caller == \"1\" -yes-> switch caller",
				"if caller == \"1\" -else-> switch caller",
				"switch caller -case \"2\"-> hangup",
				"switch caller -else-> hangup",
			},
		},
		{
			name: "goto an undeclared handler, and goto as the first step",
			src:  "flow f\ntarget tencent\nwhen true -> h\nhandler h {\n  goto nowhere\n}\n",
			want: []string{
				"call --> true",
				"true -yes-> handler h",
				"true -no-> no rule: keep bound agent/IVR",
				"handler h =goto=> no handler nowhere",
			},
		},
		{
			name: "callback: the end sends nothing more",
			src:  "flow f\ntarget callback\notherwise -> h\nhandler h {\n  callback {\n    leg A to caller from \"+1\"\n    leg B to \"+2\" from caller\n  }\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> callback\nleg A to caller from \"+1\"\nleg B to \"+2\" from caller",
				"callback\nleg A to caller from \"+1\"\nleg B to \"+2\" from caller --> end: nothing more to send",
			},
		},
		{
			name: "no target: the platforms that run every step, each named",
			src:  "flow f\nwhen true -> h\nhandler h {\n  set x = 1\n}\n",
			want: []string{
				"call --> true",
				"true -yes-> handler h",
				"true -no-> no rule:\ntencent: keep bound agent/IVR\n8x8, jambonz, twilio, vonage: hang up\ncallback, callbot: send nothing",
				"handler h --> set x = 1",
				"set x = 1 --> end:\ntencent: keep bound agent/IVR\n8x8, jambonz, twilio, vonage: hang up\ncallback, callbot: nothing more to send",
			},
		},
		{
			name: "do is a dashed edge to the subroutine and goes on by return; return is a leaf",
			src: "flow f\ntarget tencent\notherwise -> h\nhandler h {\n  do sub\n  ivr 2\n}\n" +
				"handler sub {\n  if caller == \"1\" { return }\n  set x = 1\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> do sub",
				"do sub =do=> handler sub",
				"do sub -return-> ivr 2",
				"handler sub --> if caller == \"1\"",
				"if caller == \"1\" -yes-> return",
				"if caller == \"1\" -no-> set x = 1",
				"set x = 1 --> end: return",
			},
		},
		{
			name: "the end of a handler only do reaches, or one it goes to, is a return; one a rule also reaches ends the call",
			src: "flow f\ntarget 8x8\nwhen true -> h\notherwise -> both\nhandler h {\n  do sub\n  do both\n  hangup\n}\n" +
				"handler sub {\n  goto next\n}\nhandler next {\n  set x = 1\n}\nhandler both {\n  set y = 1\n}\n",
			want: []string{
				"call --> true",
				"true -yes-> handler h",
				"true -no-> handler both",
				"handler h --> do sub",
				"do sub =do=> handler sub",
				"do sub -return-> do both",
				"do both =do=> handler both",
				"do both -return-> hangup",
				"handler sub =goto=> handler next",
				"handler next --> set x = 1",
				"set x = 1 --> end: return",
				"handler both --> set y = 1",
				"set y = 1 --> end: hang up",
			},
		},
		{
			name: "a capture's on blocks hang off it by outcome and rejoin after it",
			src: "flow f\ntarget 8x8\nvoice \"v\"\notherwise -> h\nhandler h {\n  capture c {\n    prompt \"p\"\n    tries 2\n" +
				"    on noinput { hangup }\n    on nomatch { say \"again\" }\n  }\n  say \"ok\"\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> capture c\n\"p\"",
				"capture c\n\"p\" -on noinput-> hangup",
				"capture c\n\"p\" -on nomatch-> say \"again\"",
				"capture c\n\"p\" -entry-> say \"ok\"",
				"say \"again\" --> say \"ok\"",
				"say \"ok\" --> end: hang up",
			},
		},
		{
			name: "a makeCall's outcome blocks hang off it by outcome; the outcomes without one go on after it",
			src: "flow f\ntarget 8x8\nvoice \"v\"\notherwise -> h\nhandler h {\n  pause 1s\n" +
				"  makeCall sip \"sip:a@b\" timeout 20s {\n    on busy { hangup }\n    on noanswer { record vm { max 60s } }\n  }\n  say \"bye\"\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> pause 1s",
				"pause 1s --> makeCall sip \"sip:a@b\"",
				"makeCall sip \"sip:a@b\" -on busy-> hangup",
				"makeCall sip \"sip:a@b\" -on noanswer-> record vm",
				"record vm --> say \"bye\"",
				"makeCall sip \"sip:a@b\" -other outcomes-> say \"bye\"",
				"say \"bye\" --> end: hang up",
			},
		},
		{
			name: "a makeCall whose every outcome has a block goes on only from the blocks",
			src: "flow f\ntarget 8x8\notherwise -> h\nhandler h {\n  makeCall \"+1\" {\n    on busy { hangup }\n    on noanswer { hangup }\n" +
				"    on failed { hangup }\n    on completed { set done = true }\n  }\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> makeCall \"+1\"",
				"makeCall \"+1\" -on busy-> hangup",
				"makeCall \"+1\" -on noanswer-> hangup",
				"makeCall \"+1\" -on failed-> hangup",
				"makeCall \"+1\" -on completed-> set done = true",
				"set done = true --> end: hang up",
			},
		},
		{
			name: "multi-line expressions are squashed, long labels cut",
			src: "flow f\ntarget tencent\notherwise -> h\nhandler h {\n  set m = {\n    a: 1,\n    b: 2\n  }\n" +
				"  set long = \"" + strings.Repeat("x", 80) + "\"\n}\n",
			want: []string{
				"call -otherwise-> handler h",
				"handler h --> set m = { a: 1, b: 2 }",
				"set m = { a: 1, b: 2 } --> set long = \"" + strings.Repeat("x", MaxLabel-13) + "…",
				"set long = \"" + strings.Repeat("x", MaxLabel-13) + "… --> end: keep bound agent/IVR",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := draw(t, tt.src)
			checkIDs(t, g)
			if got := edgeSet(g); !slices.Equal(got, tt.want) {
				t.Errorf("edges:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestBuildKinds(t *testing.T) {
	g := Build(parseFile(t, "../../flows/support.flow"))
	kinds := map[string]Kind{}
	for _, n := range g.Nodes {
		kinds[n.Label] = n.Kind
	}
	for label, want := range map[string]Kind{
		"call":                     Start,
		"not open(office)":         Rule,
		"handler menu":             Handler,
		`say "Welcome to ACME."`:   Step,
		"switch choice":            Decision,
		"makeCall sales from line": Terminal,
		"hangup":                   Terminal,
	} {
		if kinds[label] != want {
			t.Errorf("%q is a %v, want %v", label, kinds[label], want)
		}
	}
	for _, n := range g.Nodes {
		if strings.HasPrefix(n.Label, "capture choice\n") && n.Kind != Capture {
			t.Errorf("capture choice is a %v", n.Kind)
		}
	}
	// A record and a makeCall with outcome blocks wait for the call, as a
	// capture does; a makeCall without them ends the handler.
	waits := Build(parse(t, "w.flow", []byte("flow w\nhandler h {\n  record vm { beep }\n  makeCall \"+1\" { on busy { hangup } }\n  makeCall \"+2\"\n}\n")))
	for label, want := range map[string]Kind{"record vm": Capture, `makeCall "+1"`: Capture, `makeCall "+2"`: Terminal} {
		found := false
		for _, n := range waits.Nodes {
			if n.Label == label {
				found = true
				if n.Kind != want {
					t.Errorf("%q is a %v, want %v", label, n.Kind, want)
				}
			}
		}
		if !found {
			t.Errorf("no node %q", label)
		}
	}
	if Build(nil) == nil || len(Build(nil).Nodes) != 0 {
		t.Error("Build(nil) should be an empty graph")
	}
}
