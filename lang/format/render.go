package format

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// commentGap is the space before an end-of-line comment.
const commentGap = 2

// render turns lines into text: cells aligned in runs, end-of-line comments
// aligned in runs, two spaces per indentation level.
func render(lines []*line) []byte {
	text := make([]string, len(lines))
	for i := 0; i < len(lines); {
		l := lines[i]
		if !alignable(l) {
			text[i] = indent(l.indent) + strings.Join(l.cells, " ")
			i++
			continue
		}
		// A line whose last cell spans lines ends its run, as in gofmt.
		j := i + 1
		for j < len(lines) && !multiline(lines[j-1]) && alignable(lines[j]) && !lines[j].blank &&
			lines[j].key == l.key && lines[j].indent == l.indent {
			j++
		}
		// Column widths count the cells that another cell follows.
		var widths []int
		for _, m := range lines[i:j] {
			for c, s := range m.cells[:len(m.cells)-1] {
				if c == len(widths) {
					widths = append(widths, 0)
				}
				widths[c] = max(widths[c], width(s))
			}
		}
		for k, m := range lines[i:j] {
			var b strings.Builder
			b.WriteString(indent(m.indent))
			for c, s := range m.cells {
				b.WriteString(s)
				if c < len(m.cells)-1 {
					b.WriteString(strings.Repeat(" ", widths[c]-width(s)+1))
				}
			}
			text[i+k] = b.String()
		}
		i = j
	}

	// End-of-line comments: a run is consecutive one-line lines of one
	// indentation that all end in a comment.
	for i := 0; i < len(lines); {
		if lines[i].comment == "" {
			i++
			continue
		}
		if strings.Contains(text[i], "\n") {
			text[i] += strings.Repeat(" ", commentGap) + lines[i].comment
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && lines[j].comment != "" && !lines[j].blank &&
			lines[j].indent == lines[i].indent && !strings.Contains(text[j], "\n") {
			j++
		}
		col := 0
		for k := i; k < j; k++ {
			col = max(col, width(text[k]))
		}
		for k := i; k < j; k++ {
			text[k] += strings.Repeat(" ", col-width(text[k])+commentGap) + lines[k].comment
		}
		i = j
	}

	var out bytes.Buffer
	for i, l := range lines {
		if l.blank && i > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(text[i])
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// alignable reports whether a line takes part in an aligned run: it has an
// alignment key and no line break before its last cell.
func alignable(l *line) bool {
	if l.key == "" || l.isNote {
		return false
	}
	for _, c := range l.cells[:len(l.cells)-1] {
		if strings.Contains(c, "\n") {
			return false
		}
	}
	return true
}

func multiline(l *line) bool { return strings.Contains(l.cells[len(l.cells)-1], "\n") }

func indent(n int) string { return strings.Repeat("  ", n) }

// width is the printed width of s: its rune count, as gofmt's tabwriter.
func width(s string) int { return utf8.RuneCountInString(s) }
