package diag

import (
	"encoding/json"
	"io"
	"unicode"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/source"
)

// The Reviewdog Diagnostic Format's Diagnostic message, as reviewdog reads
// it in rdjsonl (github.com/reviewdog/reviewdog, proto/rdf/reviewdog.proto).
type (
	rdDiagnostic struct {
		Message          string         `json:"message"`
		Location         rdLocation     `json:"location"`
		Severity         string         `json:"severity"`
		Source           rdSource       `json:"source"`
		Code             rdCode         `json:"code"`
		Suggestions      []rdSuggestion `json:"suggestions,omitempty"`
		RelatedLocations []rdRelated    `json:"related_locations,omitempty"`
	}
	rdLocation struct {
		Path  string   `json:"path"`
		Range *rdRange `json:"range,omitempty"`
	}
	rdRange struct {
		Start rdPosition `json:"start"`
		End   rdPosition `json:"end"`
	}
	rdPosition struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	}
	rdSource struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	rdCode struct {
		Value string `json:"value"`
		URL   string `json:"url,omitempty"`
	}
	rdSuggestion struct {
		Range rdRange `json:"range"`
		Text  string  `json:"text"`
	}
	rdRelated struct {
		Message  string     `json:"message,omitempty"`
		Location rdLocation `json:"location"`
	}
)

// WriteRDJSONL renders ds as reviewdog's rdjsonl: one Diagnostic object per
// line, with the summary and hint as the message, the span as an exclusive
// range, ERROR or WARNING, the code with its entry in docs/language.md as
// the URL (SARIF's helpUri), a suggestion that replaces the span when the
// diagnostic has a did-you-mean for a misspelt name, and related places.
//
// Columns are UTF-8 byte columns starting at 1, the unit the format's
// Position defines (not the code points of the text format): a column is
// converted when the file is in files and kept as it is otherwise, which
// is the same for ASCII lines. A diagnostic without a line has a path and
// no range.
func WriteRDJSONL(w io.Writer, ds Diagnostics, files source.Files, opts ...WriteOption) error {
	c := newConfig(opts)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range ds {
		if d == nil {
			continue
		}
		out := rdDiagnostic{
			Message:  sarifText(d),
			Location: rdLocationOf(d.Subject, files),
			Severity: rdSeverity(d.Severity),
			Source:   rdSource{Name: c.toolName, URL: InformationURI},
			Code:     rdCode{Value: string(d.Code)},
		}
		if r, ok := RuleFor(d.Code); ok {
			out.Code.URL = HelpURI(r)
		}
		if fix, ok := rdFix(d, files); ok {
			out.Suggestions = []rdSuggestion{fix}
		}
		for _, r := range d.Related {
			s := r.Span
			if s.File == "" {
				s.File = d.Subject.File
			}
			out.RelatedLocations = append(out.RelatedLocations, rdRelated{Message: r.Message, Location: rdLocationOf(s, files)})
		}
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	return nil
}

func rdSeverity(s Severity) string {
	switch s {
	case Error:
		return "ERROR"
	case Warning:
		return "WARNING"
	}
	return "UNKNOWN_SEVERITY"
}

// rdLocationOf is the span's path and range in byte columns; an end that is
// unknown or before the start makes the range empty at the start.
func rdLocationOf(s source.Span, files source.Files) rdLocation {
	loc := rdLocation{Path: s.File}
	if !s.Start.IsValid() {
		return loc
	}
	start := rdPositionOf(s.Start, s.File, files)
	end := start
	if s.End.IsValid() {
		e := rdPositionOf(s.End, s.File, files)
		if e.Line > start.Line || (e.Line == start.Line && e.Column >= start.Column) {
			end = e
		}
	}
	loc.Range = &rdRange{Start: start, End: end}
	return loc
}

// rdPositionOf converts p's rune column to a UTF-8 byte column on its line.
func rdPositionOf(p source.Pos, file string, files source.Files) rdPosition {
	col := max(p.Col, 1)
	line, ok := sourceLine(files, file, p.Line)
	if !ok {
		return rdPosition{Line: p.Line, Column: col}
	}
	b := 0
	for r := 1; r < col && b < len(line); r++ {
		_, n := utf8.DecodeRune(line[b:])
		b += n
	}
	return rdPosition{Line: p.Line, Column: b + 1}
}

// rdFix is the did-you-mean as a replacement of the span, offered only when
// the span is one name on one line: a suggestion that replaced a quoted
// string or a whole construct with a bare name would break the source. A
// syntax error's did-you-mean is a guess at a keyword, not a fix, so it
// stays in the message only.
func rdFix(d *Diagnostic, files source.Files) (rdSuggestion, bool) {
	s, text, ok := d.Fix(files)
	if !ok {
		return rdSuggestion{}, false
	}
	loc := rdLocationOf(s, files)
	return rdSuggestion{Range: *loc.Range, Text: text}, true
}

// Fix is the edit a did-you-mean stands for: the misspelt name's span and
// the name to write there. There is none for a syntax error, a span that is
// not one name on one line, or a suggestion that is not a name.
func (d *Diagnostic) Fix(files source.Files) (source.Span, string, bool) {
	s := d.Subject
	if d.Suggest == "" || d.Code == Syntax || !s.Start.IsValid() || s.End.Line != s.Start.Line || s.End.Col <= s.Start.Col {
		return source.Span{}, "", false
	}
	f := files[s.File]
	if f == nil || s.Start.Offset < 0 || s.End.Offset > len(f.Src) || s.Start.Offset >= s.End.Offset {
		return source.Span{}, "", false
	}
	if !isName(f.Src[s.Start.Offset:s.End.Offset]) || !isName([]byte(d.Suggest)) {
		return source.Span{}, "", false
	}
	return s, d.Suggest, true
}

// isName reports whether b is a name of the language: letters, digits and
// underscores, possibly dotted (a lookup's field).
func isName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
		b = b[n:]
	}
	return true
}
