package graph

import "github.com/callflow/callflow/lang/ast"

// endReturns names the handlers whose end is a return: those a call can
// reach only through a do (the do's target, and what it goes to), never
// from a rule by goto alone. Falling off such a handler continues after
// the do, so its end leaf says "end: return" rather than what the
// platform does at the end of a call.
func endReturns(rules []*ast.Rule, handlers []*ast.Handler) map[string]bool {
	jumps := map[string][]jump{}
	for _, h := range handlers {
		name := identName(h.Name)
		if _, dup := jumps[name]; dup || h.Body == nil {
			continue
		}
		ast.Inspect(h.Body, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.Goto:
				jumps[name] = append(jumps[name], jump{to: identName(s.Handler)})
			case *ast.Do:
				jumps[name] = append(jumps[name], jump{to: identName(s.Handler), do: true})
			}
			return true
		})
	}
	// main: reached from a rule without a do; sub: reached through one.
	main, sub := map[string]bool{}, map[string]bool{}
	var visit func(name string, inDo bool)
	visit = func(name string, inDo bool) {
		seen := main
		if inDo {
			seen = sub
		}
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		for _, j := range jumps[name] {
			visit(j.to, inDo || j.do)
		}
	}
	for _, r := range rules {
		visit(identName(r.Handler), false)
	}
	only := map[string]bool{}
	for name := range sub {
		if !main[name] {
			only[name] = true
		}
	}
	return only
}

// jump is a goto or a do to a handler.
type jump struct {
	to string
	do bool
}
