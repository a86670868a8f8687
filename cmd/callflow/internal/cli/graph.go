package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/graph"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

type graphCmd struct {
	Format string `enum:"mermaid,dot" default:"mermaid" placeholder:"FORMAT" help:"Diagram format: mermaid (a flowchart GitHub renders in Markdown) or dot (Graphviz) (default ${default})."`
	File   string `arg:"" name:"file" predictor:"flows" help:"The .flow file to draw; - reads it from standard input."`
}

// Run checks the file like `callflow check` (errors go to stderr as text
// diagnostics, exit 1), then draws it on stdout.
func (c *graphCmd) Run(e *env) error {
	fsys, names, display, err := c.input(e)
	if err != nil {
		return err
	}
	return c.draw(e, fsys, names, display)
}

// input is the file system and name of the flow to draw: FILE, or standard
// input for "-" (with the working directory's tables).
func (c *graphCmd) input(e *env) (fs.FS, []string, func(string) string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, nil, nil, fail(exitUsage, "%v", err)
	}
	if c.File == stdinArg {
		src, err := readStdin(e.stdin)
		if err != nil {
			return nil, nil, nil, fail(exitUsage, "%v", err)
		}
		return withStdin{FS: os.DirFS(cwd), name: stdinName, src: src}, []string{stdinName}, nil, nil
	}
	if fi, err := os.Stat(c.File); err == nil && fi.IsDir() {
		return nil, nil, nil, fail(exitUsage, "%s is a folder; graph draws one .flow file", c.File)
	}
	if _, err := os.ReadFile(c.File); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("%s: %w", pe.Path, pe.Err)
		}
		return nil, nil, nil, fail(exitUsage, "%v", err)
	}
	if strings.HasSuffix(filepath.Base(c.File), lang.TestSuffix) {
		return nil, nil, nil, fail(exitUsage, "%s holds tests; draw the flow file beside it", c.File)
	}
	abs, err := filepath.Abs(c.File)
	if err != nil {
		return nil, nil, nil, fail(exitUsage, "%v", err)
	}
	fsys, names, display, err := flowFS(cwd, []string{abs})
	if err != nil {
		return nil, nil, nil, fail(exitUsage, "%v", err)
	}
	return fsys, names, display, nil
}

// draw checks the flow and prints its diagram.
func (c *graphCmd) draw(e *env, fsys fs.FS, names []string, display func(string) string) error {
	name := c.File
	if name == stdinArg {
		name = stdinName
	}
	// Compile with the flow's folder (tables, the _test.flow beside it), so
	// the diagram is only drawn for a flow that checks.
	sources := source.Files{}
	_, ds := lang.CompileFiles(fsys, names, lang.WithSources(sources), lang.WithPlaceholderSecrets())
	file := sources[names[0]]
	if ds.HasErrors() {
		if display != nil {
			sources = renameFiles(ds, sources, display)
		}
		ds.Sort()
		opts := []diag.WriteOption{diag.WithColor(useColor("auto", e.stderr))}
		if err := diag.Write(e.stderr, diag.FormatText, ds, sources, opts...); err != nil {
			return fail(exitUsage, "writing diagnostics: %v", err)
		}
		fmt.Fprintln(e.stderr, diag.Summary(ds, 1))
		return &exitError{code: exitProblems}
	}
	if file == nil {
		return fail(exitUsage, "%s could not be read", name)
	}
	tree, ds := parser.Parse(file)
	if tree == nil || ds.HasErrors() { // the compile above parsed it cleanly
		return fail(exitUsage, "%s changed while it was read", name)
	}

	g := graph.Build(tree)
	var out bytes.Buffer
	var warns []string
	var err error
	switch c.Format {
	case "dot":
		err = graph.DOT(&out, g)
	default:
		err = graph.Mermaid(&out, g)
		warns = graph.MermaidLimits(out.String(), g)
	}
	if err == nil {
		_, err = e.stdout.Write(out.Bytes())
	}
	if err != nil {
		return fail(exitUsage, "writing the diagram: %v", err)
	}
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "callflow graph: warning: %s: %s\n", name, w)
	}
	return nil
}
