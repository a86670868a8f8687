package check

import (
	"bytes"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/source"
)

// Suppression comments, read from the comments the parser keeps:
//
//	# callflow:ignore CODE[,CODE] reason       (line before, or end of line)
//	# callflow:ignore-file CODE[,CODE] reason  (before the first declaration)
//
// Only warnings can be suppressed: an error means the flow does not load, and
// a comment must never make a broken flow load. A suppression that is not
// valid (no reason, an unknown code, an error's code) silences nothing and is
// itself a warning, so a comment never decides whether a flow compiles.
const (
	directivePrefix = "callflow:"
	ignoreLine      = "ignore"
	ignoreFile      = "ignore-file"
)

// directive is one valid suppression comment.
type directive struct {
	file      string
	line      int // the line it covers; 0 for ignore-file
	reason    string
	at        source.Span // the whole comment
	codes     []namedCode
	used      []bool // used[i]: codes[i] silenced a warning
	wholeFile bool   // ignore-file
}

// suppress marks the warnings the unit's suppression comments and the
// disabled codes silence, and adds the diagnostics about the comments
// themselves. Unused suppressions are reported only when the unit has no
// errors and no syntax errors: a check cut short by an error, or of a
// partial tree, may not reach the warning a suppression is for.
func (c *checker) suppress() {
	complete := !c.diags.HasErrors() && !c.partial()
	var dirs []*directive
	for _, f := range append([]*ast.File{c.u.Main}, c.u.Tests...) {
		if src := c.file(f.Name); src != nil {
			dirs = append(dirs, c.directives(f, src)...)
		}
	}
	for _, d := range c.diags {
		if d.Suppressed != nil || !diag.Suppressible(d.Code) {
			continue
		}
		for _, dir := range dirs {
			if dir.covers(d) {
				break
			}
		}
	}
	if complete {
		for _, dir := range dirs {
			dir.reportUnused(c)
		}
	}
	for _, d := range c.diags {
		if d.Suppressed == nil && d.Severity == diag.Warning && c.u.disabled(d.Code) {
			d.Suppressed = &diag.Suppression{Kind: diag.External, Justification: "callflow check --disable " + string(d.Code)}
		}
	}
}

func (u *Unit) disabled(code diag.Code) bool {
	for _, c := range u.Disable {
		if c == code {
			return true
		}
	}
	return false
}

// covers marks d suppressed when dir applies to it, and says whether it did.
func (dir *directive) covers(d *diag.Diagnostic) bool {
	if d.Subject.File != dir.file || (!dir.wholeFile && d.Subject.Start.Line != dir.line) {
		return false
	}
	for i, code := range dir.codes {
		if code.code == d.Code {
			dir.used[i] = true
			d.Suppressed = &diag.Suppression{Kind: diag.InSource, Justification: dir.reason, At: dir.at}
			return true
		}
	}
	return false
}

func (dir *directive) reportUnused(c *checker) {
	kind := ignoreLine
	if dir.wholeFile {
		kind = ignoreFile
	}
	for i, nc := range dir.codes {
		if dir.used[i] {
			continue
		}
		code := nc.code
		where := "on the line it covers"
		if dir.wholeFile {
			where = "in this file"
		}
		c.report(diag.Warningf(diag.UnusedSuppression, nc.at, "callflow:%s %s silences nothing: no %s warning %s", kind, code, code, where).
			Do("Remove %s from the suppression; the warning no longer occurs there.", code))
	}
}

// directives reads the suppression comments of one file, reporting the
// malformed ones.
func (c *checker) directives(f *ast.File, src *source.File) []*directive {
	firstDecl := len(src.Src)
	if len(f.Decls) > 0 {
		firstDecl = f.Decls[0].Span().Start.Offset
	}
	var out []*directive
	for _, cm := range f.Comments {
		// A CRLF file's comments end in \r, which is no part of a code or reason.
		text := strings.TrimRight(strings.TrimLeft(strings.TrimPrefix(cm.Text, "#"), " \t"), " \t\r")
		if !strings.HasPrefix(text, directivePrefix) {
			continue
		}
		base := cm.At.Start.Offset + len(cm.Text) - len(text) // offset of "callflow:"
		if dir := c.directive(src, cm, text, base, firstDecl); dir != nil {
			out = append(out, dir)
		}
	}
	return out
}

