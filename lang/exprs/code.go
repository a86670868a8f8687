package exprs

import (
	"reflect"
	"sync/atomic"

	exprast "github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
)

// Code is the bytecode of a checked expression, compiled on first use and
// kept. Checking an expression gives everything the flow's checks and its
// compiled form need (names, type, constant value) but its bytecode, which
// holds several times the size of the expression's text; the expressions
// whose values the checker computes are compiled as they are checked, the
// others when they first run, or when the flow compiles with
// CompileEagerly. A lazy compile checks the same text again, in an
// environment of only the names it reads, with the types they had where
// it was checked, which gives the same bytecode (TestLazyCodeIsEager
// proves it for every shipped flow). Holding the environment it was
// checked in instead would keep a copy of the flow's names for every
// expression, and keeping the translated text a second copy of the text.
// Safe for concurrent use: it looks the same to every caller, compiled or
// not.
type Code struct {
	text string    // the .flow text (the program's Src, not a copy)
	url  bool      // a lookup URL (CompileURL)
	env  []envName // the environment names it reads and their types
	prog atomic.Pointer[vm.Program]
}

// envName is one name of an environment and its expr-lang type.
type envName struct {
	name string
	typ  types.Type
}

// Program is the expression's bytecode. The error is expr-lang's, which
// cannot happen for an expression that checked: it is checked again from
// the same text with the same types.
func (c *Code) Program() (*vm.Program, error) {
	if p := c.prog.Load(); p != nil {
		return p, nil
	}
	env := make(types.Map, len(c.env)+1)
	env[BudgetName] = types.TypeOf((*Budget)(nil))
	for _, n := range c.env {
		env[n.name] = n.typ
	}
	t := translation{url: c.url} // again: the translated text is not kept
	if err := t.translate(c.text, 0); err != nil {
		return nil, err
	}
	cfg := configFor(env) // its own: checking writes to the configuration
	tree, _, err := checkTree(t.out.String(), cfg, nil)
	if err != nil {
		return nil, err
	}
	if err := c.compileTree(tree, cfg); err != nil {
		return nil, err
	}
	return c.prog.Load(), nil
}

// Compiled reports whether the bytecode has been compiled.
func (c *Code) Compiled() bool { return c.prog.Load() != nil }

// compileTree compiles the checked tree of c's text and keeps the
// bytecode. Two first uses at once compile twice; either program is the
// same, and every caller sees the one kept.
func (c *Code) compileTree(tree *parser.Tree, cfg *conf.Config) error {
	p, err := compiler.Compile(tree, cfg)
	if err != nil {
		return err
	}
	dropTree(p)
	c.prog.CompareAndSwap(nil, p)
	return nil
}

// namesIn lists the environment names root reads, as written: before the
// optimizer folds any away, for a lazy compile checks the text again.
func (e *Env) namesIn(root exprast.Node) []envName {
	var v identVisitor
	exprast.Walk(&root, &v)
	var out []envName
	for _, id := range v.ids {
		if sample, ok := e.samples[id]; ok {
			out = append(out, envName{id, typeOfSample(sample)})
		}
	}
	return out
}

type identVisitor struct{ ids []string }

func (v *identVisitor) Visit(n *exprast.Node) {
	if id, ok := (*n).(*exprast.IdentifierNode); ok {
		for _, have := range v.ids {
			if have == id.Value {
				return
			}
		}
		v.ids = append(v.ids, id.Value)
	}
}

// dropTree empties the root of the expr-lang tree prog was compiled from,
// so the rest of the tree is garbage. A vm.Program keeps its tree (Node)
// though the VM never reads it (it runs the bytecode, and errors take
// their positions from Locations), and the tree, patched and typed, is
// half of what a program holds: a flow's compiled program kept several
// times the size of its source in trees.
func dropTree(prog *vm.Program) {
	if root := reflect.ValueOf(prog.Node()); root.Kind() == reflect.Pointer && !root.IsNil() {
		root.Elem().SetZero()
	}
}
