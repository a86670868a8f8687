// Package flowtest runs the `test` blocks of compiled flows against the real
// engine, with a virtual clock and no network.
//
// Each test runs on a fresh runtime.Engine holding the whole program. A
// `call` builds a real-shaped webhook with the platform adapter's Webhook
// and serves it, routed as the server routes it (by the called number when
// the flow declares numbers); `press` is one try at the pending capture,
// judged first as the platform judges it (the adapter's platform.Keypad),
// and answered, when the platform would post, with the 8x8
// ACTION_COMPLETED webhook carrying the previous reply's clientActionId;
// `expect` checks the neutral actions, the session variables or the platform
// JSON of the latest reply. Lookups are never fetched: a `given` stubs them,
// and without one the engine's HTTP client fails at once ("no network in
// tests"), so the lookup's `else` value is used.
//
//	prog, diags := lang.CompileDir(os.DirFS("flows"), lang.WithPlaceholderSecrets()) // as callflow test: secrets by name only
//	report := flowtest.Run(ctx, prog, flowtest.WithFS(os.DirFS("flows")))
//	for _, t := range report.Failures() { fmt.Println(t.Failure.At, t.Failure.Msg) }
//
// Every webhook is served with a trace, so the report also tells which
// rules, handlers and steps the tests exercised, and how often
// (Report.Coverage). WriteJSON, WriteJUnit and WriteCoverageJSON render a
// report for scripts and CI systems.
package flowtest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime/platform"
)

// DefaultTime is the time of a `call` without `at`: Monday 5 January 2026,
// 10:00 at UTC+8 (02:00 UTC), inside usual office hours in Singapore and
// Shanghai. The clock does not move during a test.
var DefaultTime = time.Date(2026, 1, 5, 10, 0, 0, 0, time.FixedZone("+08:00", 8*3600))

// Option configures Run.
type Option func(*config)

type config struct {
	fsys    fs.FS
	run     *regexp.Regexp
	now     time.Time
	update  func(name string, data []byte) error
	updated []string // golden files update wrote, in the order written
	extra   []*platform.Declaration
}

// WithPlatform lets tests call on a platform declared outside the
// registry (runtime.Platforms): an embedder's, or a test's. Its facts must
// be known to the compiler too (lang/platform.Add) for flows to target it.
func WithPlatform(d *platform.Declaration) Option {
	return func(c *config) { c.extra = append(c.extra, d) }
}

// WithFS sets the file system golden files (`expect json "FILE"`) are read
// from. Names are those the flows were compiled under: FILE is read beside
// the .flow file that holds the test. The default is the working directory.
func WithFS(fsys fs.FS) Option { return func(c *config) { c.fsys = fsys } }

// WithRun runs only the tests whose name, or "FLOW/NAME", re matches.
func WithRun(re *regexp.Regexp) Option { return func(c *config) { c.run = re } }

// WithTime sets the time of calls without `at` (default DefaultTime).
func WithTime(t time.Time) Option { return func(c *config) { c.now = t } }

// WithUpdate makes `expect json "FILE"` write the reply to FILE, through
// write, when FILE is missing or differs from the reply, instead of failing
// the test: `callflow test --update`. name is the file's name in the
// WithFS file system. The reply is written as JSON indented by two spaces
// (an empty file for a reply without a body). Inline `expect json {…}` is
// never rewritten.
func WithUpdate(write func(name string, data []byte) error) Option {
	return func(c *config) { c.update = write }
}

// Report is the outcome of a run.
type Report struct {
	Tests    []Result       // in flow order, then source order
	Coverage []FlowCoverage // one per flow of the program, by flow name
	Updated  []string       // golden files WithUpdate wrote, by their names in the WithFS file system
}

// Result is the outcome of one test.
type Result struct {
	Flow    string
	Name    string
	At      source.Span // the test block
	Failure *Failure    // nil when the test passed
	Elapsed time.Duration
}

// Passed reports whether the test passed.
func (r Result) Passed() bool { return r.Failure == nil }

// Failure is why a test failed: the statement that failed (an `expect`, or
// the `call`, `press` or `given` that could not be carried out) and what
// was expected and emitted.
type Failure struct {
	At  source.Span
	Msg string
}

func (f *Failure) Error() string { return f.At.String() + ": " + f.Msg }

// failAt makes the Failures of a statement at: its message formatted.
func failAt(at source.Span) func(format string, args ...any) *Failure {
	return func(format string, args ...any) *Failure {
		return &Failure{At: at, Msg: fmt.Sprintf(format, args...)}
	}
}

// Passed is the number of tests that passed.
func (r Report) Passed() int {
	n := 0
	for _, t := range r.Tests {
		if t.Passed() {
			n++
		}
	}
	return n
}

// Failed is the number of tests that failed.
func (r Report) Failed() int { return len(r.Tests) - r.Passed() }

// OK reports whether every test that ran passed.
func (r Report) OK() bool { return r.Failed() == 0 }

// Failures lists the tests that failed.
func (r Report) Failures() []Result {
	var out []Result
	for _, t := range r.Tests {
		if !t.Passed() {
			out = append(out, t)
		}
	}
	return out
}

// Run runs every test block of every flow in prog (the flow's file and its
// NAME_test.flow files, from Flow.Syntax) and reports each test's outcome
// and the coverage of the program. A test stops at its first failure. When
// ctx is cancelled, the tests not yet run are left out of the report.
func Run(ctx context.Context, prog *ir.Program, opts ...Option) Report {
	cfg := &config{fsys: os.DirFS("."), now: DefaultTime}
	for _, o := range opts {
		o(cfg)
	}
	cov := newCoverage(prog)
	var rep Report
	for _, f := range prog.Flows {
		for _, file := range f.Syntax() {
			for _, d := range file.Decls {
				t, ok := d.(*ast.Test)
				if !ok {
					continue
				}
				name := testName(t)
				if cfg.run != nil && !cfg.run.MatchString(name) && !cfg.run.MatchString(f.Name+"/"+name) {
					continue
				}
				if ctx.Err() != nil {
					rep.Coverage, rep.Updated = cov.report(), cfg.updated
					return rep
				}
				start := time.Now()
				fail := runTest(ctx, cfg, prog, f, file, t, name, cov)
				rep.Tests = append(rep.Tests, Result{Flow: f.Name, Name: name, At: t.At, Failure: fail, Elapsed: time.Since(start)})
			}
		}
	}
	rep.Coverage, rep.Updated = cov.report(), cfg.updated
	return rep
}

// testName is the test's name without quotes.
func testName(t *ast.Test) string {
	if t.Name == nil {
		return ""
	}
	if s, err := strconv.Unquote(t.Name.Text); err == nil {
		return s
	}
	return t.Name.Text
}
