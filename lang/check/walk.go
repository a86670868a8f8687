package check

import "github.com/callflow/callflow/lang/ast"

// walkSteps calls fn for every step in steps, entering if and switch blocks
// and a capture's on blocks.
func walkSteps(steps []ast.Step, fn func(ast.Step)) {
	for _, s := range steps {
		fn(s)
		for _, b := range innerBlocks(s) {
			walkSteps(b.Steps, fn)
		}
	}
}

// innerBlocks lists the blocks nested in a step.
func innerBlocks(s ast.Step) []*ast.Block {
	var out []*ast.Block
	switch s := s.(type) {
	case *ast.If:
		for _, b := range s.Branches {
			out = append(out, b.Body)
		}
		if s.Else != nil {
			out = append(out, s.Else)
		}
	case *ast.Switch:
		for _, cs := range s.Cases {
			out = append(out, cs.Body)
		}
		if s.Else != nil {
			out = append(out, s.Else)
		}
	case *ast.Capture:
		for _, o := range s.Options {
			if o.Body != nil {
				out = append(out, o.Body)
			}
		}
	case *ast.On:
		out = append(out, s.Body)
	}
	return out
}

// forSteps walks every step of every handler.
func (c *checker) forSteps(fn func(h *ast.Handler, s ast.Step)) {
	for _, h := range c.handlers {
		walkSteps(h.Body.Steps, func(s ast.Step) { fn(h, s) })
	}
}

// ends reports whether a step ends its handler.
func ends(s ast.Step) bool {
	switch s := s.(type) {
	case *ast.Hangup, *ast.MakeCall, *ast.Agent, *ast.IVR, *ast.Goto, *ast.Return:
		return true
	case *ast.If:
		if s.Else == nil || !blockEnds(s.Else) {
			return false
		}
		for _, b := range s.Branches {
			if !blockEnds(b.Body) {
				return false
			}
		}
		return true
	case *ast.Switch:
		if s.Else == nil || !blockEnds(s.Else) {
			return false
		}
		for _, cs := range s.Cases {
			if !blockEnds(cs.Body) {
				return false
			}
		}
		return true
	}
	return false
}

func blockEnds(b *ast.Block) bool {
	for _, s := range b.Steps {
		if ends(s) {
			return true
		}
	}
	return false
}
