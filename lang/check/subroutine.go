package check

import (
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
)

// returnValue reports a value after return: a subroutine hands results
// back in variables, so return takes none.
func (c *checker) returnValue(s *ast.Return) {
	if s.Value == nil {
		return
	}
	c.report(diag.Errorf(diag.ReturnValue, s.Value.At, "return takes no value").
		Do("Set a variable before `return` (`set result = …`) and read it after the do."))
}

// doTargets lists the handlers that run inside a do frame: those some do
// runs as a subroutine, and those they goto (a goto stays in the frame).
// Their end, and a return in them, goes back to the do.
func (c *checker) doTargets() map[string]bool {
	out := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		h, ok := c.info.Handlers[name]
		if !ok || out[name] {
			return
		}
		out[name] = true
		c.walkSteps(h.Body, func(s ast.Step) {
			if t := jumpTarget(s); t != "" {
				visit(t)
			}
		})
	}
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		if d, ok := s.(*ast.Do); ok {
			visit(d.Handler.Name)
		}
	})
	return out
}
