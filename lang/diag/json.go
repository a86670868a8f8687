package diag

import (
	"encoding/json"
	"io"

	"github.com/callflow/callflow/lang/source"
)

// jsonDiagnostic is one element of the JSON format.
type jsonDiagnostic struct {
	Code       Code          `json:"code"`
	Severity   Severity      `json:"severity"`
	File       string        `json:"file"`
	Line       int           `json:"line"`
	Column     int           `json:"column"`
	EndLine    int           `json:"end_line"`
	EndColumn  int           `json:"end_column"`
	Message    string        `json:"message"`
	Hint       string        `json:"hint"`
	Suggestion string        `json:"suggestion,omitempty"`
	Related    []jsonRelated `json:"related,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// WriteJSON renders ds as a pretty JSON array (two-space indent, "[]" when
// empty) of objects with code, severity, file, line, column, end_line,
// end_column, message, hint, and when present suggestion and related.
// Lines and columns are as the diagnostic gives them: 0 means unknown, and
// an unknown end repeats the start. end_column is exclusive. Suppressed
// diagnostics are left out: the array lists what needs attention (SARIF
// keeps them, marked).
func WriteJSON(w io.Writer, ds Diagnostics, files source.Files, opts ...WriteOption) error {
	out := make([]jsonDiagnostic, 0, len(ds))
	for _, d := range ds {
		if d == nil || d.Suppressed != nil { // suppressed: SARIF alone lists them
			continue
		}
		s := d.Subject
		end := s.End
		if !end.IsValid() {
			end = s.Start
		}
		j := jsonDiagnostic{
			Code:       d.Code,
			Severity:   d.Severity,
			File:       s.File,
			Line:       s.Start.Line,
			Column:     s.Start.Col,
			EndLine:    end.Line,
			EndColumn:  end.Col,
			Message:    d.Summary,
			Hint:       d.Hint(),
			Suggestion: d.Suggest,
		}
		for _, r := range d.Related {
			file := r.Span.File
			if file == "" {
				file = s.File
			}
			j.Related = append(j.Related, jsonRelated{
				File:    file,
				Line:    r.Span.Start.Line,
				Column:  r.Span.Start.Col,
				Message: r.Message,
			})
		}
		out = append(out, j)
	}
	return encodeJSON(w, out)
}

// encodeJSON writes v indented by two spaces, without HTML escaping, and
// with a final newline.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
