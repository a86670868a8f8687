package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/runtime/flowtest"
)

// writeReport writes the machine-readable report `test --format json|junit`
// asks for: the report alone on stdout, the count on stderr, and exit 1
// when a test failed.
func (c *testCmd) writeReport(e *env, rep flowtest.Report, display func(string) string) error {
	if err := c.write(e.stdout, rep, display); err != nil {
		return fail(exitUsage, "%v", err)
	}
	if c.Coverage {
		printCoverage(e.stderr, rep.Coverage, display)
	}
	fmt.Fprintf(e.stderr, "%d passed, %d failed\n", rep.Passed(), rep.Failed())
	if !rep.OK() {
		return &exitError{code: exitProblems}
	}
	return nil
}

// write renders rep in the format asked for.
func (c *testCmd) write(w io.Writer, rep flowtest.Report, display func(string) string) error {
	if c.Format == "junit" {
		return flowtest.WriteJUnit(w, rep, flowtest.WithPaths(display))
	}
	return flowtest.WriteJSON(w, rep, flowtest.WithPaths(display))
}

// writeCompileErrors writes the report of a run in which some flows did
// not compile: each error is a failed test named "compile" at the error's
// place, after the tests of the flows that did compile (ran, named as
// display names them). A CI system that reads only the report then shows
// why a flow's tests did not run, instead of an empty or missing file. The
// errors' files are already the names to show.
func (c *testCmd) writeCompileErrors(e *env, errs diag.Diagnostics, ran flowtest.Report, display func(string) string) {
	var rep flowtest.Report
	for _, t := range ran.Tests {
		t.At.File = display(t.At.File)
		if t.Failure != nil {
			f := *t.Failure
			f.At.File = display(f.At.File)
			t.Failure = &f
		}
		rep.Tests = append(rep.Tests, t)
	}
	for _, d := range errs {
		msg := fmt.Sprintf("error[%s]: %s", d.Code, d.Summary)
		rep.Tests = append(rep.Tests, flowtest.Result{
			Flow: "callflow", Name: "compile", At: d.Subject,
			Failure: &flowtest.Failure{At: d.Subject, Msg: msg},
		})
	}
	// The exit code already says the run failed; a report that cannot be
	// written adds nothing to the diagnostics on stderr.
	_ = c.write(e.stdout, rep, nil)
}

// writeCoverageFile writes the JSON coverage file of --coverage-out.
func writeCoverageFile(name string, cov []flowtest.FlowCoverage, display func(string) string) error {
	var buf bytes.Buffer
	if err := flowtest.WriteCoverageJSON(&buf, cov, flowtest.WithPaths(display)); err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}
