// Package format prints .flow files in their one canonical layout, as gofmt
// does for Go. Formatting is idempotent, keeps every comment and never
// changes meaning: Source reparses what it printed and compares the two
// trees, and refuses to return output whose tree differs.
//
// The layout:
//
//   - The header `flow NAME [version N]` comes first, preceded only by the
//     comments written before it. Declarations keep their source order.
//   - Declarations form groups: settings (target, number, voice, speed), data
//     (const, table, lookup, hours), rules (when, otherwise), handlers and
//     tests. One blank line separates the header from what follows, two
//     groups, two handlers and two tests. Inside a group, and between the
//     statements, options and test statements of a block, a blank line the
//     author wrote is kept and runs of blank lines become one. Blank lines at
//     the start and end of a block and of the file are dropped.
//   - Two spaces indent each level of nesting. Every statement, option, leg,
//     case and test statement starts its own line; `;` separators become
//     newlines. The only exception is a block that was written on one line
//     and holds at most one item, itself on one line: it stays on one line
//     (`handler closed { hangup }`, `case "1" { goto sales }`, `{}`). An if
//     statement stays on one line only when all its blocks do. A switch always
//     takes one line per case.
//   - `} else {` and `} else if … {` share the line of the closing brace.
//   - One space separates words; `->`, `=` and `==` have one space on each
//     side, `,` one space after it.
//   - Alignment, in runs of consecutive lines of the same kind and depth (a
//     blank line, a comment line or a line that spans several lines ends a
//     run): the `->` of when/otherwise rules, the `=` of consts, the values
//     of the options of capture, campaign and contact blocks (after the
//     longest option name that has a value), and the `from` of callback legs.
//   - Expressions and strings are printed exactly as written, including the
//     line breaks, comments and indentation inside a multi-line expression.
//   - Comments: a comment on a line of its own stays on a line of its own,
//     before the statement that follows it, at that statement's indentation
//     (inside the block when it comes after the block's last statement, at
//     the end of the file after the last declaration). A comment at the end
//     of a line stays at the end of the line that holds the token before it;
//     consecutive lines of one depth that end in comments have them aligned,
//     two spaces after the longest line. Trailing spaces are removed. A
//     suppression (`# callflow:ignore …`) at the end of a line that is split
//     stays on the first line printed from it, which is where the warnings
//     about a block are reported, so formatting never changes what it
//     silences.
package format

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/parser"
)

// SyntaxError is returned by Source when the input does not parse: the
// parser's diagnostics say why.
type SyntaxError struct {
	Diagnostics diag.Diagnostics
}

func (e *SyntaxError) Error() string {
	var errs diag.Diagnostics
	for _, d := range e.Diagnostics {
		if d != nil && d.Severity == diag.Error {
			errs = append(errs, d)
		}
	}
	switch len(errs) {
	case 0:
		return "the file does not parse"
	case 1:
		return errs[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", errs[0].Error(), len(errs)-1)
}

// Source formats src, the content of the .flow file filename, and returns
// the canonical layout. When src does not parse the error is a *SyntaxError.
// Source checks its own output: the result parses to the same tree as src
// (positions aside) with the same comments, or an error is returned and
// nothing should be written.
func Source(filename string, src []byte) ([]byte, error) {
	f, ds := parser.ParseFile(filename, src)
	if f == nil || ds.HasErrors() {
		return nil, &SyntaxError{Diagnostics: ds}
	}
	var buf bytes.Buffer
	if err := Node(&buf, f, src); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if len(out) > parser.MaxFileSize && len(src) <= parser.MaxFileSize {
		return nil, fmt.Errorf("%s: formatted, the file would be %d bytes, over the %d-byte limit of a flow file; split it first", filename, len(out), parser.MaxFileSize)
	}
	g, ds := parser.ParseFile(filename, out)
	if g == nil || ds.HasErrors() {
		return nil, fmt.Errorf("%s: formatting failed: the formatted text does not parse (%v); this is a bug in callflow fmt", filename, (&SyntaxError{Diagnostics: ds}).Error())
	}
	if d := Diff(f, g); d != "" {
		return nil, fmt.Errorf("%s: formatting failed: it would change %s; this is a bug in callflow fmt", filename, d)
	}
	return out, nil
}

// Node prints f in the canonical layout. src must be the source f was parsed
// from: blank lines, one-line blocks and the place of each comment are read
// from it. Node does not check its output; Source does.
func Node(w io.Writer, f *ast.File, src []byte) error {
	if f == nil || f.Flow == nil {
		return fmt.Errorf("format: a file without a flow header")
	}
	p := newPrinter(f, src)
	p.file(f)
	_, err := w.Write(render(p.lines))
	return err
}

// trimComment is a comment's text as printed: without trailing spaces (nor
// the \r of a CRLF line end).
func trimComment(s string) string { return strings.TrimRight(s, " \t\r") }
