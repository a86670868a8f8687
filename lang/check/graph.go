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
// caller can never leave, and 8x8 handlers that end without hanging up.
func (c *checker) checkGraph() {
	c.reachability()
	for _, h := range c.handlers {
		c.deadSteps(h.Body)
	}
	c.gotoCycles()
	c.lookupCycles()
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
	edges := make(map[string][]ast.Step, len(c.handlers)) // *ast.Goto and *ast.Do
	captures := make(map[string]bool, len(c.handlers))
	for _, h := range c.handlers {
		c.walkSteps(h.Body, func(s ast.Step) {
			switch s.(type) {
			case *ast.Goto, *ast.Do:
				edges[h.Name.Name] = append(edges[h.Name.Name], s)
			default:
				captures[h.Name.Name] = captures[h.Name.Name] || suspends(s)
			}
		})
	}
	names := make([]string, len(c.handlers))
	for i, h := range c.handlers {
		names[i] = h.Name.Name
	}
	jumps := make(map[string][]string, len(edges)) // what targets returns, built once
	for from, steps := range edges {
		out := make([]string, len(steps))
		for i, s := range steps {
			out[i] = jumpTarget(s)
		}
		jumps[from] = out
	}
	targets := func(from string) []string { return jumps[from] }
	waits := reachesCapture(names, targets, captures)
	for _, scc := range components(names, targets) {
		if slices.ContainsFunc(scc, func(n string) bool { return captures[n] || doesWaiting(edges[n], scc, waits) }) {
			continue
		}
		s := firstJumpInto(scc, edges)
		if s == nil {
			continue
		}
		if d := firstDoInto(scc, edges); d != nil {
			c.report(diag.Errorf(diag.DoCycle, d.At, "%s", cycleSummary(scc, "does itself", "do each other")).
				Do("Break the cycle, or capture input on it: a call may nest at most 16 do frames."))
			continue
		}
		c.report(diag.Errorf(diag.GotoCycle, s.Span(), "%s", cycleSummary(scc, "goes to itself", "goto each other")).
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

// reachesCapture says, for each handler, whether a capture is in it or in
// a handler it can goto or do.
func reachesCapture(names []string, next func(string) []string, captures map[string]bool) map[string]bool {
	memo := make(map[string]bool, len(names))
	// seen holds the handlers met from one root; marked lists them, so
	// the next root starts from an empty set without a new map.
	seen := map[string]bool{}
	var marked []string
	var visit func(string) bool
	visit = func(n string) bool {
		if v, ok := memo[n]; ok {
			return v
		}
		if captures[n] {
			return true
		}
		if seen[n] {
			return false
		}
		seen[n] = true
		marked = append(marked, n)
		return slices.ContainsFunc(next(n), visit)
	}
	for _, n := range names {
		memo[n] = visit(n)
		for _, m := range marked {
			delete(seen, m)
		}
		marked = marked[:0]
	}
	return memo
}

// doesWaiting reports whether one of steps does a handler off the cycle
// that reaches a capture: the call waits for the caller each time round.
func doesWaiting(steps []ast.Step, scc []string, waits map[string]bool) bool {
	for _, s := range steps {
		if d, ok := s.(*ast.Do); ok && !slices.Contains(scc, d.Handler.Name) && waits[d.Handler.Name] {
			return true
		}
	}
	return false
}

// components returns the strongly connected components of the graph of
// nodes and next that form cycles (Tarjan's algorithm), each in the order of
// nodes.
func components(nodes []string, next func(string) []string) [][]string {
	index, low := make(map[string]int, len(nodes)), make(map[string]int, len(nodes))
	onStack := make(map[string]bool, len(nodes))
	var stack []string
	var out [][]string
	var strong func(v string)
	strong = func(v string) {
		index[v], low[v] = len(index), len(index)
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range next(v) {
			if _, seen := index[w]; !seen {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var scc []string
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			scc = append(scc, w)
			if w == v {
				break
			}
		}
		if len(scc) > 1 || slices.Contains(next(v), v) {
			slices.Reverse(scc)
			out = append(out, scc)
		}
	}
	for _, n := range nodes {
		if _, seen := index[n]; !seen {
			strong(n)
		}
	}
	return out
}

func firstJumpInto(scc []string, edges map[string][]ast.Step) ast.Step {
	for _, from := range scc {
		for _, s := range edges[from] {
			if slices.Contains(scc, jumpTarget(s)) {
				return s
			}
		}
	}
	return nil
}

func firstDoInto(scc []string, edges map[string][]ast.Step) *ast.Do {
	for _, from := range scc {
		for _, s := range edges[from] {
			if d, ok := s.(*ast.Do); ok && slices.Contains(scc, d.Handler.Name) {
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
