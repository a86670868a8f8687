package check

import "github.com/callflow/callflow/lang/ast"

// walkSteps calls fn for every step in b, in source order, nested blocks
// included: whatever block a step kind holds, the walker enters it.
func (c *checker) walkSteps(b *ast.Block, fn func(ast.Step)) {
	for _, s := range c.stepsOf(b) {
		fn(s)
	}
}

// stepsOf lists the steps in b as walkSteps meets them, walking b once per
// check: a dozen stages read every handler's steps, and the tree does not
// change while it is checked. A block the last check walked is not walked
// again (the tree is never changed once parsed).
func (c *checker) stepsOf(b *ast.Block) []ast.Step {
	if steps, ok := c.now.steps[b]; ok {
		return steps
	}
	if c.now.steps == nil {
		c.now.steps = make(map[*ast.Block][]ast.Step, c.sizes.blocks)
	}
	steps, ok := c.last.steps[b]
	if !ok {
		ast.Inspect(b, func(n ast.Node) bool {
			if s, ok := n.(ast.Step); ok {
				steps = append(steps, s)
			}
			return true
		})
	}
	c.now.steps[b] = steps
	return steps
}

// forSteps walks every step of every handler.
func (c *checker) forSteps(fn func(h *ast.Handler, s ast.Step)) {
	for i, h := range c.handlers {
		for _, s := range c.handlerSteps(i) {
			fn(h, s)
		}
	}
}

// handlerSteps are the steps of c.handlers[i], kept by index: the stages
// that read every handler's steps look each one up once per check, not
// once per stage.
func (c *checker) handlerSteps(i int) []ast.Step {
	for len(c.bodies) < len(c.handlers) {
		c.bodies = append(c.bodies, c.stepsOf(c.handlers[len(c.bodies)].Body))
	}
	return c.bodies[i]
}

// ends reports whether a step ends its handler.
func ends(s ast.Step) bool {
	switch s := s.(type) {
	case *ast.Hangup, *ast.Agent, *ast.IVR, *ast.Goto, *ast.Return:
		return true
	case *ast.MakeCall:
		return dialEnds(s)
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

// hasReturn reports whether a return stands anywhere in b, on blocks
// included.
func (c *checker) hasReturn(b *ast.Block) bool {
	found := false
	c.walkSteps(b, func(s ast.Step) {
		if _, ok := s.(*ast.Return); ok {
			found = true
		}
	})
	return found
}
