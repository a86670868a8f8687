package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/platform"
)

// checkGraph looks at the flow as a graph of handlers: what nothing reaches,
// steps after the end of a handler, agent and ivr on one path, goto cycles a
// caller can never leave, answers too big for their platform, and 8x8
// handlers that end without hanging up.
func (c *checker) checkGraph() {
	c.reachability()
	for _, h := range c.handlers {
		c.liveSteps(h.Body)
	}
	c.gotoCycles()
	c.lookupCycles()
	for _, p := range c.targets() {
		if p.Limits.Answer.Max > 0 {
			c.answerSizes(p)
		}
	}
	if on := hangsUpAtEnd(c.info.Platforms); on != "" {
		called := c.doTargets()
		for _, h := range c.handlers {
			// A subroutine ends by returning; elsewhere a return is the
			// end of the handler, as falling off it is.
			if (!blockEnds(h.Body) || c.hasReturn(h.Body)) && !called[h.Name.Name] {
				c.report(diag.Warningf(diag.NoHangup, h.Name.At, "handler %q can end without hangup on %s", h.Name.Name, on).
					Do("End every path with hangup, makeCall or goto; %s hangs up anyway, but say so.", on))
			}
		}
	}
}

// hangsUpAtEnd names the targets among names whose end of a handler hangs
// up (platform.EndHangup), joined with " and "; "" when there are none.
func hangsUpAtEnd(names []string) string {
	var on []string
	for _, n := range names {
		if p, ok := platform.Lookup(n); ok && p.End == platform.EndHangup {
			on = append(on, n)
		}
	}
	return strings.Join(on, " and ")
}

func (c *checker) reachability() {
	reached := make(map[string]bool, len(c.handlers))
	var visit func(name string)
	visit = func(name string) {
		h, ok := c.info.Handlers[name]
		if !ok || reached[name] {
			return
		}
		reached[name] = true
		c.walkSteps(h.Body, func(s ast.Step) {
			if t := jumpTarget(s); t != "" {
				visit(t)
			}
		})
	}
	for _, r := range c.rules {
		visit(r.Handler.Name)
	}
	for _, h := range c.handlers {
		if !reached[h.Name.Name] && c.info.Handlers[h.Name.Name] == h {
			c.report(diag.Warningf(diag.UnreachableHandler, h.Name.At, "nothing reaches handler %q", h.Name.Name).
				Do("Add a rule or goto that leads to it, or delete it."))
		}
	}
}

// liveSteps is deadSteps, skipped for a body the last check found had no
// dead steps: what deadSteps says depends on the body alone.
func (c *checker) liveSteps(body *ast.Block) {
	if c.u.Cache == nil {
		c.deadSteps(body)
		return
	}
	if !c.last.live[body] {
		before := len(c.diags)
		c.deadSteps(body)
		if len(c.diags) != before {
			return
		}
	}
	if c.now.live == nil {
		c.now.live = make(map[*ast.Block]bool, len(c.handlers))
	}
	c.now.live[body] = true
}

// deadSteps warns about steps after one that ends the handler, in every
// block of body. An agent followed by an ivr (or the reverse) is an error of
// its own: a call goes to one of them, never both. Blocks inside a step
// reported as never running are not looked into.
func (c *checker) deadSteps(body *ast.Block) {
	var dead map[ast.Step]bool // made at the first dead step: most handlers have none
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case ast.Step:
			return !dead[n]
		case *ast.Block:
			for _, s := range c.deadAfterEnd(n) {
				if dead == nil {
					dead = map[ast.Step]bool{}
				}
				dead[s] = true
			}
		}
		return true
	})
}

// deadAfterEnd reports the first step of b that follows one ending the
// handler, and returns the steps that never run.
func (c *checker) deadAfterEnd(b *ast.Block) []ast.Step {
	for i, s := range b.Steps {
		if !ends(s) || i == len(b.Steps)-1 {
			continue
		}
		next := b.Steps[i+1]
		if handsOff(s) && handsOff(next) && ast.Keyword(s) != ast.Keyword(next) {
			c.report(diag.Errorf(diag.AgentAndIVR, next.Span(), "%s after %s on one path", ast.Keyword(next), ast.Keyword(s)).
				Do("A call goes to an AI agent or an IVR, not both: keep one, or put them on different branches.").
				Also(s.Span(), "%s hands the call off here", ast.Keyword(s)))
		} else {
			c.report(diag.Warningf(diag.UnreachableStep, next.Span(), "%s never runs: %s ends the handler", ast.Keyword(next), ast.Keyword(s)).
				Do("Remove the steps after %s, or move them before it.", ast.Keyword(s)).Also(s.Span(), "the handler ends here"))
		}
		return b.Steps[i+1:]
	}
	return nil
}

