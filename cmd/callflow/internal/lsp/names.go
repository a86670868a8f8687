package lsp

import (
	"reflect"
	"slices"
	"sort"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
)

// This file is the table of definitions and uses the navigation features
// read (definition, references, rename, hover and semantic tokens of
// names). It is built here from the tree until lang has such a table; the
// features only use names, occurrence and the methods below.

// nameKind is what a name denotes.
type nameKind uint8

const (
	kindNone nameKind = iota
	kindHandler
	kindConst
	kindTable
	kindLookup
	kindHours
	kindVar
	kindBuiltin
)

func (k nameKind) String() string {
	return [...]string{"", "handler", "const", "table", "lookup", "hours", "variable", "built-in"}[k]
}

// occurrence is one place a name is written.
type occurrence struct {
	name       string
	kind       nameKind
	file       string // the file's name in its folder
	start, end int    // bytes
	def        bool   // a declaration or an assignment
	decl       ast.Node
}

// names is every occurrence of a name in a flow's files, by file and
// position.
type names struct {
	occs []occurrence
}

// namesOf indexes the names of the analysis's flow: the document and, for a
// flow, its test files; for a test file, its flow too.
func (a *analysis) namesOf() *names {
	if a.names != nil {
		return a.names
	}
	var trees []*ast.File
	if a.flow != nil {
		trees = append([]*ast.File{a.flow.Unit.Main}, a.flow.Unit.Tests...)
	} else if a.tree != nil {
		trees = []*ast.File{a.tree}
	}
	n := &names{}
	kinds := map[string]nameKind{}
	for _, b := range exprs.BuiltinNames {
		kinds[b] = kindBuiltin
	}
	for _, t := range trees {
		n.defs(t, kinds)
	}
	for _, t := range trees {
		n.uses(a, t, kinds)
	}
	sort.SliceStable(n.occs, func(i, j int) bool {
		x, y := n.occs[i], n.occs[j]
		if x.file != y.file {
			return x.file < y.file
		}
		return x.start < y.start
	})
	a.names = n
	return n
}

// defs records declarations and assignments, and the kind of each name.
func (n *names) defs(t *ast.File, kinds map[string]nameKind) {
	add := func(id *ast.Ident, k nameKind, decl ast.Node) {
		if id == nil || id.Name == "" {
			return
		}
		if _, known := kinds[id.Name]; !known || k != kindVar {
			kinds[id.Name] = k
		}
		n.occs = append(n.occs, occurrence{name: id.Name, kind: k, file: t.Name, start: id.At.Start.Offset, end: id.At.End.Offset, def: true, decl: decl})
	}
	inspect(t, func(node ast.Node) {
		switch d := node.(type) {
		case *ast.Const:
			add(d.Name, kindConst, d)
		case *ast.Table:
			add(d.Name, kindTable, d)
		case *ast.Lookup:
			add(d.Name, kindLookup, d)
		case *ast.Hours:
			add(d.Name, kindHours, d)
		case *ast.Handler:
			add(d.Name, kindHandler, d)
		case ast.Step:
			for _, id := range assigned(d) {
				add(id, kindVar, d)
			}
		}
	})
}

// assigned are the variables a step sets: set and capture, and any step
// whose Var or Into names one (record … into, for steps added later).
func assigned(s ast.Step) []*ast.Ident {
	v := reflect.ValueOf(s).Elem()
	var out []*ast.Ident
	for _, f := range []string{"Var", "Into"} {
		if fv := v.FieldByName(f); fv.IsValid() {
			if id, ok := fv.Interface().(*ast.Ident); ok && id != nil {
				out = append(out, id)
			}
		}
	}
	return out
}

// uses records the names rules, gotos, tests and expressions refer to.
func (n *names) uses(a *analysis, t *ast.File, kinds map[string]nameKind) {
	src := t.Name
	f, _, ok := a.fileOf(src)
	if !ok {
		return
	}
	use := func(name string, start, end int) {
		if k := kinds[name]; k != kindNone {
			n.occs = append(n.occs, occurrence{name: name, kind: k, file: src, start: start, end: end})
		}
	}
	ident := func(id *ast.Ident) {
		if id != nil {
			use(id.Name, id.At.Start.Offset, id.At.End.Offset)
		}
	}
	inspect(t, func(node ast.Node) {
		switch d := node.(type) {
		case *ast.Rule:
			ident(d.Handler)
		case *ast.Goto:
			ident(d.Handler)
		case *ast.Given:
			ident(d.Name)
		case *ast.Expect:
			ident(d.Var)
		case *ast.Expr:
			words(f.Src, d.At.Start.Offset, d.At.End.Offset, func(w word) {
				if !w.field && !w.call {
					use(w.text, w.start, w.end)
				}
			})
		}
	})
}

// at returns the occurrence of a name at offset in file, or nil.
func (n *names) at(file string, offset int) *occurrence {
	for i := range n.occs {
		o := &n.occs[i]
		if o.file == file && o.start <= offset && offset <= o.end {
			return o
		}
	}
	return nil
}

// refs returns every occurrence of o's name and kind, definitions first.
func (n *names) refs(o *occurrence) []occurrence {
	var out []occurrence
	for _, x := range n.occs {
		if x.name == o.name && x.kind == o.kind {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(x, y occurrence) int {
		switch {
		case x.def && !y.def:
			return -1
		case y.def && !x.def:
			return 1
		}
		return 0
	})
	return out
}

// definition returns where o's name is declared (a variable: first set),
// or nil for a name without a declaration (a built-in).
func (n *names) definition(o *occurrence) *occurrence {
	for i := range n.occs {
		x := &n.occs[i]
		if x.def && x.name == o.name && x.kind == o.kind {
			return x
		}
	}
	return nil
}

// inspect calls fn for every node of the tree, parents before children.
func inspect(root ast.Node, fn func(ast.Node)) {
	ast.Inspect(root, func(n ast.Node) bool {
		if n != nil {
			fn(n)
		}
		return true
	})
}
