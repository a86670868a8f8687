package diag

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/callflow/callflow/lang/source"
)

// ANSI escapes for the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiBlue   = "\x1b[1;34m"
	ansiCyan   = "\x1b[1;36m"
)

// WriteText renders ds for people, in the style of rustc and clang:
//
//	flows/support.flow:12:8: error[unknown-handler]: no handler named "suport"
//	   12 |   goto suport
//	      |        ^^^^^^
//	      = hint: Declare the handler or fix the name. Did you mean "support"?
//
// The carets line up under the span in a terminal: padding repeats the tabs
// of the source line and counts East Asian wide characters as two cells and
// combining marks as none. A blank line separates diagnostics.
func WriteText(w io.Writer, ds Diagnostics, files source.Files, opts ...WriteOption) error {
	c := newConfig(opts)
	t := textWriter{color: c.color}
	first := true
	for _, d := range ds {
		if d == nil || d.Suppressed != nil { // suppressed: SARIF alone lists them
			continue
		}
		if !first {
			t.b.WriteByte('\n')
		}
		first = false
		t.diag(d, files)
	}
	_, err := w.Write(t.b.Bytes())
	return err
}

type textWriter struct {
	b     bytes.Buffer
	color bool
}

// paint wraps s in an ANSI colour when colour is on.
func (t *textWriter) paint(color, s string) string {
	if !t.color || s == "" {
		return s
	}
	return color + s + ansiReset
}

func (t *textWriter) diag(d *Diagnostic, files source.Files) {
	sevColor := ansiRed
	if d.Severity == Warning {
		sevColor = ansiYellow
	}

	// Header.
	if loc := spanLocation(d.Subject); loc != "" {
		t.b.WriteString(t.paint(ansiBold, loc+":"))
		t.b.WriteByte(' ')
	}
	t.b.WriteString(t.paint(sevColor, d.Severity.String()+"["+string(d.Code)+"]"))
	t.b.WriteString(t.paint(ansiBold, ": "+d.Summary))
	t.b.WriteByte('\n')

	// The gutter is wide enough for the line number, and at least four cells
	// so that short files line up with long ones.
	n := d.Subject.Start.Line
	gw := max(4, len(strconv.Itoa(n)))
	blank := " " + strings.Repeat(" ", gw) + " "

	// Source line and carets.
	if line, ok := sourceLine(files, d.Subject.File, n); ok && d.Subject.IsValid() {
		text := displayLine(line)
		t.b.WriteString(t.paint(ansiBlue, fmt.Sprintf(" %*d |", gw, n)))
		if len(text) > 0 {
			t.b.WriteByte(' ')
			t.b.WriteString(string(text))
		}
		t.b.WriteByte('\n')

		s := d.Subject
		endCol, toEnd := s.Start.Col, false
		switch {
		case s.End.Line > s.Start.Line:
			toEnd = true
		case s.End.Line == s.Start.Line:
			endCol = s.End.Col
		}
		pad, carets := caretRun(text, s.Start.Col, endCol, toEnd)
		t.b.WriteString(t.paint(ansiBlue, blank+"|"))
		t.b.WriteByte(' ')
		t.b.WriteString(pad)
		t.b.WriteString(t.paint(sevColor, carets))
		t.b.WriteByte('\n')
	}

	// Notes on related spans, then what to do.
	for _, r := range d.Related {
		msg := r.Message
		at := r.Span
		if at.File == "" {
			at.File = d.Subject.File
		}
		if loc := spanLocation(at); loc != "" {
			if msg != "" {
				msg += " "
			}
			msg += "at " + loc
		}
		t.label(blank, "note", msg)
	}
	if h := d.Hint(); h != "" {
		t.label(blank, "hint", h)
	}
}

func (t *textWriter) label(blank, name, msg string) {
	t.b.WriteString(t.paint(ansiBlue, blank+"="))
	t.b.WriteByte(' ')
	t.b.WriteString(t.paint(ansiCyan, name+":"))
	// Lines after the first line up under the first.
	indent := "\n" + blank + strings.Repeat(" ", len("= ")+len(name)+len(": "))
	for i, l := range strings.Split(strings.TrimRight(msg, "\n"), "\n") {
		switch {
		case i > 0 && l == "":
			t.b.WriteByte('\n')
		case i > 0:
			t.b.WriteString(indent)
			t.b.WriteString(strings.TrimRight(l, "\r"))
		case l != "":
			t.b.WriteByte(' ')
			t.b.WriteString(strings.TrimRight(l, "\r"))
		}
	}
	t.b.WriteByte('\n')
}

// spanLocation renders "file:line:col", just "file" when the line is
// unknown, or "" when nothing is known.
func spanLocation(s source.Span) string {
	switch {
	case s.IsValid():
		return s.String()
	case s.File != "":
		return s.File
	}
	return ""
}

// displayLine returns the runes of a source line as a terminal shows them,
// with control characters other than tab replaced so they cannot move the
// cursor or recolour the terminal. It has one rune per source column.
func displayLine(line []byte) []rune {
	rs := []rune(string(line))
	for i, r := range rs {
		if r != '\t' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
			rs[i] = unicode.ReplacementChar
		}
	}
	return rs
}

// caretRun returns the padding that reaches rune column startCol of text and
// the carets that cover up to endCol (exclusive), or to the end of the line
// when toEnd is set. Tabs stay tabs so the terminal aligns both lines alike.
// There is at least one caret.
func caretRun(text []rune, startCol, endCol int, toEnd bool) (pad, carets string) {
	start := min(max(startCol-1, 0), len(text))
	end := len(text)
	if !toEnd {
		end = min(max(endCol-1, start), len(text))
	}
	var p, c strings.Builder
	for _, r := range text[:start] {
		if r == '\t' {
			p.WriteByte('\t')
		} else {
			p.WriteString(strings.Repeat(" ", runeWidth(r)))
		}
	}
	for _, r := range text[start:end] {
		if r == '\t' {
			c.WriteByte('\t')
		} else {
			c.WriteString(strings.Repeat("^", runeWidth(r)))
		}
	}
	carets = strings.TrimRight(c.String(), "\t")
	if !strings.Contains(carets, "^") {
		carets = "^"
	}
	return p.String(), carets
}

// runeWidth is the number of terminal cells r takes: two for East Asian wide
// and fullwidth characters such as Chinese, none for combining marks (as in
// decomposed Vietnamese) and invisible format characters, one otherwise.
func runeWidth(r rune) int {
	if r == 0 || unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
