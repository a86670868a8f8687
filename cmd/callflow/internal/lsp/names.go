package lsp

import (
	"slices"
	"sort"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/symbols"
)

// This file adapts lang/symbols, the compiler's table of definitions and
// uses, to what the navigation features read (definition, references,
// rename, hover and semantic tokens of names), across the files of a flow:
// a test file reads the variables and lookups its flow declares.

// nameKind is what a name denotes.
type nameKind = symbols.Kind

const (
	kindNone    = symbols.UnknownName
	kindHandler = symbols.HandlerName
	kindConst   = symbols.ConstName
	kindTable   = symbols.TableName
	kindLookup  = symbols.LookupName
	kindHours   = symbols.HoursName
	kindVar     = symbols.VarName
	kindBuiltin = symbols.BuiltinName
)

// occurrence is one place a name is written.
type occurrence struct {
	name       string
	kind       nameKind
	file       string // the file's name in its folder
	start, end int    // bytes
	def        bool   // a declaration, or a variable's first assignment
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
	declared := map[string]nameKind{} // by the flow's file, for its tests
	for i, t := range trees {
		tab := symbols.Resolve(t)
		for _, d := range tab.Defs {
			if i == 0 {
				declared[d.Name] = d.Kind
			}
			n.occs = append(n.occs, occurrence{name: d.Name, kind: d.Kind, file: t.Name, start: d.Span.Start.Offset, end: d.Span.End.Offset, def: true, decl: d.Node})
		}
		for _, u := range tab.Uses {
			k := u.Kind
			if k == kindNone && i > 0 {
				k = declared[u.Name]
			}
			if k != kindNone {
				n.occs = append(n.occs, occurrence{name: u.Name, kind: k, file: t.Name, start: u.Span.Start.Offset, end: u.Span.End.Offset})
			}
		}
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
