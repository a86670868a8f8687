package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime/flowtest"
)

type testCmd struct {
	Verbose  bool     `short:"v" help:"Print every test, not only the failing ones."`
	Filter   string   `name:"run" placeholder:"REGEX" help:"Run only the tests whose name, or FLOW/NAME, matches REGEX."`
	Coverage bool     `help:"Print the share of rules, handlers and steps the tests exercised, and which were not."`
	Format   string   `default:"text" enum:"text,json,junit" placeholder:"FORMAT" help:"Output format: text, json (one object per test) or junit (JUnit XML for CI) (default ${default})."`
	CoverOut string   `name:"coverage-out" placeholder:"FILE" type:"path" help:"Write what the tests exercised, rule by rule, handler by handler and step by step with hit counts, to FILE as JSON."`
	Update   bool     `help:"Rewrite the golden files of expect json \"FILE\" that are missing or differ from the reply, and say which on stderr."`
	Paths    []string `arg:"" name:"path" help:"Flow files, or folders searched recursively for *.flow (hidden folders are skipped). The NAME_test.flow beside a NAME.flow is always included."`

	run *regexp.Regexp
}

// Validate is called by kong after parsing; its error is a usage error.
func (c *testCmd) Validate() error {
	if c.Filter == "" {
		return nil
	}
	re, err := regexp.Compile(c.Filter)
	if err != nil {
		return fmt.Errorf("--run: %v", err)
	}
	c.run = re
	return nil
}

func (c *testCmd) Run(e *env) error {
	cwd, err := os.Getwd()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	files, err := collectFlows(c.Paths, &renamePrefix{w: e.stderr, from: "callflow check: ", to: "callflow test: "})
	if err != nil {
		return err
	}
	files = withTestFiles(files)
	fsys, names, display, err := flowFS(cwd, files)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	root := cwd // the folder fsys reads: cwd, or the volume's root when a path lies outside cwd
	if display != nil {
		root = filepath.VolumeName(cwd) + string(filepath.Separator)
	}
	if display == nil {
		display = func(s string) string { return s }
	}

	var rep flowtest.Report
	var problems error // flows with errors: reported, and exit 1, while the others' tests run
	var errs diag.Diagnostics
	if len(names) > 0 {
		sources := source.Files{}
		prog, ds := lang.CompileFiles(fsys, names, lang.WithSources(sources), lang.WithPartial(true), lang.WithPlaceholderSecrets())
		if ds.HasErrors() {
			for _, d := range ds {
				if d.Severity == diag.Error {
					errs = append(errs, d)
				}
			}
			sources = renameFiles(errs, sources, display)
			diag.Write(e.stderr, diag.FormatText, errs, sources)
			problems = fail(exitProblems, "%s", diag.Summary(ds, len(names)))
		}
		if prog == nil {
			if c.Format != "text" {
				c.writeCompileErrors(e, errs, flowtest.Report{}, display)
			}
			return problems
		}
		opts := []flowtest.Option{flowtest.WithFS(fsys)}
		if c.run != nil {
			opts = append(opts, flowtest.WithRun(c.run))
		}
		if c.Update {
			opts = append(opts, flowtest.WithUpdate(goldenWriter(root)))
		}
		rep = flowtest.Run(context.Background(), prog, opts...)
		for _, name := range rep.Updated {
			fmt.Fprintf(e.stderr, "callflow test: wrote %s\n", display(name))
		}
	}

	if c.CoverOut != "" {
		if err := writeCoverageFile(c.CoverOut, rep.Coverage, display); err != nil {
			return fail(exitUsage, "--coverage-out: %v", err)
		}
	}
	if c.Format != "text" {
		if problems != nil {
			c.writeCompileErrors(e, errs, rep, display)
			fmt.Fprintf(e.stderr, "%d passed, %d failed\n", rep.Passed(), rep.Failed())
			return problems
		}
		return c.writeReport(e, rep, display)
	}
	for _, t := range rep.Tests {
		switch {
		case t.Failure != nil:
			at := t.Failure.At
			at.File = display(at.File)
			fmt.Fprintf(e.stdout, "FAIL %s: %q: %s\n", at, t.Name, t.Failure.Msg)
		case c.Verbose:
			at := t.At
			at.File = display(at.File)
			fmt.Fprintf(e.stdout, "ok   %s: %q\n", at, t.Name)
		}
	}
	if c.Coverage {
		printCoverage(e.stdout, rep.Coverage, display)
	}
	// The results went to stdout; the summary goes to stderr, as check's.
	fmt.Fprintf(e.stderr, "%d passed, %d failed\n", rep.Passed(), rep.Failed())
	if problems != nil {
		return problems
	}
	if !rep.OK() {
		return &exitError{code: exitProblems}
	}
	return nil
}

// goldenWriter writes a golden file flowtest names, a slash-separated
// path below dir, creating its folder.
func goldenWriter(dir string) func(name string, data []byte) error {
	return func(name string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
}

// withTestFiles adds the NAME_test.flow beside each NAME.flow, so testing
// a flow file runs its tests.
func withTestFiles(files []string) []string {
	seen := map[string]bool{}
	for _, f := range files {
		seen[f] = true
	}
	out := slices.Clone(files)
	for _, f := range files {
		if strings.HasSuffix(f, lang.TestSuffix) {
			continue
		}
		t := strings.TrimSuffix(f, ".flow") + lang.TestSuffix
		if seen[t] {
			continue
		}
		if fi, err := os.Stat(t); err == nil && !fi.IsDir() {
			seen[t] = true
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// printCoverage prints a table of what the tests exercised, flow by flow,
// and then what they did not.
func printCoverage(w io.Writer, cov []flowtest.FlowCoverage, display func(string) string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "coverage\trules\thandlers\tsteps")
	var rules, handlers, steps flowtest.Count
	for _, c := range cov {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Flow, c.Rules, c.Handlers, c.Steps)
		rules.Hit, rules.Total = rules.Hit+c.Rules.Hit, rules.Total+c.Rules.Total
		handlers.Hit, handlers.Total = handlers.Hit+c.Handlers.Hit, handlers.Total+c.Handlers.Total
		steps.Hit, steps.Total = steps.Hit+c.Steps.Hit, steps.Total+c.Steps.Total
	}
	if len(cov) > 1 {
		fmt.Fprintf(tw, "total\t%s\t%s\t%s\n", rules, handlers, steps)
	}
	tw.Flush()
	first := true
	for _, c := range cov {
		for _, m := range c.Missed {
			if first {
				fmt.Fprintln(w, "not exercised:")
				first = false
			}
			at := m.At
			at.File = display(at.File)
			fmt.Fprintf(w, "  %s: %s\n", at, m)
		}
	}
}

// renamePrefix rewrites the command name at the start of the messages
// collectFlows writes, which name the check command.
type renamePrefix struct {
	w        io.Writer
	from, to string
}

func (r *renamePrefix) Write(p []byte) (int, error) {
	out := bytes.ReplaceAll(p, []byte(r.from), []byte(r.to))
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
