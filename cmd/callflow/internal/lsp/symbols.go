package lsp

import (
	"context"
	"strconv"

	"go.lsp.dev/protocol"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/source"
)

// DocumentSymbol is the outline: settings, declarations, rules, handlers
// (with the variables they capture and set) and tests.
func (s *server) DocumentSymbol(ctx context.Context, p *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	out := protocol.DocumentSymbolSlice{}
	a := s.parsedDoc(p.TextDocument.URI)
	if a == nil {
		return out, nil
	}
	for _, decl := range a.tree.Decls {
		if sym, ok := s.symbol(a.file, decl); ok {
			out = append(out, sym)
		}
	}
	return out, nil
}

// symbol is one declaration in the outline.
func (s *server) symbol(f *source.File, decl ast.Decl) (protocol.DocumentSymbol, bool) {
	sym := func(name string, kind protocol.SymbolKind, sel source.Span) protocol.DocumentSymbol {
		if !sel.IsValid() {
			sel = decl.Span()
		}
		return protocol.DocumentSymbol{Name: name, Kind: kind, Range: s.spanRange(f, decl.Span()), SelectionRange: s.spanRange(f, sel)}
	}
	switch d := decl.(type) {
	case *ast.Target:
		return sym("target", protocol.SymbolKindProperty, source.Span{}), true
	case *ast.Number:
		return sym("number", protocol.SymbolKindProperty, source.Span{}), true
	case *ast.Voice:
		return sym("voice", protocol.SymbolKindProperty, source.Span{}), true
	case *ast.Speed:
		return sym("speed", protocol.SymbolKindProperty, source.Span{}), true
	case *ast.Const:
		return sym(d.Name.Name, protocol.SymbolKindConstant, d.Name.At), true
	case *ast.Table:
		return sym(d.Name.Name, protocol.SymbolKindStruct, d.Name.At), true
	case *ast.Lookup:
		return sym(d.Name.Name, protocol.SymbolKindFunction, d.Name.At), true
	case *ast.Hours:
		return sym(d.Name.Name, protocol.SymbolKindEvent, d.Name.At), true
	case *ast.Rule:
		name := "otherwise"
		if d.Cond != nil {
			name = "when " + d.Cond.Text
		}
		if d.Handler != nil {
			name += " -> " + d.Handler.Name
		}
		return sym(name, protocol.SymbolKindEvent, source.Span{}), true
	case *ast.Handler:
		h := sym(d.Name.Name, protocol.SymbolKindMethod, d.Name.At)
		inspect(d, func(n ast.Node) {
			if st, ok := n.(ast.Step); ok {
				if id, k, ok := check.Declared(st); ok && k == exprs.VarName {
					h.Children = append(h.Children, protocol.DocumentSymbol{
						Name: id.Name, Kind: protocol.SymbolKindVariable,
						Range: s.spanRange(f, st.Span()), SelectionRange: s.spanRange(f, id.At),
					})
				}
			}
		})
		return h, true
	case *ast.Test:
		name := "test"
		if d.Name != nil {
			if u, err := strconv.Unquote(d.Name.Text); err == nil {
				name = "test " + strconv.Quote(u)
			}
		}
		return sym(name, protocol.SymbolKindClass, source.Span{}), true
	}
	return protocol.DocumentSymbol{}, false
}
