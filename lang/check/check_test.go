package check_test

// Inline-expectation tests of the checker, in the style of go/parser's error
// tests.
//
// Every .flow file directly in testdata is compiled on its own with
// lang.CompileFiles(fsys, []string{name}), fsys being os.DirFS("testdata"),
// so table files (vips.csv, bad.csv, …) sit beside the flows that read them.
// Every folder under testdata is one compilation of all the .flow files in
// it, for checks that span files: duplicate numbers and flow names, and
// NAME_test.flow files.
//
// An expectation is a comment on a line of its own, ABOVE the line it is
// about:
//
//	# want CODE COL "REGEXP"
//
// CODE is a diag code; the diagnostic must have that code and the severity
// diag.Rules gives the code. COL is the 1-based rune column of the
// diagnostic's Subject.Start, on the first line below that is not itself a
// `# want` line, so several want lines may stack above one line. REGEXP, a
// Go string literal ("…" or `…`), must match the summary; when the
// diagnostic carries a did-you-mean, the text matched is
// `SUMMARY (did you mean "NAME")`, so a suggestion can be asserted. A
// diagnostic in another file (a CSV table) names its position in full, FILE
// being the path inside testdata:
//
//	# want CODE FILE:LINE:COL "REGEXP"
//
// Suppression comments (`# callflow:ignore CODE reason`, language.md
// section 9.8) are comments too, and a `# want` line between a suppression
// and the line it covers does not break it: a suppression on a line of its
// own covers the next line that is not only a comment. To expect a
// diagnostic about the suppression itself, put the want line above the
// suppression; the warnings it silences are not reported, so they need no
// want line (suppress.flow relies on that: each would be unexpected if the
// suppression failed).
//
// The test fails on every diagnostic no expectation covers and on every
// expectation no diagnostic met. It also checks what every diagnostic must
// have (language.md section 7): a valid span inside its file, a summary, and
// a sentence on what to do.

import (
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

// expectation is one `# want` comment.
type expectation struct {
	file      string // where the diagnostic is
	line, col int
	code      diag.Code
	re        *regexp.Regexp
	at        string // the want comment itself, for messages
	met       bool
}

var wantLine = regexp.MustCompile(`^\s*#\s*want\s+(\S+)\s+(\S+)\s+(".*"|` + "`.*`" + `)\s*$`)

// parseWants reads the expectations of one .flow file.
func parseWants(t *testing.T, name string, src []byte) []*expectation {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	var out, pending []*expectation
	for i, text := range lines {
		m := wantLine.FindStringSubmatch(text)
		if m == nil {
			if strings.Contains(text, "# want") {
				t.Errorf("%s:%d: malformed want comment: %s", name, i+1, text)
			}
			for _, e := range pending {
				e.line = i + 1
			}
			pending = pending[:0]
			continue
		}
		e := &expectation{file: name, code: diag.Code(m[1]), at: fmt.Sprintf("%s:%d", name, i+1)}
		if _, ok := diag.RuleFor(e.code); !ok {
			t.Errorf("%s: unknown code %q", e.at, m[1])
		}
		pos := m[2]
		if strings.Contains(pos, ":") {
			parts := strings.Split(pos, ":")
			if len(parts) != 3 {
				t.Fatalf("%s: position %q is neither COL nor FILE:LINE:COL", e.at, pos)
			}
			e.file = parts[0]
			e.line, _ = strconv.Atoi(parts[1])
			e.col, _ = strconv.Atoi(parts[2])
		} else {
			e.col, _ = strconv.Atoi(pos)
			pending = append(pending, e)
		}
		if e.col < 1 {
			t.Fatalf("%s: bad column in %q", e.at, pos)
		}
		re, err := strconv.Unquote(m[3])
		if err != nil {
			t.Fatalf("%s: regexp %s is not a Go string: %v", e.at, m[3], err)
		}
		if e.re, err = regexp.Compile(re); err != nil {
			t.Fatalf("%s: %v", e.at, err)
		}
		out = append(out, e)
	}
	if len(pending) > 0 {
		t.Errorf("%s: want comments at the end of the file name no line", name)
	}
	return out
}

// matchText is what an expectation's regexp is matched against.
func matchText(d *diag.Diagnostic) string {
	if d.Suggest == "" {
		return d.Summary
	}
	return fmt.Sprintf("%s (did you mean %q)", d.Summary, d.Suggest)
}

// units lists the compilations under testdata: each top-level .flow file
// alone, and each folder's .flow files together.
func units(t *testing.T, fsys fs.FS) [][]string {
	t.Helper()
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, e := range entries {
		switch {
		case e.IsDir():
			paths, err := lang.FlowFiles(fsys, e.Name())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, paths)
		case strings.HasSuffix(e.Name(), ".flow"):
			out = append(out, []string{e.Name()})
		}
	}
	return out
}

