package lsp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/format"
	"github.com/callflow/callflow/lang/source"
)

// Formatting lays the document out as `callflow fmt` does. The answer is
// the changed lines only, so the cursor and folds elsewhere stay put; a
// document that does not parse gets no edits (its diagnostics say why).
func (s *server) Formatting(ctx context.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	return s.formatEdits(p.TextDocument.URI, nil)
}

// RangeFormatting formats the document and keeps the edits that touch the
// range: the formatter lays out whole files, so a change outside the range
// is left for a whole-document format.
func (s *server) RangeFormatting(ctx context.Context, p *protocol.DocumentRangeFormattingParams) ([]protocol.TextEdit, error) {
	return s.formatEdits(p.TextDocument.URI, &p.Range)
}

func (s *server) formatEdits(u uri.URI, within *protocol.Range) ([]protocol.TextEdit, error) {
	d := s.doc(u)
	if d == nil {
		return []protocol.TextEdit{}, nil
	}
	out, err := format.Source(d.name, d.file.Src)
	if err != nil {
		s.log.Info("not formatted", "uri", u, "err", err)
		return []protocol.TextEdit{}, nil
	}
	edits := []protocol.TextEdit{}
	first, last := 0, d.file.LineCount()
	if within != nil {
		first, last = int(within.Start.Line), int(within.End.Line)
	}
	for _, h := range lineEdits(d.file, out) {
		if h.to < first || h.from > last {
			continue
		}
		start := d.file.Offset(source.Point{Line: h.from}, source.UTF8)
		end := d.file.Offset(source.Point{Line: h.to}, source.UTF8)
		if h.to >= d.file.LineCount() {
			end = len(d.file.Src)
		}
		edits = append(edits, protocol.TextEdit{Range: s.rangeOf(d.file, start, end), NewText: h.text})
	}
	return edits, nil
}

// lineEdit replaces the lines [from, to) (zero-based) with text.
type lineEdit struct {
	from, to int
	text     string
}

// lineEdits are the changes that turn f into formatted, line by line, read
// from a unified diff of the two.
func lineEdits(f *source.File, formatted []byte) []lineEdit {
	old := f.Src
	if len(old) > 0 && old[len(old)-1] != '\n' {
		// The diff marks a missing last newline in text; the edit of the
		// last line puts it back, since edits replace whole lines.
		old = append(old[:len(old):len(old)], '\n')
	}
	var out []lineEdit
	var cur *lineEdit
	var text strings.Builder
	line := 0
	flush := func() {
		if cur != nil {
			cur.text = text.String()
			out = append(out, *cur)
			cur = nil
			text.Reset()
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(diff.Diff("old", old, "new", formatted)))
	sc.Buffer(nil, len(old)+len(formatted)+1024)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "@@"):
			flush()
			var ox, oc, nx, nc int
			fmt.Sscanf(l, "@@ -%d,%d +%d,%d @@", &ox, &oc, &nx, &nc)
			line = max(ox-1, 0)
			if oc == 0 {
				line = ox
			}
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "diff "), strings.HasPrefix(l, `\`):
		case strings.HasPrefix(l, " "):
			flush()
			line++
		case strings.HasPrefix(l, "-"):
			if cur == nil {
				cur = &lineEdit{from: line, to: line}
			}
			line++
			cur.to = line
		case strings.HasPrefix(l, "+"):
			if cur == nil {
				cur = &lineEdit{from: line, to: line}
			}
			text.WriteString(l[1:] + "\n")
		}
	}
	flush()
	n := f.LineCount()
	if len(old) != len(f.Src) && (len(out) == 0 || out[len(out)-1].to < n) {
		out = append(out, lineEdit{from: n, to: n, text: "\n"})
	}
	return out
}
