package lang

import (
	"io/fs"
	"maps"
	"path"
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
	"github.com/callflow/callflow/lang/compile"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/parser"
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
	b := &build{fsys: fsys, files: source.Files{}, parsed: map[string]*ast.File{}, disable: cfg.disable, secrets: cfg.secrets, cache: cfg.cache}
	b.parseAll(paths)
	prog := b.compile()
	b.cache.done(b.parsedPaths())
	if !cfg.keepQuiet {
		b.diags = b.diags.Reported()
	}
	b.diags.Sort()
	if cfg.sources != nil {
		for name, f := range b.files {
			cfg.sources[name] = f
		}
	}
	errs, warns := b.diags.Count()
	switch {
	case cfg.partial && (errs > 0 || (cfg.strict && warns > 0)):
		prog = withoutFailed(prog, b.diags, cfg.strict)
	case errs > 0 || (cfg.strict && warns > 0):
		prog = nil
	}
	return prog, b.diags.Limit(cfg.maxErrors)
}

type build struct {
	fsys   fs.FS
	files  source.Files
	parsed map[string]*ast.File // nil value: read or parse failed
	order  []string
	diags  diag.Diagnostics
	// disable are the warning codes silenced in every unit.
	disable []diag.Code
	// secrets reads the values of secret() and env() (WithSecrets).
	secrets SecretReader
	// analysis, when set, receives each flow's check results, and nothing
	// is lowered (Analyze).
	analysis *Analysis
	// cache, when set, is the last analysis's (WithCache).
	cache *Cache
}

// parsedPaths are the files this build parsed, for Cache.done.
func (b *build) parsedPaths() map[string]bool {
	out := make(map[string]bool, len(b.order))
	for _, p := range b.order {
		out[p] = true
	}
	return out
}

