package symbols

import (
	"slices"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/source"
)

// kindOf maps the checker's kinds of names to this package's.
var kindOf = map[exprs.Kind]Kind{
	exprs.Builtin: BuiltinName, exprs.ConstName: ConstName, exprs.TableName: TableName, exprs.LookupName: LookupName,
	exprs.HoursName: HoursName, exprs.VarName: VarName,
}

// resolver builds a Table in three passes, as the checker defines names:
// declarations first (a rule may name a handler declared below it), then
// variables in source order and the names of statements a syntax error
// skipped, then every use.
type resolver struct {
	t        *Table
	handlers map[string]*Def
	names    map[string]*Def // consts, tables, lookups, hours, variables
}

// Resolve builds the table of one parsed file, whole or, after syntax
// errors, partial.
func Resolve(file *ast.File) *Table {
	r := &resolver{t: &Table{}, handlers: map[string]*Def{}, names: map[string]*Def{}}
	if file == nil {
		r.t.sort()
		return r.t
	}
	for _, d := range file.Decls {
		r.declare(d)
	}
	ast.Inspect(file, func(n ast.Node) bool {
		if _, ok := n.(ast.Step); ok {
			r.assign(n)
		}
		return true
	})
	for _, l := range file.Lost {
		r.lost(l)
	}
	literal := map[*ast.Expr]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		for _, x := range literals(n) {
			literal[x] = true
		}
		if x, ok := n.(*ast.Expr); !ok || !literal[x] {
			r.use(n)
		}
		return true
	})
	r.t.sort()
	return r.t
}

func (r *resolver) def(id *ast.Ident, k Kind, n ast.Node, in map[string]*Def) {
	d := &Def{Name: id.Name, Kind: k, Span: id.At, Node: n}
	r.t.Defs = append(r.t.Defs, d)
	if _, dup := in[id.Name]; !dup {
		in[id.Name] = d
	}
}

func (r *resolver) declare(d ast.Decl) {
	if h, ok := d.(*ast.Handler); ok && h.Name != nil {
		r.def(h.Name, HandlerName, h, r.handlers)
		return
	}
	if id, k, ok := check.Declared(d); ok {
		r.def(id, kindOf[k], d, r.names)
	}
}

// assign records a step that assigns a variable: its first assignment
// defines it; a later one, or one reusing a declared name (which the
// checker reports), is a use.
func (r *resolver) assign(s ast.Node) {
	id, k, ok := check.Declared(s)
	if !ok || k != exprs.VarName {
		return
	}
	if d, seen := r.names[id.Name]; seen {
		r.t.Uses = append(r.t.Uses, &Use{Name: id.Name, Kind: d.Kind, Span: id.At, Def: d, Assign: true, Node: s})
		return
	}
	r.def(id, VarName, s, r.names)
}

// lostKinds are the kinds of the names a statement the parser skipped
// declares (ast.Lost).
var lostKinds = map[string]Kind{
	"const": ConstName, "table": TableName, "lookup": LookupName, "hours": HoursName,
	"handler": HandlerName, "set": VarName, "capture": VarName, "into": VarName,
}

// lost defines a name whose declaring statement has a syntax error, as the
// checker takes it, unless it is defined already.
func (r *resolver) lost(l *ast.Lost) {
	k := lostKinds[l.Keyword]
	in := r.names
	if k == HandlerName {
		in = r.handlers
	}
	if _, ok := in[l.Name.Name]; !ok && k != UnknownName {
		r.def(l.Name, k, l.Name, in)
	}
}

// use records the names n refers to: a handler, the names an expression
// reads, the lookup or table a test's given stubs, the variable a test's
// expect var reads.
func (r *resolver) use(n ast.Node) {
	if id := check.HandlerRef(n); id != nil {
		r.useOf(id.Name, id.At, r.handlers[id.Name], HandlerName, n)
		return
	}
	switch n := n.(type) {
	case *ast.Expr:
		for _, x := range exprs.Names(n) {
			r.useOf(x.Name, x.At, r.names[x.Name], nameKind(x.Name), n)
		}
	case *ast.Given:
		if n.Name != nil {
			r.useOf(n.Name.Name, n.Name.At, r.names[n.Name.Name], UnknownName, n)
		}
	case *ast.Expect:
		if n.Var != nil {
			r.useOf(n.Var.Name, n.Var.At, r.names[n.Var.Name], UnknownName, n)
		}
	}
}

func (r *resolver) useOf(name string, at source.Span, d *Def, k Kind, n ast.Node) {
	if d != nil {
		k = d.Kind
	}
	r.t.Uses = append(r.t.Uses, &Use{Name: name, Kind: k, Span: at, Def: d, Node: n})
}

// nameKind is the kind of an undeclared name: built-in or unknown.
func nameKind(name string) Kind {
	if slices.Contains(exprs.BuiltinNames, name) {
		return BuiltinName
	}
	return UnknownName
}

// literals are the strings of n that are text, not expressions: a table's
// path, an hours spec, a test's name. A ${ in them is not a use.
func literals(n ast.Node) []*ast.Expr {
	switch n := n.(type) {
	case *ast.Table:
		return []*ast.Expr{n.Path}
	case *ast.Hours:
		return append([]*ast.Expr{n.Spec, n.TZ}, n.Except...)
	case *ast.Test:
		return []*ast.Expr{n.Name}
	}
	return nil
}
