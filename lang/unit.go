package lang

import (
	"io/fs"
	"path"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/compile"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// unitPlan is a flow's unit before anything is read: its flow file and its
// test files. A flow file that is not listed is read only for its tests,
// and need not exist.
type unitPlan struct {
	main   string
	listed bool
	tests  []string
}

// plan pairs paths into units, as they are listed: first one per flow
// file, then one per flow that only test files name. A NAME_test.flow
// belongs to NAME.flow in its folder.
func plan(paths []string) []*unitPlan {
	listed := map[string]bool{}
	byMain := map[string]*unitPlan{}
	var plans []*unitPlan
	var tests []string
	for _, p := range paths {
		if listed[p] {
			continue
		}
		listed[p] = true
		if strings.HasSuffix(p, TestSuffix) {
			tests = append(tests, p)
			continue
		}
		byMain[p] = &unitPlan{main: p, listed: true}
		plans = append(plans, byMain[p])
	}
	for _, t := range tests {
		main := strings.TrimSuffix(t, TestSuffix) + ".flow"
		u := byMain[main]
		if u == nil {
			u = &unitPlan{main: main, listed: listed[main]}
			byMain[main] = u
			plans = append(plans, u)
		}
		u.tests = append(u.tests, t)
	}
	return plans
}

// unitResult is what one unit gives the program: only what outlives the
// unit's trees.
type unitResult struct {
	read  []readFile       // the files read, in order
	early diag.Diagnostics // about pairing tests with their flow
	// name, path and at are the flow's name, file and header; name is ""
	// when the flow did not parse.
	name, path string
	at         source.Span
	diags      diag.Diagnostics // the checker's and the loader's
	files      source.Files     // the unit's files, tables included, when the build keeps files
	flow       *ir.Flow         // nil when the flow has errors, or when analysing
	// numbersAt is where the flow's file writes each of its Numbers, for
	// a flow kept without its Bundle (WithoutProgram); nil otherwise.
	numbersAt []source.Span
	analysis  *FlowAnalysis
}

// readFile is one file read for a unit: found is false when it could not
// be read, tree is nil when it did not parse (or is not kept).
type readFile struct {
	path  string
	found bool
	file  *source.File
	tree  *ast.File
	diags diag.Diagnostics
}

// unit reads, parses, checks and lowers one unit.
func (b *build) unit(p *unitPlan) *unitResult {
	r := &unitResult{}
	defer r.drop(b.files != nil, b.parsed != nil)
	var tests []*ast.File
	for _, t := range p.tests {
		if tree, _ := r.parse(b, t, true); tree != nil {
			tests = append(tests, tree)
		}
	}
	if !p.listed && len(tests) == 0 {
		return r // nothing asks for the flow
	}
	main, found := r.parse(b, p.main, p.listed)
	if main == nil {
		if !found {
			for _, t := range tests {
				r.early = append(r.early, diag.Errorf(diag.BadTestFile, t.Flow.At, "no %s beside this test file", path.Base(p.main)).
					Do("Put the flow %q in %s, or rename the test file after its flow.", t.Flow.Name, p.main))
			}
		}
		return r
	}
	u := &check.Unit{Main: main, Tests: tests, Files: source.Files{}, FS: b.fsys, Dir: path.Dir(p.main), Disable: b.disable, Cache: b.cache.checker(), EagerCode: b.eagerCode}
	for _, f := range r.read {
		if f.tree != nil {
			u.Files.Add(f.file)
		}
	}
	r.name, r.path, r.at = main.Flow.Name, p.main, main.Flow.At
	b.check(r, u)
	if b.files != nil {
		r.files = u.Files
	}
	return r
}

// drop lets go of the sources and trees the build does not keep, before
// the next unit starts: they are most of what a unit holds, whether its
// flow compiled or not.
func (r *unitResult) drop(files, trees bool) {
	for i := range r.read {
		if !files {
			r.read[i].file = nil
		}
		if !trees {
			r.read[i].tree = nil
		}
	}
}

// parse reads and parses one file of the unit; found is false when it
// could not be read, which is an error when it was asked for.
func (r *unitResult) parse(b *build, p string, asked bool) (tree *ast.File, found bool) {
	src, err := fs.ReadFile(b.fsys, p)
	if err != nil {
		if asked {
			r.read = append(r.read, readFile{path: p, diags: diag.Diagnostics{
				diag.Errorf(diag.BadEncoding, source.Span{File: p}, "cannot read %s: %v", p, err)}})
		}
		return nil, false
	}
	f := source.NewFile(p, src)
	tree, ds := parser.Parse(f, b.cache.parserOptions(p)...)
	r.read = append(r.read, readFile{path: p, found: true, file: f, tree: tree, diags: ds})
	return tree, true
}

// check checks the unit and, unless analysing or there are errors, lowers
// it.
func (b *build) check(r *unitResult, u *check.Unit) {
	info, ds := check.Check(u)
	r.diags = ds
	if b.analysis != nil {
		if !ds.HasErrors() {
			_, lds := load(info, u.Files, b.secrets)
			r.diags = append(r.diags, lds...)
		}
		r.analysis = &FlowAnalysis{Unit: u, Info: info}
		return
	}
	if ds.HasErrors() {
		return
	}
	loaded, ds := load(info, u.Files, b.secrets)
	r.diags = append(r.diags, ds...)
	if ds.HasErrors() {
		return
	}
	bun := bundleOf(u, info)
	r.flow = compile.Flow(u, info, bun.Version())
	r.flow.Bundle = bun
	r.flow.Loaded = loaded
	if b.noProgram {
		// What checkNumbers reads, with where each number is written
		// found now: keeping the Bundle to parse it again would keep
		// every flow's files until the last one is checked.
		stub := &ir.Flow{Name: r.flow.Name, File: r.flow.File, Platforms: r.flow.Platforms, Numbers: r.flow.Numbers}
		r.numbersAt = make([]source.Span, len(stub.Numbers))
		for i, n := range stub.Numbers {
			r.numbersAt[i] = stub.NumberIn(u.Main, n)
		}
		r.flow = stub
	}
}
