// Package symbols is the table of definitions and uses of every name in a
// flow file, for editors: go to definition, references, rename, hover. It
// adds no rules of its own: what declares a name comes from package check
// (check.Declared, check.HandlerRef), and the names an expression reads from
// package exprs (exprs.Names), so the table agrees with the checker.
//
// Handlers have a namespace of their own; consts, tables, lookups, hours and
// variables share the one expressions read. A variable has no declaration:
// its first set or capture (in source order) is its definition, and every
// later one is a use that assigns it.
package symbols

import (
	"slices"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/source"
)

// Kind is what a name names.
type Kind uint8

// The kinds of names. UnknownName is a use of a name nothing declares.
const (
	UnknownName Kind = iota
	HandlerName
	ConstName
	TableName
	LookupName
	HoursName
	VarName
	BuiltinName // caller, callee, session, platform, now, event, data
)

func (k Kind) String() string {
	return [...]string{"unknown", "handler", "const", "table", "lookup", "hours", "variable", "built-in"}[k]
}

// Def is where a name is defined.
type Def struct {
	Name string
	Kind Kind
	Span source.Span // the name itself
	Node ast.Node    // the declaration, the step that first assigns a variable, or the name alone when its statement has a syntax error (ast.Lost)
}

// Use is a place a name is read, or for a variable assigned again.
type Use struct {
	Name   string
	Kind   Kind
	Span   source.Span // the name itself, inside a string for ${…}
	Def    *Def        // nil for a built-in or an undeclared name
	Assign bool        // a set or capture after the variable's definition
	Node   ast.Node    // the expression or statement holding the use
}

// Table is every definition and use of one file, each in source order.
type Table struct {
	Defs []*Def
	Uses []*Use

	uses map[*Def][]*Use
}

// At finds the name at a byte offset, on a definition or a use (an offset
// just after a name counts), and returns its definition and every use of
// it. For a built-in or undeclared name the definition is nil and the uses
// are those of the same name. Nothing there gives nil, nil.
func (t *Table) At(offset int) (*Def, []*Use) {
	d, u := t.find(offset, false)
	if d == nil && u == nil {
		d, u = t.find(offset, true)
	}
	switch {
	case d != nil:
		return d, t.uses[d]
	case u == nil:
		return nil, nil
	case u.Def != nil:
		return u.Def, t.uses[u.Def]
	}
	var same []*Use
	for _, o := range t.Uses {
		if o.Def == nil && o.Name == u.Name && o.Kind == u.Kind {
			same = append(same, o)
		}
	}
	return nil, same
}

// find is the definition or use whose name holds offset; with touching,
// the one whose name ends there.
func (t *Table) find(offset int, touching bool) (*Def, *Use) {
	in := func(s source.Span) bool {
		if touching {
			return s.End.Offset == offset
		}
		return s.Start.Offset <= offset && offset < s.End.Offset
	}
	for _, d := range t.Defs {
		if in(d.Span) {
			return d, nil
		}
	}
	for _, u := range t.Uses {
		if in(u.Span) {
			return nil, u
		}
	}
	return nil, nil
}

// UsesOf lists the uses of d, in source order.
func (t *Table) UsesOf(d *Def) []*Use { return t.uses[d] }

func (t *Table) sort() {
	bySpan := func(a, b source.Span) int { return a.Start.Offset - b.Start.Offset }
	slices.SortStableFunc(t.Defs, func(a, b *Def) int { return bySpan(a.Span, b.Span) })
	slices.SortStableFunc(t.Uses, func(a, b *Use) int { return bySpan(a.Span, b.Span) })
	t.uses = map[*Def][]*Use{}
	for _, u := range t.Uses {
		if u.Def != nil {
			t.uses[u.Def] = append(t.uses[u.Def], u)
		}
	}
}
