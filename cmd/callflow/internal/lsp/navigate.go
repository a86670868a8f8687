package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/lexer"
)

// nameAt is the name under the cursor and the analysis it belongs to.
func (s *server) nameAt(u uri.URI, pos protocol.Position) (*analysis, *occurrence) {
	d := s.doc(u)
	if d == nil {
		return nil, nil
	}
	a := s.analysis(d)
	return a, a.namesOf().at(d.name, s.offset(a.file, pos))
}

// occLocation is where an occurrence is, in its file.
func (s *server) occLocation(a *analysis, o occurrence) (protocol.Location, bool) {
	f, u, ok := a.fileOf(o.file)
	if !ok {
		return protocol.Location{}, false
	}
	return protocol.Location{URI: u, Range: s.rangeOf(f, o.start, o.end)}, true
}

// Definition goes to the declaration of a handler, const, table, lookup or
// hours, or to the first assignment of a variable.
func (s *server) Definition(ctx context.Context, p *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	a, o := s.nameAt(p.TextDocument.URI, p.Position)
	if o == nil {
		return protocol.LocationSlice{}, nil
	}
	def := a.namesOf().definition(o)
	if def == nil {
		return protocol.LocationSlice{}, nil
	}
	if loc, ok := s.occLocation(a, *def); ok {
		return &loc, nil
	}
	return protocol.LocationSlice{}, nil
}

// References lists every place the name is written, in the flow and its
// tests; the declaration only when the client asks for it.
func (s *server) References(ctx context.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	a, o := s.nameAt(p.TextDocument.URI, p.Position)
	out := []protocol.Location{}
	if o == nil {
		return out, nil
	}
	for _, r := range a.namesOf().refs(o) {
		if r.def && r.kind != kindVar && !p.Context.IncludeDeclaration {
			continue
		}
		if loc, ok := s.occLocation(a, r); ok {
			out = append(out, loc)
		}
	}
	return out, nil
}

// PrepareRename says whether the name under the cursor can be renamed.
func (s *server) PrepareRename(ctx context.Context, p *protocol.PrepareRenameParams) (protocol.PrepareRenameResult, error) {
	a, o := s.nameAt(p.TextDocument.URI, p.Position)
	if o == nil || o.kind == kindBuiltin {
		return nil, nil
	}
	r := s.rangeOf(a.file, o.start, o.end)
	return &protocol.PrepareRenamePlaceholder{Range: r, Placeholder: o.name}, nil
}

// Rename renames a name everywhere in the flow and its tests. It refuses a
// new name that is a keyword, not a name, or already taken.
func (s *server) Rename(ctx context.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	a, o := s.nameAt(p.TextDocument.URI, p.Position)
	if o == nil {
		return nil, nil
	}
	if o.kind == kindBuiltin {
		return nil, renameError("%s is a built-in name; it cannot be renamed", o.name)
	}
	if err := s.checkNewName(a, o, p.NewName); err != nil {
		return nil, err
	}
	edit := &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{}}
	for _, r := range a.namesOf().refs(o) {
		if loc, ok := s.occLocation(a, r); ok {
			edit.Changes[loc.URI] = append(edit.Changes[loc.URI], protocol.TextEdit{Range: loc.Range, NewText: p.NewName})
		}
	}
	return edit, nil
}

// checkNewName refuses a rename the checker would reject.
func (s *server) checkNewName(a *analysis, o *occurrence, name string) error {
	if !isIdent(name) {
		return renameError("%q is not a name: use ASCII letters, digits and _, starting with a letter or _", name)
	}
	if lexer.IsKeyword(name) {
		return renameError("%q is a keyword; choose another name", name)
	}
	if name == o.name {
		return nil
	}
	for _, b := range exprs.BuiltinNames {
		if b == name {
			return renameError("%q is a built-in name; choose another name", name)
		}
	}
	for _, x := range a.namesOf().occs {
		if x.name == name && x.def {
			if f, _, ok := a.fileOf(x.file); ok {
				return renameError("%q is already a %s (%s:%d); choose another name", name, x.kind, x.file, f.Pos(x.start).Line)
			}
			return renameError("%q is already a %s; choose another name", name, x.kind)
		}
	}
	return nil
}

func renameError(format string, args ...any) error {
	return jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf(format, args...))
}

// isIdent reports whether s is written as a name: [A-Za-z_][A-Za-z0-9_]*.
func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) || (i == 0 && '0' <= s[i] && s[i] <= '9') {
			return false
		}
	}
	return s != ""
}
