// Package diag defines the diagnostics every phase of the language reports:
// a stable code, a severity, the exact span, a one-line summary, a sentence on
// what to do, and a did-you-mean where a near name exists.
//
// Phases collect diagnostics instead of stopping at the first one; writers in
// this package render them as text, JSON, SARIF, GitHub annotations or
// reviewdog's rdjsonl.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/callflow/callflow/lang/source"
)

// Severity says whether a diagnostic stops the build.
type Severity uint8

const (
	Invalid Severity = iota // the zero value is deliberately invalid
	Error
	Warning
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "invalid"
}

// MarshalText renders the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem found in a source file.
type Diagnostic struct {
	Severity Severity
	Code     Code
	Summary  string      // one line, no trailing period
	Detail   string      // full sentences: what to do
	Suggest  string      // a near name for "did you mean", if any
	Subject  source.Span // the offending token or construct
	Related  []Related   // other places that explain this one

	// Suppressed is set when a suppression comment or --disable silences
	// the diagnostic; nil means it is reported.
	Suppressed *Suppression
}

// Related points at a second place, such as the first definition of a duplicate.
type Related struct {
	Span    source.Span
	Message string
}

// Hint is the sentence on what to do, with the did-you-mean appended.
func (d *Diagnostic) Hint() string {
	if d.Suggest == "" {
		return d.Detail
	}
	dym := fmt.Sprintf("Did you mean %q?", d.Suggest)
	if d.Detail == "" {
		return dym
	}
	return d.Detail + " " + dym
}

// Error renders "file:line:col: severity[code]: summary".
func (d *Diagnostic) Error() string {
	return fmt.Sprintf("%s: %s[%s]: %s", d.Subject, d.Severity, d.Code, d.Summary)
}

// Diagnostics is a list of diagnostics from one or more files.
type Diagnostics []*Diagnostic

// HasErrors reports whether any diagnostic is an error that is not
// suppressed.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error && d.Suppressed == nil {
			return true
		}
	}
	return false
}

// Count returns the number of errors and warnings that are not suppressed.
func (ds Diagnostics) Count() (errors, warnings int) {
	for _, d := range ds {
		if d.Suppressed != nil {
			continue
		}
		switch d.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		}
	}
	return errors, warnings
}

// Err returns the diagnostics as an error when there is at least one error,
// and a true nil otherwise (avoiding the typed-nil trap).
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return errorList(ds)
}

type errorList Diagnostics

func (el errorList) Error() string {
	var first *Diagnostic
	n := 0
	for _, d := range el {
		if d.Severity == Error && d.Suppressed == nil {
			if first == nil {
				first = d
			}
			n++
		}
	}
	if n == 1 {
		return first.Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", first.Error(), n-1)
}

// Sort orders diagnostics by file, then offset, then code, so output is stable.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Subject, ds[j].Subject
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Start.Offset != b.Start.Offset {
			return a.Start.Offset < b.Start.Offset
		}
		return ds[i].Code < ds[j].Code
	})
}

// Limit keeps at most max errors (warnings are kept), adding a last note when
// some were cut. max <= 0 means no limit.
func (ds Diagnostics) Limit(max int) Diagnostics {
	if max <= 0 {
		return ds
	}
	out := make(Diagnostics, 0, len(ds))
	errs, cut := 0, 0
	var last source.Span
	for _, d := range ds {
		if d.Severity == Error && d.Suppressed == nil {
			if errs == max {
				cut++
				last = d.Subject
				continue
			}
			errs++
		}
		out = append(out, d)
	}
	if cut > 0 {
		out = append(out, &Diagnostic{
			Severity: Error, Code: TooManyErrors, Subject: last,
			Summary: fmt.Sprintf("%d more errors not shown", cut),
			Detail:  "Fix the errors above, or raise the limit with --max-errors.",
		})
	}
	return out
}

// Errorf builds an error diagnostic.
func Errorf(code Code, at source.Span, format string, args ...any) *Diagnostic {
	return &Diagnostic{Severity: Error, Code: code, Subject: at, Summary: fmt.Sprintf(format, args...)}
}

// Warningf builds a warning diagnostic.
func Warningf(code Code, at source.Span, format string, args ...any) *Diagnostic {
	return &Diagnostic{Severity: Warning, Code: code, Subject: at, Summary: fmt.Sprintf(format, args...)}
}

// Do sets the sentence on what to do and returns d, for chaining.
func (d *Diagnostic) Do(format string, args ...any) *Diagnostic {
	d.Detail = fmt.Sprintf(format, args...)
	return d
}

// Maybe sets the did-you-mean suggestion and returns d.
func (d *Diagnostic) Maybe(name string) *Diagnostic {
	d.Suggest = name
	return d
}

// Also adds a related span and returns d.
func (d *Diagnostic) Also(at source.Span, format string, args ...any) *Diagnostic {
	d.Related = append(d.Related, Related{Span: at, Message: fmt.Sprintf(format, args...)})
	return d
}

// String renders all diagnostics one per line, for tests and logs.
func (ds Diagnostics) String() string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Error())
		b.WriteByte('\n')
	}
	return b.String()
}
