package lang

import (
	"io/fs"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing/fstest"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/bundle"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
)

// TestSuffix marks a file that holds the tests of the flow beside it.
const TestSuffix = "_test.flow"

// CompileDir compiles every .flow file under fsys, recursively, skipping
// folders whose names start with a dot.
func CompileDir(fsys fs.FS, opts ...Option) (*ir.Program, diag.Diagnostics) {
	paths, err := FlowFiles(fsys, ".")
	if err != nil {
		return nil, diag.Diagnostics{diag.Errorf(diag.BadEncoding, source.Span{}, "%v", err)}
	}
	return CompileFiles(fsys, paths, opts...)
}

// FlowFiles lists the .flow files under dir in fsys, sorted.
func FlowFiles(fsys fs.FS, dir string) ([]string, error) {
	var paths []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".flow") {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	return paths, err
}

// CompileFile compiles one source held in memory. Table files cannot be read;
// use CompileFiles or CompileDir for flows with tables.
func CompileFile(name string, src []byte, opts ...Option) (*ir.Program, diag.Diagnostics) {
	return CompileFiles(fstest.MapFS{name: {Data: src}}, []string{name}, opts...)
}

// CompileFiles compiles the .flow files at paths (slash-separated, inside
// fsys). A NAME_test.flow is paired with NAME.flow in the same folder, which
// is read even when it is not among paths. Table files are read from fsys
// relative to their flow's folder.
func CompileFiles(fsys fs.FS, paths []string, opts ...Option) (*ir.Program, diag.Diagnostics) {
	cfg := newConfig(opts)
	b := &build{fsys: fsys, files: cfg.sources, disable: cfg.disable, secrets: cfg.secrets, noProgram: cfg.noProgram, eagerCode: cfg.eagerCode, cache: cfg.cache}
	prog := b.run(paths)
	if !cfg.keepQuiet {
		b.diags = b.diags.Reported()
	}
	b.diags.Sort()
	errs, warns := b.diags.Count()
	switch {
	case cfg.partial && (errs > 0 || (cfg.strict && warns > 0)):
		prog = withoutFailed(prog, b.diags, cfg.strict)
	case errs > 0 || (cfg.strict && warns > 0) || cfg.noProgram:
		prog = nil
	}
	return prog, b.diags.Limit(cfg.maxErrors)
}

type build struct {
	fsys fs.FS
	// files and parsed, when not nil, receive every file read and its
	// tree (nil: the parse failed). A compile that no caller asked them
	// of keeps neither: each flow's tree is dropped once it is lowered.
	files  source.Files
	parsed map[string]*ast.File
	diags  diag.Diagnostics
	// disable are the warning codes silenced in every unit.
	disable []diag.Code
	// secrets reads the values of secret() and env() (WithSecrets).
	secrets SecretReader
	// analysis, when set, receives each flow's check results, and nothing
	// is lowered (Analyze).
	analysis *Analysis
	// noProgram keeps of each flow only what the checks across flows
	// read (WithoutProgram).
	noProgram bool
	// eagerCode compiles each expression's bytecode now (WithEagerCode).
	eagerCode bool
	// cache, when set, is the last analysis's (WithCache).
	cache *Cache
}

// run reads, parses, checks and lowers the flows at paths one unit (a flow
// and its tests) at a time, on every core, and gathers the results in the
// order of paths, so diagnostics and versions do not depend on scheduling.
// Streaming bounds the memory: only the units in progress hold their
// trees, tokens and checker state; the program keeps what it runs.
func (b *build) run(paths []string) *ir.Program {
	plans := plan(paths)
	done := make([]*unitResult, len(plans))
	parallel(len(plans), func(i int) { done[i] = b.unit(plans[i]) })
	prog := &ir.Program{}
	read := map[string]bool{} // every file whose diagnostics are gathered
	parsed := map[string]bool{}
	flows := map[string]*unitResult{}
	numbersAt := map[*ir.Flow][]source.Span{}
	for _, r := range done {
		b.gatherFiles(r, read, parsed)
		b.diags = append(b.diags, r.early...)
		if r.name == "" {
			continue
		}
		if first, dup := flows[r.name]; dup {
			b.diags = append(b.diags, diag.Errorf(diag.DuplicateName, r.at, "flow %q is also declared in %s", r.name, first.path).
				Do("Give each flow its own name.").Also(first.at, "first declared here"))
			continue
		}
		flows[r.name] = r
		b.diags = append(b.diags, r.diags...)
		if b.files != nil {
			maps.Copy(b.files, r.files)
		}
		if r.analysis != nil {
			b.analysis.Flows = append(b.analysis.Flows, r.analysis)
		}
		if r.flow != nil {
			prog.Flows = append(prog.Flows, r.flow)
			if r.numbersAt != nil {
				numbersAt[r.flow] = r.numbersAt
			}
		}
	}
	b.cache.done(parsed)
	sort.Slice(prog.Flows, func(i, j int) bool { return prog.Flows[i].Name < prog.Flows[j].Name })
	b.checkNumbers(prog, numbersAt)
	return prog
}

