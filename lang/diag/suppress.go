package diag

import (
	"errors"
	"fmt"
	"strings"

	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/source"
)

// SuppressionKind says where a suppression was written, in SARIF's words.
type SuppressionKind string

// The kinds of suppression.
const (
	// InSource is a `# callflow:ignore` or `# callflow:ignore-file` comment.
	InSource SuppressionKind = "inSource"
	// External is `callflow check --disable CODE`, outside the source.
	External SuppressionKind = "external"
)

// Suppression records why a diagnostic is not reported. A suppressed
// diagnostic is not counted (Count, HasErrors, Limit skip it); the text,
// JSON and GitHub formats leave it out and SARIF lists it as suppressed.
// Only warnings are ever suppressed, so suppression never changes whether a
// flow compiles except under --strict.
type Suppression struct {
	Kind          SuppressionKind
	Justification string      // the reason written after the codes, or the flag
	At            source.Span // the comment, for InSource; zero for External
}

// Reported returns the diagnostics that are not suppressed. It returns ds
// itself when none is.
func (ds Diagnostics) Reported() Diagnostics {
	n := 0
	for _, d := range ds {
		if d != nil && d.Suppressed == nil {
			n++
		}
	}
	if n == len(ds) {
		return ds
	}
	out := make(Diagnostics, 0, n)
	for _, d := range ds {
		if d != nil && d.Suppressed == nil {
			out = append(out, d)
		}
	}
	return out
}

// Suppressible reports whether a finding with code c may be suppressed: a
// warning, and not one of the codes about suppressions themselves (a
// comment cannot silence the report on a comment). --disable may name any
// warning code; see ParseDisabled.
func Suppressible(c Code) bool {
	switch c {
	case BadSuppression, MissingReason, UnknownCode, UnusedSuppression:
		return false
	}
	r, ok := RuleFor(c)
	return ok && r.Severity == Warning
}

// Codes lists every code as strings, for did-you-mean suggestions.
func Codes() []string {
	out := make([]string, len(Rules))
	for i, r := range Rules {
		out[i] = string(r.Code)
	}
	return out
}

// ParseDisabled reads the codes of `check --disable`: each value may hold
// several codes separated by commas. Every code must be a warning's: an
// unknown code gets a did-you-mean, and an error's code is refused, since
// errors mean the flow does not load.
func ParseDisabled(values []string) ([]Code, error) {
	var out []Code
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			code := Code(name)
			r, ok := RuleFor(code)
			switch {
			case !ok:
				msg := fmt.Sprintf("--disable %s: no diagnostic has this code", name)
				if near := suggest.Nearest(name, Codes()); near != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", near)
				}
				return nil, errors.New(msg + "; docs/language.md section 9 lists the codes")
			case r.Severity != Warning:
				return nil, fmt.Errorf("--disable %s: %s is an error, and errors cannot be disabled; only warnings can", name, name)
			}
			out = append(out, code)
		}
	}
	return out, nil
}