// directive parses one `# callflow:` comment; text starts at "callflow:",
// at byte offset base of the file.
func (c *checker) directive(src *source.File, cm *ast.Comment, text string, base, firstDecl int) *directive {
	word, rest := cut(text[len(directivePrefix):])
	wordAt := src.Span(base, base+len(directivePrefix)+len(word))
	switch word {
	case ignoreLine, ignoreFile:
	default:
		c.report(diag.Warningf(diag.BadSuppression, wordAt, "unknown directive callflow:%s", word).
			Do("Write `# callflow:ignore CODE reason` or `# callflow:ignore-file CODE reason`.").
			Maybe(suggest.Nearest(word, []string{ignoreLine, ignoreFile})))
		return nil
	}
	dir := &directive{file: src.Name, at: trimmedSpan(src, cm), wholeFile: word == ignoreFile}
	if dir.wholeFile && cm.At.Start.Offset > firstDecl {
		c.report(diag.Warningf(diag.BadSuppression, wordAt, "callflow:ignore-file comes after the first declaration").
			Do("Move it to the top of the file, before the first declaration (after `flow NAME` is fine)."))
		return nil
	}
	// The codes run up to the first space not after a comma, so both
	// "a,b" and "a, b" name two codes.
	codesOff := len(text) - len(rest)
	var codes string
	for {
		var field string
		field, rest = cut(rest)
		codes += field
		if field == "" || !strings.HasSuffix(field, ",") {
			break
		}
	}
	reason := strings.TrimSpace(rest)
	if strings.Trim(codes, ",") == "" {
		c.report(diag.Warningf(diag.BadSuppression, wordAt, "callflow:%s names no code", word).
			Do("Name the codes to silence, then the reason: `# callflow:%s CODE reason`.", word))
		return nil
	}
	valid := c.codes(src, text, base, codesOff)
	if reason == "" {
		c.report(diag.Warningf(diag.MissingReason, dir.at, "callflow:%s %s gives no reason", word, strings.Trim(codes, ",")).
			Do("Write why the finding is acceptable after the codes, such as `# callflow:%s %s the partner requires it`; without a reason nothing is silenced.", word, strings.Trim(codes, ",")))
		return nil
	}
	dir.codes = valid
	if len(dir.codes) == 0 {
		return nil
	}
	dir.used = make([]bool, len(dir.codes))
	dir.reason = reason
	if !dir.wholeFile {
		dir.line = coveredLine(src, cm)
	}
	return dir
}

type namedCode struct {
	code diag.Code
	at   source.Span
}

// codes checks each code of a directive, reporting the unknown and the
// unsuppressible, and returns the valid ones with their spans.
func (c *checker) codes(src *source.File, text string, base, from int) []namedCode {
	var out []namedCode
	i := from
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	for i < len(text) {
		j := i
		for j < len(text) && text[j] != ',' && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		name := text[i:j]
		at := src.Span(base+i, base+j)
		if name != "" {
			c.checkCode(name, at, &out)
		}
		if j < len(text) && text[j] == ',' {
			j++
			for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
				j++
			}
			i = j
			continue
		}
		break
	}
	return out
}

func (c *checker) checkCode(name string, at source.Span, out *[]namedCode) {
	code := diag.Code(name)
	rule, ok := diag.RuleFor(code)
	switch {
	case !ok:
		c.report(diag.Warningf(diag.UnknownCode, at, "no diagnostic has the code %q", name).
			Do("Name a code from docs/language.md section 9.").
			Maybe(suggest.Nearest(name, diag.Codes())))
	case rule.Severity == diag.Error:
		c.report(diag.Warningf(diag.BadSuppression, at, "%s is an error, which cannot be suppressed", name).
			Do("Fix the error: a flow with errors does not load, so only warnings can be silenced."))
	case !diag.Suppressible(code):
		c.report(diag.Warningf(diag.BadSuppression, at, "%s reports on suppressions and cannot be suppressed by one", name).
			Do("Fix the suppression it points at, or pass --disable %s to callflow check.", name))
	default:
		*out = append(*out, namedCode{code, at})
	}
}

// coveredLine is the line a `# callflow:ignore` comment covers: its own
// line when code comes before it, else the next line that is not only a
// comment (so suppressions and other comments may stack above a line).
func coveredLine(src *source.File, cm *ast.Comment) int {
	line := cm.At.Start.Line
	if len(bytes.TrimSpace(prefixOf(src, cm))) > 0 {
		return line
	}
	for n := line + 1; n <= src.LineCount(); n++ {
		if t := bytes.TrimSpace(src.Line(n)); len(t) == 0 || t[0] != '#' {
			return n
		}
	}
	return line + 1
}

// prefixOf is the text of the comment's line before the comment.
func prefixOf(src *source.File, cm *ast.Comment) []byte {
	start := cm.At.Start.Offset
	for start > 0 && src.Src[start-1] != '\n' {
		start--
	}
	return src.Src[start:cm.At.Start.Offset]
}

// trimmedSpan is the comment's span without trailing spaces or a \r.
func trimmedSpan(src *source.File, cm *ast.Comment) source.Span {
	t := strings.TrimRight(cm.Text, " \t\r")
	return src.Span(cm.At.Start.Offset, cm.At.Start.Offset+len(t))
}

// cut splits s after leading blanks at the next blank: the first word and
// the rest.
func cut(s string) (word, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}
