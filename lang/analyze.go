package lang

import (
	"io/fs"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

// Analysis is what an editor asks of a compilation: every file's source and
// syntax tree, what the checker learned about each flow, and the same
// diagnostics CompileFiles reports for them. Nothing is lowered, so no
// program is built.
type Analysis struct {
	Files       source.Files
	Trees       map[string]*ast.File // by path; nil when the file could not be parsed
	Flows       []*FlowAnalysis      // one per flow checked, tests paired as CompileFiles pairs them
	Diagnostics diag.Diagnostics
}

// FlowAnalysis is one flow as the checker saw it.
type FlowAnalysis struct {
	Unit *check.Unit
	Info *check.Info
}

// Analyze parses and checks the .flow files at paths in fsys as CompileFiles
// does, with the same options, and returns the trees and the checker's
// findings instead of a program. The one check it leaves out is
// duplicate-number, which compares the numbers of compiled flows.
func Analyze(fsys fs.FS, paths []string, opts ...Option) *Analysis {
	cfg := newConfig(opts)
	a := &Analysis{}
	b := &build{fsys: fsys, files: source.Files{}, parsed: map[string]*ast.File{}, disable: cfg.disable, secrets: cfg.secrets, analysis: a, cache: cfg.cache}
	b.run(paths)
	if !cfg.keepQuiet {
		b.diags = b.diags.Reported()
	}
	b.diags.Sort()
	a.Files, a.Trees, a.Diagnostics = b.files, b.parsed, b.diags.Limit(cfg.maxErrors)
	return a
}

// Flow returns the analysis of the flow whose file, or one of whose test
// files, is path; nil when path holds no checked flow.
func (a *Analysis) Flow(path string) *FlowAnalysis {
	for _, f := range a.Flows {
		if f.Unit.Main.Name == path {
			return f
		}
		for _, t := range f.Unit.Tests {
			if t.Name == path {
				return f
			}
		}
	}
	return nil
}
