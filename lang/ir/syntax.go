package ir

import (
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// Syntax is the flow's files parsed again from its Bundle, for tools (the
// test runner, diagnostics that point into the source): the flow's file,
// then its test files in the order the version hashes them. It is nil for
// a flow without a Bundle.
//
// A Flow does not keep the trees it was compiled from: they take more
// memory than the compiled flow itself, the runtime never reads them, and
// the tools that do read them once. The files compiled, so they parse
// again to the same trees, spans included.
func (f *Flow) Syntax() []*ast.File {
	if f.Bundle == nil {
		return nil
	}
	out := make([]*ast.File, 0, 1+len(f.Bundle.Tests))
	for _, p := range append([]string{f.Bundle.Flow}, f.Bundle.Tests...) {
		if tree, _ := parser.ParseFile(p, f.Bundle.Files[p]); tree != nil {
			out = append(out, tree)
		}
	}
	return out
}

// At is where the flow's header (`flow NAME`) is written, or the start of
// its file when the flow has no Bundle.
func (f *Flow) At() source.Span {
	return header(f, f.flowSyntax())
}

// NumberAt is where the flow's file declares the number n: the number
// string holding it, or the header when none does.
func (f *Flow) NumberAt(n string) source.Span { return f.NumberIn(f.flowSyntax(), n) }

// NumberIn is NumberAt read from tree, the flow's own file as it
// compiled, for a compile that keeps no Bundle to parse again.
func (f *Flow) NumberIn(tree *ast.File, n string) source.Span {
	if tree != nil {
		for _, d := range tree.Decls {
			if num, ok := d.(*ast.Number); ok {
				for _, x := range num.Numbers {
					if strings.Contains(x.Text, n) {
						return x.At
					}
				}
			}
		}
	}
	return header(f, tree)
}

// flowSyntax is the flow's own file parsed again, without its tests: what
// At and NumberAt read. It is nil for a flow without a Bundle.
func (f *Flow) flowSyntax() *ast.File {
	if f.Bundle == nil {
		return nil
	}
	tree, _ := parser.ParseFile(f.Bundle.Flow, f.Bundle.Files[f.Bundle.Flow])
	return tree
}

func header(f *Flow, tree *ast.File) source.Span {
	if tree != nil && tree.Flow != nil {
		return tree.Flow.At
	}
	return source.Span{File: f.File}
}
