package lsp

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"

	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

// analysis is what the compiler says about one version of a document: its
// tree (nil when it does not parse), its flow's check results (nil when
// none), and the diagnostics `callflow check` would print for the file.
type analysis struct {
	doc   *document
	all   *lang.Analysis
	file  *source.File
	tree  *ast.File
	flow  *lang.FlowAnalysis
	diags diag.Diagnostics

	names *names // built on first use
}

// analysis returns d's analysis, computing it once.
func (s *server) analysis(d *document) *analysis {
	d.once.Do(func() {
		d.an = s.analyze(d)
		if d.an.tree != nil {
			s.docs.parsed(d.uri, d.an)
		}
	})
	return d.an
}

// parsedDoc is the analysis of the open document at u when it parsed; nil
// when it is not open or has no tree.
func (s *server) parsedDoc(u uri.URI) *analysis {
	d := s.doc(u)
	if d == nil {
		return nil
	}
	if a := s.analysis(d); a.tree != nil {
		return a
	}
	return nil
}

// understood is d's analysis when d parses, else the analysis of the last
// version that did: while the author types, the text at the cursor rarely
// parses, and completion still needs the flow's names and targets.
func (s *server) understood(d *document) *analysis {
	a := s.analysis(d)
	if a.tree != nil {
		return a
	}
	if last := s.docs.lastParsed(d.uri); last != nil {
		return last
	}
	return a
}

// analyze checks d as `callflow check` checks the file on disk, reading its
// folder (tables, the flow of a test file) through the open documents.
func (s *server) analyze(d *document) *analysis {
	fsys := s.folder(d)
	opts := append([]lang.Option{lang.WithCache(s.docs.cache(d.uri))}, compileOptions...)
	all := lang.Analyze(fsys, s.unitPaths(fsys, d), opts...)
	a := &analysis{doc: d, all: all, file: d.file, tree: all.Trees[d.name], flow: all.Flow(d.name)}
	if f := all.Files[d.name]; f != nil {
		a.file = f
	}
	for _, dg := range all.Diagnostics {
		if dg.Subject.File == d.name || dg.Subject.File == "" {
			a.diags = append(a.diags, dg)
		}
	}
	return a
}

// folder is d's folder as the compiler reads it: the open documents from
// memory, d as this version, and the rest from disk.
func (s *server) folder(d *document) overlay {
	fsys := overlay{mem: fstest.MapFS{}}
	if d.dir != "" {
		fsys.disk = os.DirFS(d.dir)
		for name, o := range s.docs.inDir(d.dir) {
			fsys.mem[name] = &fstest.MapFile{Data: o.file.Src}
		}
	}
	fsys.mem[d.name] = &fstest.MapFile{Data: d.file.Src}
	return fsys
}

// unitPaths are the files checked with d: d, and the tests of a flow, so
// that its names are found in them too (the flow of a test file is paired
// by the compiler).
func (s *server) unitPaths(fsys fs.FS, d *document) []string {
	paths := []string{d.name}
	if strings.HasSuffix(d.name, lang.TestSuffix) {
		return paths
	}
	test := strings.TrimSuffix(d.name, ".flow") + lang.TestSuffix
	if _, err := fs.Stat(fsys, test); err == nil {
		paths = append(paths, test)
	}
	return paths
}

// info is the check result of the document's flow, or nil.
func (a *analysis) info() *check.Info {
	if a.flow == nil {
		return nil
	}
	return a.flow.Info
}

// fileOf returns the source and URI of a file the analysis read, by its
// name in the folder: the document itself or a sibling.
func (a *analysis) fileOf(name string) (*source.File, uri.URI, bool) {
	if name == a.doc.name || name == "" {
		return a.file, a.doc.uri, true
	}
	f := a.all.Files[name]
	if f == nil || a.doc.dir == "" {
		return nil, "", false
	}
	return f, uri.File(filepath.Join(a.doc.dir, filepath.FromSlash(name))), true
}

// overlay reads the open documents from memory and everything else from
// the document's folder on disk.
type overlay struct {
	mem  fstest.MapFS
	disk fs.FS // nil for a document that is not a file
}

func (o overlay) Open(name string) (fs.File, error) {
	if _, ok := o.mem[name]; ok || o.disk == nil {
		return o.mem.Open(name)
	}
	return o.disk.Open(name)
}

// compileOptions are how the server compiles, as `callflow check` and
// `callflow test` do: secret() is a placeholder and env() its default, so
// the editor's environment neither leaks into a flow nor fails one.
var compileOptions = []lang.Option{lang.WithPlaceholderSecrets()}
