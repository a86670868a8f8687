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

// doTargets lists the handlers some do runs as a subroutine.
func (c *checker) doTargets() map[string]bool {
	out := map[string]bool{}
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		if d, ok := s.(*ast.Do); ok {
			out[d.Handler.Name] = true
		}
	})
	return out
}
