package lsp

import (
	"context"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/source"
)

// document is one version of an open document. It never changes: an edit
// makes a new one, so a check or a request that started on a version keeps
// reading that version.
type document struct {
	uri     uri.URI
	dir     string // the folder on disk its tables and test files are read from; "" when not a file
	name    string // its name inside that folder
	version int32
	file    *source.File

	once sync.Once
	an   *analysis
}

// store holds the open documents, and the last analysis of each that
// parsed.
type store struct {
	mu   sync.Mutex
	docs map[uri.URI]*document
	good map[uri.URI]*analysis
	// caches keep, per document, what its last analysis parsed and
	// compiled, so the next costs only what the edit changed.
	caches map[uri.URI]*lang.Cache
}

func newStore() *store {
	return &store{docs: map[uri.URI]*document{}, good: map[uri.URI]*analysis{}, caches: map[uri.URI]*lang.Cache{}}
}

// cache is the analysis cache of the document at u.
func (st *store) cache(u uri.URI) *lang.Cache {
	st.mu.Lock()
	defer st.mu.Unlock()
	c, ok := st.caches[u]
	if !ok {
		c = lang.NewCache()
		st.caches[u] = c
	}
	return c
}

// parsed records an analysis of an open document that parsed.
func (st *store) parsed(u uri.URI, a *analysis) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.docs[u] != nil {
		st.good[u] = a
	}
}

// lastParsed is the last analysis of u that parsed, or nil.
func (st *store) lastParsed(u uri.URI) *analysis {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.good[u]
}

func newDocument(u uri.URI, version int32, text []byte) *document {
	dir, name := "", path.Base(u.Path())
	if u.IsFile() {
		p := filepath.FromSlash(u.Path())
		dir, name = filepath.Dir(p), filepath.Base(p)
	}
	if name == "" || name == "." || name == "/" {
		name = "untitled.flow"
	}
	return &document{uri: u, dir: dir, name: name, version: version, file: source.NewFile(name, text)}
}

// get returns the open document at u, or nil.
func (st *store) get(u uri.URI) *document {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.docs[u]
}

func (st *store) put(d *document) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.docs[d.uri] = d
}

func (st *store) remove(u uri.URI) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.docs, u)
	delete(st.good, u)
	delete(st.caches, u)
}

// inDir returns the open documents in dir, by name, for the overlay a
// check reads sibling files through.
func (st *store) inDir(dir string) map[string]*document {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[string]*document{}
	for _, d := range st.docs {
		if d.dir == dir {
			out[d.name] = d
		}
	}
	return out
}

// partners are the open documents whose checks read d: its flow's test
// file, or the flow of a test file.
func (st *store) partners(d *document) []*document {
	var out []*document
	for name, o := range st.inDir(d.dir) {
		if name == d.name {
			continue
		}
		if strings.TrimSuffix(name, "_test.flow")+".flow" == d.name || strings.TrimSuffix(d.name, "_test.flow")+".flow" == name {
			out = append(out, o)
		}
	}
	return out
}

// DidOpen registers the document and schedules its check.
func (s *server) DidOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) error {
	d := newDocument(p.TextDocument.URI, p.TextDocument.Version, []byte(p.TextDocument.Text))
	s.docs.put(d)
	s.changed(d)
	return nil
}

// DidChange applies the edits in order and schedules a check. A change to a
// document that is not open is ignored: its text is unknown.
func (s *server) DidChange(ctx context.Context, p *protocol.DidChangeTextDocumentParams) error {
	old := s.docs.get(p.TextDocument.URI)
	if old == nil {
		return nil
	}
	f := old.file
	for _, c := range p.ContentChanges {
		f = s.apply(f, c)
	}
	d := newDocument(old.uri, p.TextDocument.Version, f.Src)
	s.docs.put(d)
	s.changed(d)
	return nil
}

// apply returns f with one change made. Positions past the end are clamped,
// as source.File.Offset does.
func (s *server) apply(f *source.File, c protocol.TextDocumentContentChangeEvent) *source.File {
	switch c := c.(type) {
	case *protocol.TextDocumentContentChangeWholeDocument:
		return source.NewFile(f.Name, []byte(c.Text))
	case *protocol.TextDocumentContentChangePartial:
		start, end := s.offset(f, c.Range.Start), s.offset(f, c.Range.End)
		if end < start {
			start, end = end, start
		}
		text := make([]byte, 0, len(f.Src)-(end-start)+len(c.Text))
		text = append(append(append(text, f.Src[:start]...), c.Text...), f.Src[end:]...)
		return source.NewFile(f.Name, text)
	}
	return f
}

// DidClose forgets the document; the worker then clears its diagnostics.
func (s *server) DidClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) error {
	d := s.docs.get(p.TextDocument.URI)
	s.docs.remove(p.TextDocument.URI)
	s.diags.closed(p.TextDocument.URI)
	if d != nil {
		for _, o := range s.docs.partners(d) {
			s.recheck(o)
		}
	}
	return nil
}

// changed schedules the check of d and of the open documents that read it.
func (s *server) changed(d *document) {
	s.diags.schedule(d.uri)
	for _, o := range s.docs.partners(d) {
		s.recheck(o)
	}
}

// recheck checks an open document again although its text is the same:
// something it reads changed. The analysis is kept with the document, so
// a fresh copy of the document stands for it.
func (s *server) recheck(d *document) {
	fresh := newDocument(d.uri, d.version, d.file.Src)
	s.docs.put(fresh)
	s.diags.schedule(fresh.uri)
}

// doc returns the open document at u, or nil: requests on a document the
// client never opened get empty answers.
func (s *server) doc(u uri.URI) *document { return s.docs.get(u) }

// DidChangeWatchedFiles checks again the open documents in the folders of
// files that changed on disk: a table file, or a flow or test file the
// editor does not hold open.
func (s *server) DidChangeWatchedFiles(ctx context.Context, p *protocol.DidChangeWatchedFilesParams) error {
	dirs := map[string]bool{}
	for _, c := range p.Changes {
		if c.URI.IsFile() {
			dirs[filepath.Dir(filepath.FromSlash(c.URI.Path()))] = true
		}
	}
	for dir := range dirs {
		for _, d := range s.docs.inDir(dir) {
			s.recheck(d)
		}
	}
	return nil
}
