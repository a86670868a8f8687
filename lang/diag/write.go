package diag

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/source"
)

// Format names an output format for diagnostics.
type Format string

// The output formats `callflow check --format` accepts.
const (
	FormatText    Format = "text"    // file:line:col headers with the source line and carets
	FormatJSON    Format = "json"    // a JSON array of objects
	FormatSARIF   Format = "sarif"   // SARIF 2.1.0 for GitHub code scanning
	FormatGitHub  Format = "github"  // GitHub Actions workflow commands (annotations)
	FormatRDJSONL Format = "rdjsonl" // reviewdog's Diagnostic as JSON lines
)

// Formats lists every format in the order help text shows them.
var Formats = []Format{FormatText, FormatJSON, FormatSARIF, FormatGitHub, FormatRDJSONL}

// ParseFormat returns the format named by s, ignoring case and surrounding
// spaces.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Formats {
		if f == known {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q (want text, json, sarif, github or rdjsonl)", s)
}

// DefaultToolName is the SARIF driver name when WithTool gives none.
const DefaultToolName = "callflow"

// InformationURI is the SARIF driver's informationUri.
const InformationURI = "https://github.com/callflow/callflow"

// WriteOption adjusts how Write renders diagnostics.
type WriteOption func(*writeConfig)

type writeConfig struct {
	toolName    string
	toolVersion string
	color       bool
}

func newConfig(opts []WriteOption) writeConfig {
	c := writeConfig{toolName: DefaultToolName}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.toolName == "" {
		c.toolName = DefaultToolName
	}
	return c
}

// WithTool sets the tool name and version the SARIF driver reports. An empty
// name keeps "callflow". The version goes into the driver's version as it is
// (such as "v1.2.3" or "dev"), and into semanticVersion without its "v" when
// it starts like a semantic version; an empty version omits both.
func WithTool(name, version string) WriteOption {
	return func(c *writeConfig) {
		c.toolName = name
		c.toolVersion = version
	}
}

// WithColor turns ANSI colour on or off in the text format. It is off by
// default; the other formats ignore it.
func WithColor(on bool) WriteOption {
	return func(c *writeConfig) { c.color = on }
}

// Write renders ds to w in format f. files supplies the source lines the text
// format quotes and SARIF fingerprints hash; it may be nil. Diagnostics are
// written in the order given: call ds.Sort first for stable output.
//
// Suppressed diagnostics appear only in SARIF, marked as suppressed; every
// other format leaves them out, as if they had not been found.
func Write(w io.Writer, f Format, ds Diagnostics, files source.Files, opts ...WriteOption) error {
	if f != FormatSARIF {
		ds = ds.Reported()
	}
	switch f {
	case FormatText:
		return WriteText(w, ds, files, opts...)
	case FormatJSON:
		return WriteJSON(w, ds, files, opts...)
	case FormatSARIF:
		return WriteSARIF(w, ds, files, opts...)
	case FormatGitHub:
		return WriteGitHub(w, ds, files, opts...)
	case FormatRDJSONL:
		return WriteRDJSONL(w, ds, files, opts...)
	}
	return fmt.Errorf("unknown output format %q (want text, json, sarif, github or rdjsonl)", string(f))
}

// Summary returns a one-line count for stderr, such as
// "2 errors, 1 warning in 3 files" or "no problems in 4 files".
func Summary(ds Diagnostics, files int) string {
	errs, warns := ds.Count()
	in := " in " + plural(files, "file")
	switch {
	case errs == 0 && warns == 0:
		return "no problems" + in
	case warns == 0:
		return plural(errs, "error") + in
	case errs == 0:
		return plural(warns, "warning") + in
	}
	return plural(errs, "error") + ", " + plural(warns, "warning") + in
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// region is a span made safe for consumers that reject zero or inverted
// positions (SARIF, GitHub annotations): every number is at least 1, and on
// one line the end column is after the start column. End columns are
// exclusive: the column after the last character.
type region struct {
	line, col, endLine, endCol int
}

func regionOf(s source.Span, files source.Files) region {
	r := region{line: s.Start.Line, col: s.Start.Col, endLine: s.End.Line, endCol: s.End.Col}
	if r.line < 1 {
		return region{line: 1, col: 1, endLine: 1, endCol: 2}
	}
	if r.col < 1 {
		r.col = 1
	}
	// A multi-line span that ends at the start of a line really ends at the
	// end of the line before it.
	if r.endLine > r.line && r.endCol <= 1 {
		if f := files[s.File]; f != nil && r.endLine-1 <= f.LineCount() {
			r.endLine--
			r.endCol = utf8.RuneCount(f.Line(r.endLine)) + 1
		} else if r.endCol < 1 {
			r.endCol = 1
		}
	}
	if r.endLine < r.line || (r.endLine == r.line && r.endCol <= r.col) {
		r.endLine, r.endCol = r.line, r.col+1
	}
	return r
}

// sourceLine returns line n of the named file, and whether it is known.
func sourceLine(files source.Files, name string, n int) ([]byte, bool) {
	f := files[name]
	if f == nil || n < 1 || n > f.LineCount() {
		return nil, false
	}
	return f.Line(n), true
}
