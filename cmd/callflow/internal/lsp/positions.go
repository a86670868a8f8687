package lsp

import (
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/source"
)

// offset converts an LSP position into a byte offset of f, in the agreed
// encoding; positions past the end are clamped.
func (s *server) offset(f *source.File, p protocol.Position) int {
	return f.Offset(source.Point{Line: int(p.Line), Col: int(p.Character)}, s.encoding())
}

// position converts a byte offset of f into an LSP position.
func (s *server) position(f *source.File, offset int) protocol.Position {
	p := f.Point(offset, s.encoding())
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Col)}
}

// rangeOf converts the byte range [start, end) of f.
func (s *server) rangeOf(f *source.File, start, end int) protocol.Range {
	return protocol.Range{Start: s.position(f, start), End: s.position(f, max(start, end))}
}

// spanRange converts a span of f.
func (s *server) spanRange(f *source.File, sp source.Span) protocol.Range {
	return s.rangeOf(f, sp.Start.Offset, sp.End.Offset)
}

// location is a span in f, which lives at u.
func (s *server) location(u uri.URI, f *source.File, sp source.Span) protocol.Location {
	return protocol.Location{URI: u, Range: s.spanRange(f, sp)}
}
