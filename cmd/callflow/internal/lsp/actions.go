package lsp

import (
	"bytes"
	"context"
	"fmt"
	"reflect"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

// CodeAction offers quick fixes for the diagnostics in the range that have
// an obvious fix: the did-you-mean name, `tries` for a capture without
// one, `else` for a lookup without one, and a handler for a name no handler
// has.
func (s *server) CodeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	out := []protocol.CommandOrCodeAction{}
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return out, nil
	}
	a := s.analysis(d)
	start, end := s.offset(a.file, p.Range.Start), s.offset(a.file, p.Range.End)
	for _, dg := range a.diags {
		if dg.Subject.End.Offset < start || dg.Subject.Start.Offset > end {
			continue
		}
		for _, fix := range s.fixes(a, dg) {
			out = append(out, fix)
		}
	}
	return out, nil
}

// fixes are the quick fixes of one diagnostic.
func (s *server) fixes(a *analysis, dg *diag.Diagnostic) []*protocol.CodeAction {
	var out []*protocol.CodeAction
	add := func(title string, start, end int, text string) {
		kind := protocol.CodeActionKindQuickFix
		yes := true
		out = append(out, &protocol.CodeAction{
			Title: title, Kind: &kind, IsPreferred: &yes,
			Diagnostics: []protocol.Diagnostic{s.diagnostic(a, dg)},
			Edit: &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{
				a.doc.uri: {{Range: s.rangeOf(a.file, start, end), NewText: text}},
			}},
		})
	}
	if sp, name, ok := dg.Fix(source.Files{a.file.Name: a.file}); ok {
		add(fmt.Sprintf("Change to %q", name), sp.Start.Offset, sp.End.Offset, name)
	}
	switch dg.Code {
	case diag.MissingTries:
		if c := nodeAt[*ast.Capture](a.tree, dg.Subject.Start.Offset); c != nil {
			at, text := closingInsert(a.file.Src, blockEnd(a.file.Src, c), "tries 3")
			add("Add `tries 3`", at, at, text)
		}
	case diag.BadLookup:
		if l := nodeAt[*ast.Lookup](a.tree, dg.Subject.Start.Offset); l != nil && l.Else == nil && l.URL != nil {
			end := l.URL.At.End.Offset
			if l.Timeout != nil {
				end = max(end, l.Timeout.At.End.Offset)
			}
			add("Add `else {}`", end, end, " else {}")
		}
	case diag.UnknownHandler:
		if name := nameIn(a.file.Src, dg.Subject); name != "" {
			n := len(a.file.Src)
			text := fmt.Sprintf("\nhandler %s {\n  hangup\n}\n", name)
			if n > 0 && a.file.Src[n-1] != '\n' {
				text = "\n" + text
			}
			add(fmt.Sprintf("Declare handler %s", name), n, n, text)
		}
	}
	return out
}

// nodeAt is the node of type T that starts at off, or whose name does: a
// diagnostic's span is the one or the other.
func nodeAt[T ast.Node](tree *ast.File, off int) T {
	var found T
	if tree == nil {
		return found
	}
	inspect(tree, func(n ast.Node) {
		t, ok := n.(T)
		if !ok {
			return
		}
		if n.Span().Start.Offset == off {
			found = t
		}
		if f := reflect.ValueOf(n).Elem().FieldByName("Name"); f.IsValid() {
			if id, ok := f.Interface().(*ast.Ident); ok && id != nil && id.At.Start.Offset == off {
				found = t
			}
		}
	})
	return found
}

// blockEnd is the offset just past the closing brace of a capture's block:
// the first } after its last option (or after its opening brace).
func blockEnd(src []byte, c *ast.Capture) int {
	from := c.At.End.Offset
	if c.Var != nil {
		from = c.Var.At.End.Offset
	}
	if n := len(c.Options); n > 0 {
		last := c.Options[n-1]
		from = max(from, last.At.End.Offset, last.Close.End.Offset)
		for _, arg := range last.Args {
			from = max(from, arg.Span().End.Offset)
		}
	} else if i := bytes.IndexByte(src[min(from, len(src)):], '{'); i >= 0 {
		from += i + 1
	}
	for i := from; i < len(src); i++ {
		switch src[i] {
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case '}':
			return i + 1
		}
	}
	return len(src)
}

// closingInsert is where and what to write to add an option line to the
// block whose closing brace ends at end: on its own line, indented as the
// block's first option, when the brace is on a line of its own; else before
// the brace, after a `;`.
func closingInsert(src []byte, end int, option string) (int, string) {
	brace := end - 1
	if brace < 0 || brace >= len(src) || src[brace] != '}' {
		return end, " " + option
	}
	lineStart := bytes.LastIndexByte(src[:brace], '\n') + 1
	if len(bytes.TrimSpace(src[lineStart:brace])) == 0 {
		indent := string(src[lineStart:brace]) + "  "
		return lineStart, indent + option + "\n"
	}
	at := brace
	for at > 0 && (src[at-1] == ' ' || src[at-1] == '\t') {
		at--
	}
	return at, "; " + option
}

// nameIn is the name a diagnostic's span covers, or "".
func nameIn(src []byte, sp source.Span) string {
	if sp.Start.Offset < 0 || sp.End.Offset > len(src) || sp.Start.Offset >= sp.End.Offset {
		return ""
	}
	name := string(src[sp.Start.Offset:sp.End.Offset])
	if !isIdent(name) {
		return ""
	}
	return name
}