func handsOff(s ast.Step) bool {
	switch s.(type) {
	case *ast.Agent, *ast.IVR:
		return true
	}
	return false
}

// gotoCycles finds handlers that goto or do each other in a loop where no
// handler captures, nor does a handler off the loop that captures: such a
// call would spin until the step limit, or nest do frames past the limit.
// A loop of gotos alone is a goto-cycle; one with a do, a do-cycle.
func (c *checker) gotoCycles() {
	g := newNameGraph(len(c.handlers))
	nodes := make([]int, len(c.handlers))
	for i, h := range c.handlers {
		nodes[i] = g.id(h.Name.Name)
	}
	edges := make([][]ast.Step, len(g.names)) // *ast.Goto and *ast.Do, by id
	captures := make([]bool, len(g.names))
	for i := range c.handlers {
		from := nodes[i]
		for _, s := range c.handlerSteps(i) {
			switch s.(type) {
			case *ast.Goto, *ast.Do:
				edges[from] = append(edges[from], s)
			default:
				captures[from] = captures[from] || suspends(s)
			}
		}
	}
	var targets []string
	for from, steps := range edges {
		if steps == nil {
			continue
		}
		targets = targets[:0]
		for _, s := range steps {
			targets = append(targets, jumpTarget(s))
		}
		g.link(from, targets)
	}
	// Names only jumped to have no edges and capture nothing.
	edges = append(edges, make([][]ast.Step, len(g.names)-len(edges))...)
	captures = append(captures, make([]bool, len(g.names)-len(captures))...)
	waits := g.reachesCapture(nodes, captures)
	for _, scc := range g.components(nodes) {
		if slices.ContainsFunc(scc, func(n int) bool { return captures[n] || g.doesWaiting(edges[n], scc, waits) }) {
			continue
		}
		s := g.firstJumpInto(scc, edges)
		if s == nil {
			continue
		}
		names := g.nameAll(scc)
		if d := g.firstDoInto(scc, edges); d != nil {
			c.report(diag.Errorf(diag.DoCycle, d.At, "%s", cycleSummary(names, "does itself", "do each other")).
				Do("Break the cycle, or capture input on it: a call may nest at most 16 do frames."))
			continue
		}
		c.report(diag.Errorf(diag.GotoCycle, s.Span(), "%s", cycleSummary(names, "goes to itself", "goto each other")).
			Do("Break the cycle, or capture input on it so the caller can leave."))
	}
}

// jumpTarget is the handler a goto or do names.
func jumpTarget(s ast.Step) string {
	switch s := s.(type) {
	case *ast.Goto:
		return s.Handler.Name
	case *ast.Do:
		return s.Handler.Name
	}
	return ""
}

// doesWaiting reports whether one of steps does a handler off the cycle
// that reaches a capture: the call waits for the caller each time round.
func (g *nameGraph) doesWaiting(steps []ast.Step, scc []int, waits []bool) bool {
	for _, s := range steps {
		if d, ok := s.(*ast.Do); ok {
			if to := g.ids[d.Handler.Name]; !slices.Contains(scc, to) && waits[to] {
				return true
			}
		}
	}
	return false
}

func (g *nameGraph) firstJumpInto(scc []int, edges [][]ast.Step) ast.Step {
	for _, from := range scc {
		for _, s := range edges[from] {
			if slices.Contains(scc, g.ids[jumpTarget(s)]) {
				return s
			}
		}
	}
	return nil
}

func (g *nameGraph) firstDoInto(scc []int, edges [][]ast.Step) *ast.Do {
	for _, from := range scc {
		for _, s := range edges[from] {
			if d, ok := s.(*ast.Do); ok && slices.Contains(scc, g.ids[d.Handler.Name]) {
				return d
			}
		}
	}
	return nil
}

func joinQuoted(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += "\"" + n + "\""
	}
	return out
}

// cycleSummary says which handlers loop: one that jumps to itself (alone),
// or several that jump to each other (each), with no capture on the way.
func cycleSummary(scc []string, alone, each string) string {
	if len(scc) == 1 {
		return fmt.Sprintf("handler %q %s without a capture", scc[0], alone)
	}
	return fmt.Sprintf("handlers %s %s without a capture", joinQuoted(scc), each)
}