// gatherFiles adds what parsing r's files gave: each file's diagnostics
// once, though a file may be read for two units. parsed receives the
// files that could be read.
func (b *build) gatherFiles(r *unitResult, read, parsed map[string]bool) {
	for _, f := range r.read {
		if read[f.path] {
			continue
		}
		read[f.path] = true
		b.diags = append(b.diags, f.diags...)
		if !f.found {
			continue
		}
		parsed[f.path] = true
		if b.files != nil {
			b.files.Add(f.file)
		}
		if b.parsed != nil {
			b.parsed[f.path] = f.tree
		}
	}
}

// parallel runs fn(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// bundleOf is the flow's version as data: its source, its tests and its
// table files. Its hash (bundle.Version) is the flow's version, so a change
// to any of them makes a new version.
func bundleOf(u *check.Unit, info *check.Info) *bundle.Bundle {
	b := &bundle.Bundle{Flow: u.Main.Name, Files: make(map[string][]byte, 1+len(u.Tests)+len(info.DataFiles))}
	b.Files[u.Main.Name] = u.Files[u.Main.Name].Src
	for _, f := range u.Tests {
		b.Tests = append(b.Tests, f.Name)
		b.Files[f.Name] = u.Files[f.Name].Src
	}
	maps.Copy(b.Files, info.DataFiles)
	return b
}

// checkNumbers reports two flows claiming one number for one platform.
// numbersAt holds where the flows kept without a Bundle write their
// Numbers; the others are asked (Flow.NumberAt).
func (b *build) checkNumbers(prog *ir.Program, numbersAt map[*ir.Flow][]source.Span) {
	numberAt := func(f *ir.Flow, i int) source.Span {
		if at := numbersAt[f]; at != nil {
			return at[i]
		}
		return f.NumberAt(f.Numbers[i])
	}
	type key struct{ platform, number string }
	type claim struct {
		flow *ir.Flow
		i    int // the number's index in flow.Numbers
	}
	owner := map[key]claim{}
	for _, f := range prog.Flows {
		for i, n := range f.Numbers {
			for _, p := range f.Platforms {
				k := key{p, n}
				if first, dup := owner[k]; dup {
					b.diags = append(b.diags, diag.Errorf(diag.DuplicateNumber, numberAt(f, i), "number %s is also answered by flow %q on %s", n, first.flow.Name, p).
						Do("Give each number to one flow per platform.").Also(numberAt(first.flow, first.i), "claimed here"))
					continue
				}
				owner[k] = claim{f, i}
			}
		}
	}
}

// withoutFailed is prog without the flows that one of ds (an error, or a
// warning when strict) is about: in their source, tests or tables. Nil
// when no flow is left.
func withoutFailed(prog *ir.Program, ds diag.Diagnostics, strict bool) *ir.Program {
	failed := map[string]bool{}
	for _, d := range ds {
		if d.Suppressed == nil && (d.Severity == diag.Error || (strict && d.Severity == diag.Warning)) {
			failed[d.Subject.File] = true
			if main, ok := strings.CutSuffix(d.Subject.File, TestSuffix); ok {
				failed[main+".flow"] = true // tests that do not parse are in no bundle
			}
		}
	}
	kept := &ir.Program{}
	for _, f := range prog.Flows {
		if !failed[f.File] && (f.Bundle == nil || !slices.ContainsFunc(slices.Collect(maps.Keys(f.Bundle.Files)), func(n string) bool { return failed[n] })) {
			kept.Flows = append(kept.Flows, f)
		}
	}
	if len(kept.Flows) == 0 {
		return nil
	}
	return kept
}
