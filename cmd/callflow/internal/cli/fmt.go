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
// files whose layout differs, and --check only lists them and fails.
type fmtCmd struct {
	List  bool     `short:"l" help:"List the files whose formatting differs from callflow fmt's; exit 1 if there are any."`
	Write bool     `short:"w" help:"Rewrite the files whose formatting differs, in place."`
	Diff  bool     `short:"d" help:"Print a unified diff for each file whose formatting differs."`
	Check bool     `help:"Only list the files that are not formatted, and exit 1 if there are any. Nothing else is printed or written."`
	Paths []string `arg:"" name:"path" help:"Flow files, or folders searched recursively for *.flow (hidden files and folders are skipped)."`
}

// Validate is called by kong after parsing; its error is a usage error.
func (c *fmtCmd) Validate() error {
	if c.Check && (c.Write || c.Diff) {
		return errors.New("--check cannot be combined with -w or -d: it writes nothing and prints only file names")
	}
	return nil
}

func (c *fmtCmd) Run(e *env) error {
	cwd, err := os.Getwd()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	files, code := c.collect(e.stderr)
	unformatted := false
	for _, path := range files {
		name := path
		if abs, err := filepath.Abs(path); err == nil {
			if rel, ok := relInside(cwd, abs); ok {
				name = rel
			} else {
				name = filepath.ToSlash(abs)
			}
		}
		changed, c2 := c.file(e, path, name)
		code = max(code, c2)
		unformatted = unformatted || changed
	}
	if unformatted && (c.List || c.Check) {
		code = max(code, exitProblems)
	}
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// file formats one file and does what the flags say. It reports whether
// the file's formatting differs, and an exit code.
func (c *fmtCmd) file(e *env, path, name string) (changed bool, code int) {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "callflow fmt: %s\n", pathError(err))
		return false, exitUsage
	}
	out, err := format.Source(name, src)
	if err != nil {
		var se *format.SyntaxError
		if errors.As(err, &se) {
			files := source.Files{name: source.NewFile(name, src)}
			if werr := diag.WriteText(e.stderr, se.Diagnostics, files); werr != nil {
				fmt.Fprintf(e.stderr, "callflow fmt: %v\n", err)
			}
			return false, exitProblems
		}
		fmt.Fprintf(e.stderr, "callflow fmt: %v\n", err)
		return false, exitProblems
	}
	changed = !bytes.Equal(src, out)
	if c.Check {
		if changed {
			fmt.Fprintln(e.stdout, name)
		}
		return changed, exitOK
	}
	if !c.List && !c.Write && !c.Diff {
		if _, err := e.stdout.Write(out); err != nil {
			fmt.Fprintf(e.stderr, "callflow fmt: %v\n", err)
			return changed, exitUsage
		}
		return changed, exitOK
	}
	if !changed {
		return false, exitOK
	}
	if c.List {
		fmt.Fprintln(e.stdout, name)
	}
	if c.Write {
		if err := writeAtomically(path, out); err != nil {
			fmt.Fprintf(e.stderr, "callflow fmt: %s\n", pathError(err))
			return changed, exitUsage
		}
	}
	if c.Diff {
		e.stdout.Write(diff.Diff(name+".orig", src, name, out))
	}
	return changed, exitOK
}

// collect returns the files the arguments name: files as given, folders
// walked for *.flow files, skipping hidden files and folders. Paths that
// cannot be read are reported, and the code is then exitUsage.
func (c *fmtCmd) collect(stderr io.Writer) (files []string, code int) {
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, arg := range c.Paths {
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
