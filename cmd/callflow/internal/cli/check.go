package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

type checkCmd struct {
	Format    formatFlag `default:"text" placeholder:"FORMAT" predictor:"diag-format" help:"Output format: text, json, sarif, github or rdjsonl (default ${default})."`
	Strict    bool       `help:"Treat warnings as errors: exit 1 when there are any."`
	MaxErrors int        `name:"max-errors" default:"0" placeholder:"N" help:"Report at most N errors (0 reports all)."`
	Disable   []string   `placeholder:"CODE" help:"Silence a warning code in every file (repeatable, or comma-separated); errors cannot be disabled. SARIF keeps such results, marked suppressed."`
	Color     string     `enum:"auto,always,never" default:"auto" placeholder:"WHEN" help:"Colour the text format: auto (when stdout is a terminal and NO_COLOR is unset), always or never (default ${default})."`
	Paths     []string   `arg:"" name:"path" predictor:"flows" help:"Flow files, or folders searched recursively for *.flow (hidden folders are skipped); - reads a flow from standard input."`
}

// formatFlag is --format: any name diag.ParseFormat accepts.
type formatFlag diag.Format

func (f *formatFlag) Decode(ctx *kong.DecodeContext) error {
	var s string
	if err := ctx.Scan.PopValueInto("format", &s); err != nil {
		return err
	}
	format, err := diag.ParseFormat(s)
	if err != nil {
		return err
	}
	*f = formatFlag(format)
	return nil
}

// Validate is called by kong after parsing; its error is a usage error.
func (c *checkCmd) Validate() error {
	if c.MaxErrors < 0 {
		return fmt.Errorf("--max-errors must be 0 or more (0 reports every error), not %d", c.MaxErrors)
	}
	_, err := diag.ParseDisabled(c.Disable)
	return err
}

func (c *checkCmd) Run(e *env) error {
	cwd, err := os.Getwd()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	paths, stdin, err := splitStdin(c.Paths)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	files, err := collectFlows(paths, e.stderr)
	if err != nil {
		return err
	}
	fsys, names, display, err := flowFS(cwd, files)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if stdin {
		src, err := readStdin(e.stdin)
		if err != nil {
			return fail(exitUsage, "%v", err)
		}
		fsys, names = addStdin(fsys, names, display != nil, cwd, src)
	}

	sources := source.Files{}
	var ds diag.Diagnostics
	if len(names) > 0 {
		disabled, _ := diag.ParseDisabled(c.Disable) // Validate has refused bad codes
		_, ds = lang.CompileFiles(fsys, names,
			lang.WithMaxErrors(c.MaxErrors),
			lang.WithDisabled(disabled...),
			// SARIF records suppressed results; the other formats drop them.
			lang.WithSuppressed(diag.Format(c.Format) == diag.FormatSARIF),
			lang.WithStrict(c.Strict),
			lang.WithSources(sources),
			lang.WithPlaceholderSecrets(), // check needs only the names
			lang.WithoutProgram(),         // nor the program: memory holds the flows being checked
		)
	}
	if display != nil {
		sources = renameFiles(ds, sources, display)
	}
	ds.Sort()

	opts := []diag.WriteOption{
		diag.WithTool("callflow", toolVersion()),
		diag.WithColor(useColor(c.Color, e.stdout)),
	}
	if err := diag.Write(e.stdout, diag.Format(c.Format), ds, sources, opts...); err != nil {
		return fail(exitUsage, "writing diagnostics: %v", err)
	}
	fmt.Fprintln(e.stderr, diag.Summary(ds, len(names)))

	errs, warns := ds.Count()
	if errs > 0 || (c.Strict && warns > 0) {
		return &exitError{code: exitProblems}
	}
	return nil
}

