package check

import (
	"errors"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/folder"
	"github.com/callflow/callflow/lang/hours"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/lang/table"
)

// loadData reads table files and parses hours declarations.
func (c *checker) loadData() {
	for _, d := range c.u.Main.Decls {
		switch d := d.(type) {
		case *ast.Table:
			c.loadTable(d)
		case *ast.Hours:
			c.parseHours(d)
		}
	}
}

// literal decodes a string-literal expression the parser guaranteed.
func literal(x *ast.Expr) string {
	s, err := strconv.Unquote(x.Text)
	if err != nil {
		return strings.Trim(x.Text, "\"`")
	}
	return s
}

func (c *checker) loadTable(d *ast.Table) {
	name := literal(d.Path)
	if path.IsAbs(name) || strings.HasPrefix(path.Clean(name), "..") {
		c.report(diag.Errorf(diag.BadTable, d.Path.At, "table file %q is outside the flow's folder", name).
			Do("Put the table file beside the flow, or in a folder below it."))
		return
	}
	p := path.Join(c.u.Dir, name)
	_, err := folder.Resolve(c.u.FS, p)
	var src []byte
	if err == nil || !errors.Is(err, folder.ErrOutside) {
		src, err = fs.ReadFile(c.u.FS, p)
	}
	if errors.Is(err, folder.ErrOutside) {
		// A link that leaves the folder is refused like "../" is, before
		// anything outside is read; a reloader's snapshot says so itself.
		c.report(diag.Errorf(diag.BadTable, d.Path.At, "table file %q leads outside the folder: %s", name, outsideCause(err)).
			Do("Copy the table into the flows folder, or make the link point inside it: links that leave the folder are not followed."))
		return
	}
	if err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "no such file"
		}
		c.report(diag.Errorf(diag.BadTable, d.Path.At, "cannot read table file %s: %s", p, msg).
			Do("Put a CSV (header row, key first) or a JSON object of objects at %s.", p))
		return
	}
	data, terr := table.Parse(name, src)
	if terr != nil {
		at := d.Path.At
		if terr.Line > 0 {
			at = lineSpan(c.u.Files.Add(source.NewFile(p, src)), terr.Line, terr.Col)
		}
		c.report(diag.Errorf(diag.BadTable, at, "table %s is malformed: %s", p, terr.Msg).
			Do("Fix the table file; the flow's table %q reads it.", d.Name.Name))
		return
	}
	c.info.Tables[d.Name.Name] = data
	c.info.DataFiles[p] = src
}

// outsideCause is the link that leaves the folder, without the path
// error's wrapping.
func outsideCause(err error) string {
	var oe *folder.OutsideError
	if errors.As(err, &oe) {
		return oe.Error()
	}
	return err.Error()
}

// lineSpan is the byte at a 1-based line and byte column of a data file.
func lineSpan(f *source.File, line, col int) source.Span {
	off := 0
	for l := 1; l < line && off < len(f.Src); off++ {
		if f.Src[off] == '\n' {
			l++
		}
	}
	off = min(off+max(col-1, 0), len(f.Src))
	return f.Span(off, off+1)
}

func (c *checker) parseHours(d *ast.Hours) {
	var except []string
	for _, e := range d.Except {
		except = append(except, literal(e))
	}
	s, err := hours.Parse(literal(d.Spec), literal(d.TZ), except)
	if err == nil {
		c.info.Hours[d.Name.Name] = s
		return
	}
	var he *hours.Error
	if !errors.As(err, &he) {
		c.report(diag.Errorf(diag.BadHours, d.Spec.At, "%v", err))
		return
	}
	lit := d.Spec
	switch he.Part {
	case hours.PartTZ:
		lit = d.TZ
	case hours.PartExcept:
		lit = d.Except[he.Index]
	}
	c.report(diag.Errorf(diag.BadHours, inString(c.file(lit.At.File), lit, he.Offset, he.Len), "%s", he.Msg).
		Do("Write hours like \"Mon-Fri 09:00-18:00, Sat 10:00-14:00\", an IANA zone like \"Asia/Singapore\", and dates as YYYY-MM-DD."))
}

// inString is the span of bytes [off, off+n) of a string literal's value,
// assuming no escapes before them (hours specs have none).
func inString(f *source.File, lit *ast.Expr, off, n int) source.Span {
	if f == nil {
		return lit.At
	}
	start := lit.At.Start.Offset + 1 + off
	end := start + max(n, 1)
	if end > lit.At.End.Offset-1 {
		end = max(lit.At.End.Offset-1, start+1)
	}
	return f.Span(start, end)
}
