package reload

import (
	"time"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

// Flow statuses.
const (
	StatusOK      = "ok"      // the file's latest content is the version serving
	StatusError   = "error"   // the latest content failed; the last good version (if any) serves
	StatusDeleted = "deleted" // the file is gone; calls already in it finish on their version
)

// Status is the state of the flows folder, as GET /v1/flows shows it. A
// Status is never modified once published: callers may keep it, and must
// not change it.
type Status struct {
	Dir         string       `json:"dir"`
	Loaded      bool         `json:"loaded"` // the first load finished
	LastReload  time.Time    `json:"last_reload,omitzero"`
	LastSuccess time.Time    `json:"last_success,omitzero"` // the last reload with no flow in error
	LastError   string       `json:"last_error,omitempty"`  // why the folder could not be read, if it could not
	Flows       []FlowStatus `json:"flows"`                 // by file
	Problems    []Problem    `json:"problems,omitempty"`    // what the last reload left out, besides flow files
}

// Problem is a path the last reload left out, other than a flow file (a
// flow file left out is a flow in error): a symbolic link that leaves the
// folder, a subfolder or a table file that cannot be read. The flows that
// read it are in error.
type Problem struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// FlowStatus is one flow file. Name, Targets, Numbers, Version and LoadedAt
// describe the version serving new calls; when none does (a flow that never
// compiled, or a deleted one), Version is "" and Serving is false.
type FlowStatus struct {
	Name        string       `json:"name"`
	File        string       `json:"file"`
	Targets     []string     `json:"targets"`
	Numbers     []string     `json:"numbers"`
	Version     string       `json:"version"`
	LoadedAt    time.Time    `json:"loaded_at,omitzero"` // when Version was activated
	CheckedAt   time.Time    `json:"checked_at,omitzero"`
	Status      string       `json:"status"` // ok, error or deleted
	Serving     bool         `json:"serving"`
	Diagnostics []Diagnostic `json:"diagnostics"` // of the file's latest content: errors, and warnings
}

// Diagnostic is one problem the compiler (or the tests, or a clash with
// another flow) found in a flow's latest content. Its fields are named as
// in `callflow check --format json`; columns count code points.
type Diagnostic struct {
	Severity  string `json:"severity"` // error or warning
	Code      string `json:"code"`
	Message   string `json:"message"`
	Hint      string `json:"hint,omitempty"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"` // the column after the last character
	// Col is Column, under the name /v1/flows used before it was named as
	// check names it; kept for the clients that read it.
	//
	// Deprecated: use Column.
	Col int `json:"col"`
}

// maxDiagnostics bounds what one flow's status holds.
const maxDiagnostics = 50

func toDiagnostics(ds diag.Diagnostics) []Diagnostic {
	out := make([]Diagnostic, 0, min(len(ds), maxDiagnostics))
	for _, d := range ds {
		if len(out) == maxDiagnostics {
			break
		}
		end := d.Subject.End
		if !end.IsValid() { // as check --format json: an unknown end repeats the start
			end = d.Subject.Start
		}
		out = append(out, Diagnostic{
			Severity:  d.Severity.String(),
			Code:      string(d.Code),
			Message:   d.Summary,
			Hint:      d.Hint(),
			File:      d.Subject.File,
			Line:      d.Subject.Start.Line,
			Column:    d.Subject.Start.Col,
			EndLine:   end.Line,
			EndColumn: end.Col,
			Col:       d.Subject.Start.Col,
		})
	}
	return out
}

// Event reports one reload: what it activated, what it removed and what
// failed. Hooks given with OnReload receive it.
type Event struct {
	Initial  bool          // the first load
	Result   string        // "ok", or "error" when some flow is in error or the folder could not be read
	Err      error         // the folder could not be read; nothing changed
	At       time.Time     // when the reload started
	Duration time.Duration // scan, compile, tests and swap

	Activated []FlowStatus // flows whose new version now answers new calls
	Removed   []FlowStatus // flows that stopped taking new calls
	Failed    []FlowStatus // flows compiled in this reload that failed

	// Diagnostics of every flow compiled in this reload, with the sources
	// they point into, for diag.Write.
	Diagnostics diag.Diagnostics
	Sources     source.Files

	Status *Status // the state after the reload
}