// parseAll reads and parses files on every core; results are registered in
// path order so diagnostics and versions do not depend on scheduling.
func (b *build) parseAll(paths []string) {
	type result struct {
		file  *source.File
		tree  *ast.File
		diags diag.Diagnostics
		err   error
	}
	results := make([]result, len(paths))
	parallel(len(paths), func(i int) {
		src, err := fs.ReadFile(b.fsys, paths[i])
		if err != nil {
			results[i].err = err
			return
		}
		f := source.NewFile(paths[i], src)
		tree, ds := parser.Parse(f, b.cache.parserOptions(paths[i])...)
		results[i] = result{file: f, tree: tree, diags: ds}
	})
	for i, r := range results {
		p := paths[i]
		if _, done := b.parsed[p]; done {
			continue
		}
		if r.err != nil {
			b.diags = append(b.diags, diag.Errorf(diag.BadEncoding, source.Span{File: p}, "cannot read %s: %v", p, r.err))
			continue
		}
		b.files.Add(r.file)
		b.diags = append(b.diags, r.diags...)
		b.parsed[p] = r.tree
		b.order = append(b.order, p)
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

func (b *build) parse(p string, required bool) *ast.File {
	if f, ok := b.parsed[p]; ok {
		return f
	}
	src, err := fs.ReadFile(b.fsys, p)
	if err != nil {
		if required {
			b.diags = append(b.diags, diag.Errorf(diag.BadEncoding, source.Span{File: p}, "cannot read %s: %v", p, err))
		}
		return nil
	}
	f, ds := parser.Parse(b.files.Add(source.NewFile(p, src)), b.cache.parserOptions(p)...)
	b.diags = append(b.diags, ds...)
	b.parsed[p] = f
	b.order = append(b.order, p)
	return f
}

// units pairs flows with their test files.
func (b *build) units() []*check.Unit {
	byMain := map[string]*check.Unit{}
	var units []*check.Unit
	for _, p := range slices.Clone(b.order) {
		f := b.parsed[p]
		if f == nil || strings.HasSuffix(p, TestSuffix) {
			continue
		}
		u := b.unit(f, p)
		byMain[p] = u
		units = append(units, u)
	}
	for _, p := range slices.Clone(b.order) {
		f := b.parsed[p]
		if f == nil || !strings.HasSuffix(p, TestSuffix) {
			continue
		}
		mainPath := strings.TrimSuffix(p, TestSuffix) + ".flow"
		u := byMain[mainPath]
		if u == nil && b.parse(mainPath, false) != nil {
			u = b.unit(b.parsed[mainPath], mainPath)
			byMain[mainPath] = u
			units = append(units, u)
		}
		if u == nil {
			if _, tried := b.parsed[mainPath]; !tried {
				b.diags = append(b.diags, diag.Errorf(diag.BadTestFile, f.Flow.At, "no %s beside this test file", path.Base(mainPath)).
					Do("Put the flow %q in %s, or rename the test file after its flow.", f.Flow.Name, mainPath))
			}
			continue
		}
		u.Tests = append(u.Tests, f)
		u.Files.Add(b.files[p])
	}
	return units
}

// unit starts a flow's unit. Each unit has its own file registry, so units
// can be checked in parallel; check adds table files it reports on.
func (b *build) unit(f *ast.File, p string) *check.Unit {
	files := source.Files{}
	files.Add(b.files[p])
	return &check.Unit{Main: f, Files: files, FS: b.fsys, Dir: path.Dir(p), Disable: b.disable, Cache: b.cache.checker()}
}

func (b *build) compile() *ir.Program {
	var units []*check.Unit
	names := map[string]*ast.File{}
	for _, u := range b.units() {
		if first, dup := names[u.Main.Flow.Name]; dup {
			b.diags = append(b.diags, diag.Errorf(diag.DuplicateName, u.Main.Flow.At, "flow %q is also declared in %s", u.Main.Flow.Name, first.Name).
				Do("Give each flow its own name.").Also(first.Flow.At, "first declared here"))
			continue
		}
		names[u.Main.Flow.Name] = u.Main
		units = append(units, u)
	}
	if b.analysis != nil {
		b.analysis.Flows = make([]*FlowAnalysis, len(units))
	}
	flows := make([]*ir.Flow, len(units))
	diags := make([]diag.Diagnostics, len(units))
	parallel(len(units), func(i int) {
		info, ds := check.Check(units[i])
		diags[i] = ds
		if b.analysis != nil {
			if !ds.HasErrors() {
				_, lds := load(info, units[i].Files, b.secrets)
				diags[i] = append(diags[i], lds...)
			}
			b.analysis.Flows[i] = &FlowAnalysis{Unit: units[i], Info: info}
			return
		}
		if ds.HasErrors() {
			return
		}
		loaded, ds := load(info, units[i].Files, b.secrets)
		diags[i] = append(diags[i], ds...)
		if ds.HasErrors() {
			return
		}
		bun := bundleOf(units[i], info)
		flows[i] = compile.Flow(units[i], info, bun.Version())
		flows[i].Bundle = bun
		flows[i].Loaded = loaded
	})
	prog := &ir.Program{}
	for i, u := range units {
		b.diags = append(b.diags, diags[i]...)
		for name, f := range u.Files {
			b.files[name] = f
		}
		if flows[i] != nil {
			prog.Flows = append(prog.Flows, flows[i])
		}
	}
	sort.Slice(prog.Flows, func(i, j int) bool { return prog.Flows[i].Name < prog.Flows[j].Name })
	b.checkNumbers(prog)
	return prog
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
func (b *build) checkNumbers(prog *ir.Program) {
	type key struct{ platform, number string }
	owner := map[key]*ir.Flow{}
	for _, f := range prog.Flows {
		for _, n := range f.Numbers {
			for _, p := range f.Platforms {
				k := key{p, n}
				if first, dup := owner[k]; dup {
					at := numberSpan(f, n)
					b.diags = append(b.diags, diag.Errorf(diag.DuplicateNumber, at, "number %s is also answered by flow %q on %s", n, first.Name, p).
						Do("Give each number to one flow per platform.").Also(numberSpan(first, n), "claimed here"))
					continue
				}
				owner[k] = f
			}
		}
	}
}

func numberSpan(f *ir.Flow, n string) source.Span {
	for _, d := range f.Syntax[0].Decls {
		if num, ok := d.(*ast.Number); ok {
			for _, x := range num.Numbers {
				if strings.Contains(x.Text, n) {
					return x.At
				}
			}
		}
	}
	return f.Syntax[0].Flow.At
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
