package check

import (
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
)

// Declared names what n declares in the namespace expressions read: a
// const, table, lookup or hours declaration, or a variable a step assigns
// (set, capture). The checker defines its environment from it, and editors
// their table of definitions (package symbols), so a new declaring
// construct is added here once.
func Declared(n ast.Node) (name *ast.Ident, kind exprs.Kind, ok bool) {
	switch n := n.(type) {
	case *ast.Const:
		return n.Name, exprs.ConstName, n.Name != nil
	case *ast.Table:
		return n.Name, exprs.TableName, n.Name != nil
	case *ast.Lookup:
		return n.Name, exprs.LookupName, n.Name != nil
	case *ast.Hours:
		return n.Name, exprs.HoursName, n.Name != nil
	case *ast.Set:
		return n.Var, exprs.VarName, n.Var != nil
	case *ast.Capture:
		return n.Var, exprs.VarName, n.Var != nil
	case *ast.Record:
		return n.Var, exprs.VarName, n.Var != nil
	case *ast.Post:
		return n.Into, exprs.VarName, n.Into != nil
	}
	return nil, 0, false
}

// HandlerRef is the handler n names, when n is a rule or a step that goes
// to a handler (goto) or runs one (do); handlers have a namespace of their
// own.
func HandlerRef(n ast.Node) *ast.Ident {
	switch n := n.(type) {
	case *ast.Rule:
		return n.Handler
	case *ast.Goto:
		return n.Handler
	case *ast.Do:
		return n.Handler
	}
	return nil
}