// collectFlows returns the absolute paths of the flow files that args name:
// files as given, folders walked for *.flow without entering hidden folders.
// The list is sorted and has no duplicates. Every path that cannot be read
// is reported on stderr before the exit error is returned.
func collectFlows(args []string, stderr io.Writer) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) error {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		if !seen[abs] {
			seen[abs] = true
			out = append(out, abs)
		}
		return nil
	}
	bad := false
	report := func(err error) {
		bad = true
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("%s: %w", pe.Path, pe.Err)
		}
		fmt.Fprintf(stderr, "callflow check: %v\n", err)
	}
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			report(err)
			continue
		}
		if !fi.IsDir() {
			if err := add(arg); err != nil {
				report(err)
			}
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			hidden := p != arg && strings.HasPrefix(d.Name(), ".")
			switch {
			case d.IsDir() && hidden:
				return filepath.SkipDir
			case d.IsDir() || hidden || !strings.HasSuffix(d.Name(), ".flow"):
				return nil
			}
			return add(p)
		})
		if err != nil {
			report(err)
		}
	}
	if bad {
		return nil, &exitError{code: exitUsage}
	}
	sort.Strings(out)
	return out, nil
}

// flowFS returns the file system to compile from and the names of files in
// it. Paths inside the working directory are compiled from it under their
// relative names, which the diagnostics then carry. When a path lies outside,
// everything is compiled from the root of the file system, and display maps
// the names lang reports back to what callflow prints: relative inside the
// working directory, absolute outside.
func flowFS(cwd string, files []string) (fsys fs.FS, names []string, display func(string) string, err error) {
	names = make([]string, len(files))
	outside := false
	for i, abs := range files {
		rel, ok := relInside(cwd, abs)
		if !ok {
			outside = true
			break
		}
		names[i] = rel
	}
	if !outside {
		return os.DirFS(cwd), names, nil, nil
	}

	root := filepath.VolumeName(cwd) + string(filepath.Separator)
	for i, abs := range files {
		if !strings.HasPrefix(abs, root) {
			return nil, nil, nil, fmt.Errorf("%s is not on the same volume as the working directory", abs)
		}
		names[i] = filepath.ToSlash(strings.TrimPrefix(abs, root))
	}
	display = func(name string) string {
		if name == "" {
			return ""
		}
		abs := filepath.Join(root, filepath.FromSlash(name))
		if rel, ok := relInside(cwd, abs); ok {
			return rel
		}
		return filepath.ToSlash(abs)
	}
	return os.DirFS(root), names, display, nil
}

// addStdin adds standard input's text to fsys, as a file called stdinName
// in the working directory, and its name to names. fromRoot says that fsys
// is the root of the file system (flowFS's display is set), not cwd.
func addStdin(fsys fs.FS, names []string, fromRoot bool, cwd string, src []byte) (fs.FS, []string) {
	name := stdinName
	if fromRoot {
		root := filepath.VolumeName(cwd) + string(filepath.Separator)
		name = filepath.ToSlash(strings.TrimPrefix(filepath.Join(cwd, stdinName), root))
	}
	return withStdin{FS: fsys, name: name, src: src}, append(names, name)
}

// relInside returns abs relative to cwd, slash-separated, when it lies
// inside cwd.
func relInside(cwd, abs string) (string, bool) {
	rel, err := filepath.Rel(cwd, abs)
	if err != nil || filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// renameFiles rewrites the file names in ds and returns sources keyed by
// the new names.
func renameFiles(ds diag.Diagnostics, sources source.Files, display func(string) string) source.Files {
	for _, d := range ds {
		if d == nil {
			continue
		}
		d.Subject.File = display(d.Subject.File)
		for i := range d.Related {
			d.Related[i].Span.File = display(d.Related[i].Span.File)
		}
	}
	renamed := make(source.Files, len(sources))
	for name, f := range sources {
		f.Name = display(name)
		renamed[f.Name] = f
	}
	return renamed
}

// toolVersion is the version the SARIF driver reports: callflow's version as
// `callflow version` prints it ("dev" for a development build).
func toolVersion() string {
	v, _ := buildVersion()
	return v
}

// useColor reports whether the text format should use ANSI colour. auto
// means: stdout is a terminal, NO_COLOR is unset or empty, and TERM is not
// "dumb".
func useColor(mode string, stdout io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(stdout)
}

// isTerminal reports whether w is a terminal (a character device), where
// a person reads what is written.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
