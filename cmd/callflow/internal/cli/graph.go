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
	File   string `arg:"" name:"file" predictor:"flows" help:"The .flow file to draw."`
}

// Run checks the file like `callflow check` (errors go to stderr as text
// diagnostics, exit 1), then draws it on stdout.
func (c *graphCmd) Run(e *env) error {
	if fi, err := os.Stat(c.File); err == nil && fi.IsDir() {
		return fail(exitUsage, "%s is a folder; graph draws one .flow file", c.File)
	}
	if _, err := os.ReadFile(c.File); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("%s: %w", pe.Path, pe.Err)
		}
		return fail(exitUsage, "%v", err)
	}
	if strings.HasSuffix(filepath.Base(c.File), lang.TestSuffix) {
		return fail(exitUsage, "%s holds tests; draw the flow file beside it", c.File)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	abs, err := filepath.Abs(c.File)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	fsys, names, display, err := flowFS(cwd, []string{abs})
	if err != nil {
		return fail(exitUsage, "%v", err)
	}

	// Compile with the flow's folder (tables, the _test.flow beside it), so
	// the diagram is only drawn for a flow that checks.
	sources := source.Files{}
	_, ds := lang.CompileFiles(fsys, names, lang.WithSources(sources))
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
		return fail(exitUsage, "%s could not be read", c.File)
	}
	tree, ds := parser.Parse(file)
	if tree == nil || ds.HasErrors() { // the compile above parsed it cleanly
		return fail(exitUsage, "%s changed while it was read", c.File)
	}

	g := graph.Build(tree)
	var out bytes.Buffer
	var warns []string
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
		fmt.Fprintf(e.stderr, "callflow graph: warning: %s: %s\n", c.File, w)
	}
	return nil
}
