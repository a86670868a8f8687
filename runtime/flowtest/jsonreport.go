package flowtest

import (
	"encoding/json"
	"io"
)

// The JSON report of `callflow test --format json`; docs/authoring.md §5
// documents the shape, and fields are only ever added to it.
type (
	jsonReport struct {
		Passed int        `json:"passed"`
		Failed int        `json:"failed"`
		Tests  []jsonTest `json:"tests"`
	}
	jsonTest struct {
		Flow       string        `json:"flow"`
		Name       string        `json:"name"`
		File       string        `json:"file"`
		Line       int           `json:"line"`
		Column     int           `json:"column"`
		Status     string        `json:"status"`
		DurationMS float64       `json:"duration_ms"`
		Failures   []jsonFailure `json:"failures"`
	}
	jsonFailure struct {
		File      string `json:"file"`
		Line      int    `json:"line"`
		Column    int    `json:"column"`
		EndLine   int    `json:"end_line"`
		EndColumn int    `json:"end_column"`
		Message   string `json:"message"`
	}
)

// WriteJSON renders rep as one JSON object: the counts of passed and failed
// tests, and one object per test with its flow, name, the position of its
// test block, status "pass" or "fail", its duration in milliseconds, and
// its failures (an empty list when it passed; a test stops at its first
// failure, so there is at most one today) with the failing statement's
// span and the message saying what was expected and what was emitted.
// Lines start at 1; columns count code points from 1, as the text output's;
// end_column is exclusive.
func WriteJSON(w io.Writer, rep Report, opts ...WriteOption) error {
	c := newWriteConfig(opts)
	out := jsonReport{Passed: rep.Passed(), Failed: rep.Failed(), Tests: make([]jsonTest, 0, len(rep.Tests))}
	for _, t := range rep.Tests {
		j := jsonTest{
			Flow:       t.Flow,
			Name:       t.Name,
			File:       c.path(t.At.File),
			Line:       t.At.Start.Line,
			Column:     t.At.Start.Col,
			Status:     "pass",
			DurationMS: float64(t.Elapsed.Microseconds()) / 1000,
			Failures:   []jsonFailure{},
		}
		if f := t.Failure; f != nil {
			j.Status = "fail"
			end := f.At.End
			if !end.IsValid() {
				end = f.At.Start
			}
			j.Failures = append(j.Failures, jsonFailure{
				File:      c.path(f.At.File),
				Line:      f.At.Start.Line,
				Column:    f.At.Start.Col,
				EndLine:   end.Line,
				EndColumn: end.Col,
				Message:   f.Msg,
			})
		}
		out.Tests = append(out.Tests, j)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
