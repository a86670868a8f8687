package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/format"
	"github.com/callflow/callflow/lang/source"
)

// fmtCmd is `callflow fmt`, gofmt for flows. Without flags it prints the
// formatted source of every file; -l, -w and -d list, rewrite and diff the
// files whose layout differs, and --check only lists them and fails. With no
// path, or -, it formats standard input.
//
// Exit codes follow gofmt's: 2 when a file does not parse or cannot be read
// or written, else 1 when -d printed a diff or --check listed a file, else 0
// (-l alone lists and exits 0, as gofmt -l does; --check is for CI).
type fmtCmd struct {
	List  bool     `short:"l" help:"List the files whose formatting differs from callflow fmt's (exit 0, as gofmt -l)."`
	Write bool     `short:"w" help:"Rewrite the files whose formatting differs, in place."`
	Diff  bool     `short:"d" help:"Print a unified diff for each file whose formatting differs; exit 1 if there is one."`
	Check bool     `help:"Only list the files that are not formatted, and exit 1 if there are any. Nothing else is printed or written."`
	Paths []string `arg:"" optional:"" name:"path" predictor:"flows" help:"Flow files, or folders searched recursively for *.flow (hidden files and folders are skipped). No path, or -, reads standard input and writes standard output."`
}

// Validate is called by kong after parsing; its error is a usage error.
func (c *fmtCmd) Validate() error {
	if c.Check && (c.Write || c.Diff) {
		return errors.New("--check cannot be combined with -w or -d: it writes nothing and prints only file names")
	}
	return nil
}

func (c *fmtCmd) Run(e *env) error {
	args := c.Paths
	if len(args) == 0 {
		args = []string{stdinArg}
	}
	if _, stdin, err := splitStdin(args); err != nil {
		return fail(exitUsage, "%v", err)
	} else if stdin && c.Write {
		return fail(exitUsage, "cannot use -w with standard input; name the files to rewrite")
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	files, code := c.collect(args, e.stderr)
	for _, path := range files {
		code = max(code, c.file(e, path, displayName(cwd, path)))
	}
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// displayName is how fmt names path in its output: relative to the working
// directory inside it, absolute outside, and stdinName for standard input.
func displayName(cwd, path string) string {
	if path == stdinArg {
		return stdinName
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, ok := relInside(cwd, abs); ok {
		return rel
	}
	return filepath.ToSlash(abs)
}

// file formats one file, or standard input for "-", and does what the flags
// say. It returns the exit code for that file.
func (c *fmtCmd) file(e *env, path, name string) int {
	var src []byte
	var err error
	if path == stdinArg {
		src, err = readStdin(e.stdin)
	} else {
		src, err = os.ReadFile(path)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "callflow fmt: %s\n", pathError(err))
		return exitUsage
	}
	out, err := format.Source(name, src)
	if err != nil {
		var se *format.SyntaxError
		if errors.As(err, &se) {
			files := source.Files{name: source.NewFile(name, src)}
			if werr := diag.WriteText(e.stderr, se.Diagnostics, files); werr == nil {
				return exitUsage
			}
		}
		fmt.Fprintf(e.stderr, "callflow fmt: %v\n", err)
		return exitUsage
	}
	changed := !bytes.Equal(src, out)
	if !c.List && !c.Write && !c.Diff && !c.Check {
		if _, err := e.stdout.Write(out); err != nil {
			fmt.Fprintf(e.stderr, "callflow fmt: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	if !changed {
		return exitOK
	}
	code := exitOK
	if c.List || c.Check {
		fmt.Fprintln(e.stdout, name)
	}
	if c.Check {
		code = exitProblems
	}
	if c.Write {
		if err := writeAtomically(path, out); err != nil {
			fmt.Fprintf(e.stderr, "callflow fmt: %s\n", pathError(err))
			return exitUsage
		}
	}
	if c.Diff {
		e.stdout.Write(diff.Diff(name+".orig", src, name, out))
		code = exitProblems
	}
	return code
}

// collect returns the files the arguments name: "-" and files as given, folders
// walked for *.flow files, skipping hidden files and folders. Paths that
// cannot be read are reported, and the code is then exitUsage.
func (c *fmtCmd) collect(args []string, stderr io.Writer) (files []string, code int) {
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, arg := range args {
		if arg == stdinArg {
			add(arg)
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			fmt.Fprintf(stderr, "callflow fmt: %s\n", pathError(err))
			code = exitUsage
			continue
		}
		if !fi.IsDir() {
			add(arg)
			continue
		}
		var found []string
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
			found = append(found, p)
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "callflow fmt: %s\n", pathError(err))
			code = exitUsage
		}
		sort.Strings(found)
		for _, p := range found {
			add(p)
		}
	}
	return files, code
}

// pathError prints a *fs.PathError as "path: reason".
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %v", pe.Path, pe.Err)
	}
	return err.Error()
}
