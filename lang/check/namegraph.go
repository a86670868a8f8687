package check

import "slices"

// nameGraph is a graph of names (handlers, lookups) numbered from 0 in the
// order they are first met, so the cycle searches index slices instead of
// hashing each name at every step: a flow of thousands of handlers is
// searched after each keystroke in an editor.
type nameGraph struct {
	ids   map[string]int
	names []string
	next  [][]int // by id; nil for a name nothing leaves
}

func newNameGraph(size int) *nameGraph {
	return &nameGraph{ids: make(map[string]int, size), names: make([]string, 0, size)}
}

// id is n's number, given it the first time.
func (g *nameGraph) id(n string) int {
	if i, ok := g.ids[n]; ok {
		return i
	}
	g.ids[n] = len(g.names)
	g.names = append(g.names, n)
	g.next = append(g.next, nil)
	return len(g.names) - 1
}

// link adds the edges from a to each of targets, in order.
func (g *nameGraph) link(a int, targets []string) {
	out := make([]int, len(targets))
	for i, t := range targets {
		out[i] = g.id(t)
	}
	g.next[a] = out
}

func (g *nameGraph) nameAll(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = g.names[id]
	}
	return out
}

// components returns the strongly connected components of the graph of
// nodes and next that form cycles (Tarjan's algorithm), each in the order of
// nodes.
func components(nodes []string, next func(string) []string) [][]string {
	g := newNameGraph(len(nodes))
	ids := make([]int, len(nodes))
	for i, n := range nodes {
		ids[i] = g.id(n)
	}
	for i := 0; i < len(g.names); i++ { // names met as targets are visited too
		g.link(i, next(g.names[i]))
	}
	var out [][]string
	for _, scc := range g.components(ids) {
		out = append(out, g.nameAll(scc))
	}
	return out
}

// components is components over the graph's numbers. Every name an edge
// reaches must have its edges linked.
func (g *nameGraph) components(nodes []int) [][]int {
	const unseen = -1
	index, low := make([]int, len(g.names)), make([]int, len(g.names))
	for i := range index {
		index[i] = unseen
	}
	onStack := make([]bool, len(g.names))
	seen := 0
	var stack []int
	var out [][]int
	var strong func(v int)
	strong = func(v int) {
		index[v], low[v] = seen, seen
		seen++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range g.next[v] {
			if index[w] == unseen {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var scc []int
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			scc = append(scc, w)
			if w == v {
				break
			}
		}
		if len(scc) > 1 || slices.Contains(g.next[v], v) {
			slices.Reverse(scc)
			out = append(out, scc)
		}
	}
	for _, n := range nodes {
		if index[n] == unseen {
			strong(n)
		}
	}
	return out
}

// reachesCapture says, for each name, whether a capture is in it or in a
// name it can reach (a handler it can goto or do), given captures by id.
// Only nodes are answered for; the others are false.
func (g *nameGraph) reachesCapture(nodes []int, captures []bool) []bool {
	memo := make([]bool, len(g.names))
	known := make([]bool, len(g.names))
	// seen holds the names met from one root; marked lists them, so the
	// next root starts from an empty set.
	seen := make([]bool, len(g.names))
	var marked []int
	var visit func(int) bool
	visit = func(n int) bool {
		if known[n] {
			return memo[n]
		}
		if captures[n] {
			return true
		}
		if seen[n] {
			return false
		}
		seen[n] = true
		marked = append(marked, n)
		return slices.ContainsFunc(g.next[n], visit)
	}
	for _, n := range nodes {
		memo[n], known[n] = visit(n), true
		for _, m := range marked {
			seen[m] = false
		}
		marked = marked[:0]
	}
	return memo
}
