package cli

import (
	"bytes"
	"fmt"
	"os"

	"github.com/callflow/callflow/runtime/flowtest"
)

// writeReport writes the machine-readable report `test --format json|junit`
// asks for: the report alone on stdout, the count on stderr, and exit 1
// when a test failed.
func (c *testCmd) writeReport(e *env, rep flowtest.Report, display func(string) string) error {
	write := flowtest.WriteJSON
	if c.Format == "junit" {
		write = flowtest.WriteJUnit
	}
	if err := write(e.stdout, rep, flowtest.WithPaths(display)); err != nil {
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

// writeCoverageFile writes the JSON coverage file of --coverage-out.
func writeCoverageFile(name string, cov []flowtest.FlowCoverage, display func(string) string) error {
	var buf bytes.Buffer
	if err := flowtest.WriteCoverageJSON(&buf, cov, flowtest.WithPaths(display)); err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}
