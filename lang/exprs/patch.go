package exprs

import (
	"reflect"

	exprast "github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
)

// patchMemory runs the two patchers over a checked tree and checks it
// again. They run after expr-lang's checks, not as its Visitors: expr-lang
// type-checks between visitors, ignoring errors, and a call it has typed is
// not checked again, so an unknown name inside a patched call would go
// unreported.
func patchMemory(tree *parser.Tree, cfg *conf.Config) error {
	var keep literalRanges
	exprast.Walk(&tree.Node, &keep)
	exprast.Walk(&tree.Node, opPatch{keep: keep})
	exprast.Walk(&tree.Node, budgetPatch{})
	_, err := checker.Check(tree, cfg)
	return err
}

// Two patchers rewrite a checked expression so every operation that can
// build a large value is charged to the evaluation's Budget before it
// allocates.
//
// opPatch turns a chain of string `+` into one __concat call, a `+` whose
// operands are known only at run time into an __add call (numbers keep
// expr-lang's own opcode), a range a..b into __range (except `x in 1..10`,
// which builds nothing), and passes the list of map, filter, groupBy and
// sortBy through __each. budgetPatch then gives the bounded builtins, the
// interpolation functions and those three the Budget (the environment name
// BudgetName) as their first argument.
type (
	opPatch struct {
		keep literalRanges
	}
	budgetPatch struct{}
)

// literalRanges are the ranges `x in 1..10` between integer literals:
// expr-lang's optimizer turns them into two comparisons, and nothing is built.
type literalRanges map[*exprast.BinaryNode]bool

func (r *literalRanges) Visit(node *exprast.Node) {
	n, ok := (*node).(*exprast.BinaryNode)
	if !ok || n.Operator != "in" {
		return
	}
	if rng, ok := n.Right.(*exprast.BinaryNode); ok && rng.Operator == ".." && isInteger(rng.Left) && isInteger(rng.Right) {
		if *r == nil {
			*r = literalRanges{}
		}
		(*r)[rng] = true
	}
}

func isInteger(n exprast.Node) bool { _, ok := n.(*exprast.IntegerNode); return ok }

// budgeted are the functions whose first argument is the Budget.
var budgeted = func() map[string]bool {
	m := map[string]bool{textFunc: true, urlFunc: true, urlQueryFunc: true, "toJSON": true, "spell": true}
	for _, f := range randomFunctions {
		m[f.Name] = true
	}
	for _, f := range loadFunctions {
		m[f.Name] = true
	}
	for name := range sizers {
		m[name] = true
	}
	for _, f := range opFunctions {
		m[f.Name] = true
	}
	return m
}()

var walking = map[string]bool{"map": true, "filter": true, "groupBy": true, "sortBy": true}

func (p opPatch) Visit(node *exprast.Node) {
	switch n := (*node).(type) {
	case *exprast.BuiltinNode:
		if walking[n.Name] && len(n.Arguments) > 0 && !isCallOf(n.Arguments[0], eachFunc) {
			list := n.Arguments[0]
			each := &exprast.CallNode{Callee: &exprast.IdentifierNode{Value: eachFunc}, Arguments: []exprast.Node{list}}
			each.SetLocation(list.Location())
			n.Arguments[0] = each
		}
	case *exprast.BinaryNode:
		switch {
		case n.Operator == "+":
			patchAdd(node, n)
		case n.Operator == ".." && !p.keep[n]:
			call := &exprast.CallNode{Callee: &exprast.IdentifierNode{Value: rangeFunc}, Arguments: []exprast.Node{n.Left, n.Right}}
			exprast.Patch(node, call)
		}
	}
}

// Visit replaces each call with a new, untyped one: expr-lang does not
// check a call again once it has a type, and the call must now match its
// Budget signature.
func (budgetPatch) Visit(node *exprast.Node) {
	n, ok := (*node).(*exprast.CallNode)
	if !ok {
		return
	}
	if id, ok := n.Callee.(*exprast.IdentifierNode); ok && budgeted[id.Value] && !hasBudget(n) {
		call := &exprast.CallNode{Callee: &exprast.IdentifierNode{Value: id.Value}}
		call.Arguments = append([]exprast.Node{budgetNode(n)}, n.Arguments...)
		exprast.Patch(node, call)
	}
}

// patchAdd rewrites one `+`. The walk is bottom-up, so a string operand
// that was itself a `+` is already a __concat call: its operands join this
// one's, and the whole chain allocates once.
func patchAdd(node *exprast.Node, n *exprast.BinaryNode) {
	l, r := kindOf(n.Left), kindOf(n.Right)
	var call *exprast.CallNode
	switch {
	case l == reflect.String && r == reflect.String:
		call = &exprast.CallNode{Callee: &exprast.IdentifierNode{Value: concatFunc}}
		call.Arguments = append(concatOperands(n.Left), concatOperands(n.Right)...)
	case isDynamic(l) && isDynamic(r):
		call = &exprast.CallNode{Callee: &exprast.IdentifierNode{Value: addFunc}}
		call.Arguments = []exprast.Node{n.Left, n.Right}
	default:
		return // numbers, times and durations: nothing grows
	}
	exprast.Patch(node, call)
}

func concatOperands(n exprast.Node) []exprast.Node {
	if isCallOf(n, concatFunc) {
		return n.(*exprast.CallNode).Arguments
	}
	return []exprast.Node{n}
}

// kindOf is the static kind of a node: String for our own __concat calls
// (made in this walk, not yet typed), Interface when only known at run time.
func kindOf(n exprast.Node) reflect.Kind {
	if isCallOf(n, concatFunc) {
		return reflect.String
	}
	t := n.Type()
	if t == nil {
		return reflect.Interface
	}
	return t.Kind()
}

// isDynamic is a kind that may be a string at run time.
func isDynamic(k reflect.Kind) bool { return k == reflect.String || k == reflect.Interface }

func isCallOf(n exprast.Node, name string) bool {
	c, ok := n.(*exprast.CallNode)
	if !ok {
		return false
	}
	id, ok := c.Callee.(*exprast.IdentifierNode)
	return ok && id.Value == name
}

func hasBudget(c *exprast.CallNode) bool {
	if len(c.Arguments) == 0 {
		return false
	}
	id, ok := c.Arguments[0].(*exprast.IdentifierNode)
	return ok && id.Value == BudgetName
}

func budgetNode(at exprast.Node) exprast.Node {
	id := &exprast.IdentifierNode{Value: BudgetName}
	id.SetLocation(at.Location())
	return id
}