func TestCheckExpectations(t *testing.T) {
	fsys := os.DirFS("testdata")
	covered := map[diag.Code]bool{}
	for _, paths := range units(t, fsys) {
		t.Run(strings.Join(paths, "+"), func(t *testing.T) {
			files := source.Files{}
			_, ds := lang.CompileFiles(fsys, paths, lang.WithSources(files), lang.WithPlaceholderSecrets())
			var wants []*expectation
			for _, name := range slices.Sorted(mapKeys(files)) {
				if strings.HasSuffix(name, ".flow") {
					wants = append(wants, parseWants(t, name, files[name].Src)...)
				}
			}
			for _, w := range wants {
				covered[w.code] = true
			}
			for _, d := range ds {
				checkWellFormed(t, files, d)
				if !meet(wants, d) {
					t.Errorf("unexpected %s\n\twant it with: # want %s %d %q", describe(d), d.Code, d.Subject.Start.Col, regexp.QuoteMeta(matchText(d)))
				}
			}
			for _, w := range wants {
				if !w.met {
					t.Errorf("%s: no %s diagnostic at %s:%d:%d matching %q", w.at, w.code, w.file, w.line, w.col, w.re)
				}
			}
		})
	}
	t.Run("coverage", func(t *testing.T) {
		for _, c := range section7 {
			if !covered[c] {
				t.Errorf("no testdata file expects %s", c)
			}
		}
	})
}

// section7 lists the codes of what language.md section 7 says the checker
// must report; each must be expected somewhere under testdata.
var section7 = []diag.Code{
	diag.Syntax, diag.UnknownHandler, diag.DuplicateName, diag.DuplicateNumber,
	diag.UnknownName, diag.UnknownFunction, diag.TypeMismatch, diag.Unsupported,
	diag.PlatformLimit, diag.AgentAndIVR, diag.BadLookup, diag.BadHours, diag.BadTable,
	diag.GotoCycle, diag.BadVersion, diag.NoPlatform, diag.UnknownOption, diag.MissingOption,
	diag.BadTestFile,
	diag.UnreachableHandler, diag.UnreachableRule, diag.UnreachableStep, diag.NoHangup,
	diag.NotE164, diag.MissingTries,
}

// meet marks the first unmet expectation d satisfies.
func meet(wants []*expectation, d *diag.Diagnostic) bool {
	for _, w := range wants {
		if !w.met && w.file == d.Subject.File && w.line == d.Subject.Start.Line && w.col == d.Subject.Start.Col &&
			w.code == d.Code && w.re.MatchString(matchText(d)) {
			w.met = true
			return true
		}
	}
	return false
}

// checkWellFormed asserts what every diagnostic has, whatever its code.
func checkWellFormed(t *testing.T, files source.Files, d *diag.Diagnostic) {
	t.Helper()
	rule, ok := diag.RuleFor(d.Code)
	if !ok {
		t.Errorf("%s: code %q is not in diag.Rules", describe(d), d.Code)
	} else if d.Severity != rule.Severity {
		t.Errorf("%s: severity %s, but code %s is a %s", describe(d), d.Severity, d.Code, rule.Severity)
	}
	if d.Summary == "" || strings.Contains(d.Summary, "\n") {
		t.Errorf("%s: the summary must be one non-empty line", describe(d))
	}
	if d.Hint() == "" {
		t.Errorf("%s: no sentence on what to do", describe(d))
	}
	f := files[d.Subject.File]
	if f == nil {
		t.Errorf("%s: span names a file the compile did not read", describe(d))
		return
	}
	s, e := d.Subject.Start, d.Subject.End
	if !s.IsValid() || s.Offset < 0 || e.Offset < s.Offset || e.Offset > len(f.Src) {
		t.Errorf("%s: span [%d, %d) is not inside the file (%d bytes)", describe(d), s.Offset, e.Offset, len(f.Src))
		return
	}
	if f.Pos(s.Offset) != s || f.Pos(e.Offset) != e {
		t.Errorf("%s: span line:col %v..%v disagree with its offsets (%v..%v)", describe(d), s, e, f.Pos(s.Offset), f.Pos(e.Offset))
	}
	for _, r := range d.Related {
		if rf := files[r.Span.File]; rf == nil || !r.Span.IsValid() || r.Span.End.Offset > len(rf.Src) {
			t.Errorf("%s: related span %v is not inside a file", describe(d), r.Span)
		}
	}
}

func describe(d *diag.Diagnostic) string {
	s := fmt.Sprintf("%s %s[%s]: %s", d.Subject, d.Severity, d.Code, d.Summary)
	if d.Suggest != "" {
		s += fmt.Sprintf(" (did you mean %q)", d.Suggest)
	}
	return s
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestWantParsing guards the harness itself: stacked want lines name the
// next code line, and a full FILE:LINE:COL names that position.
func TestWantParsing(t *testing.T) {
	src := "flow x\n# want syntax 3 \"a\"\n# want unknown-name 5 \"b\\\\.\"\nhandler h {\n# want bad-table t.csv:2:7 \"c\"\n}\n"
	wants := parseWants(t, "x.flow", []byte(src))
	got := make([]string, 0, len(wants))
	for _, w := range wants {
		got = append(got, fmt.Sprintf("%s %s:%d:%d %s", w.code, w.file, w.line, w.col, w.re))
	}
	want := []string{"syntax x.flow:4:3 a", `unknown-name x.flow:4:5 b\.`, "bad-table t.csv:2:7 c"}
	if !slices.Equal(got, want) {
		t.Errorf("parsed %q, want %q", got, want)
	}
}
