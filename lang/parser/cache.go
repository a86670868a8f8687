package parser

import (
	"slices"
	"sync"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	g "github.com/callflow/callflow/lang/internal/grammar"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// Option configures Parse.
type Option func(*options)

type options struct {
	cache *Cache
}

// WithCache makes Parse reuse, from c, the tree of every top-level
// statement whose text the previous parse with c already read, and keep
// this parse's statements in c for the next. An editor parses one
// document again after each keystroke: the statements the keystroke did
// not touch cost a look-up, or a copy with moved positions when the edit
// shifted them, instead of a parse. The tree and diagnostics are exactly
// those Parse gives without a cache.
func WithCache(c *Cache) Option { return func(o *options) { o.cache = c } }

// Cache holds the top-level statements of the last parse of one file: one
// cache per document. It keeps only what that parse used, so it holds at
// most one version's trees. It is safe for concurrent use; parses of two
// versions at once each see a consistent cache, and the last one to end is
// kept.
type Cache struct {
	mu      sync.Mutex
	name    string
	entries map[string][]*cached // by the statement's text
	lexed   *lexer.Lexed         // the last parse's tokens
	// spare is the tokens of an older version, which no parse reads any
	// more: the next lex builds its tokens in their room. busy counts the
	// parses under way; a lex keeps its prev's tokens as spare only when
	// it is the only one, so no other parse can still be reading them.
	spare []plexer.Token
	busy  int
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// cached is one statement that parsed without any diagnostic: its text,
// where it started in the version that parsed it, and its declarations.
type cached struct {
	text  string
	at    source.Pos
	decls []ast.Decl
}

// Len is how many statements the cache holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, es := range c.entries {
		n += len(es)
	}
	return n
}

// reuse is one parse's use of a cache: the statements it read, in order.
type reuse struct {
	c     *Cache
	f     *source.File
	old   map[string][]*cached
	lexed *lexer.Lexed
	stmts []reused
	shift shift // reused by each move
}

// reused is one statement of this parse: its byte range [lo, hi), and
// its entry when it came from the cache.
type reused struct {
	lo, hi int
	hit    *cached
	mended bool // it holds a bracket balance added: never kept
}

func (c *Cache) start(f *source.File) *reuse {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &reuse{c: c, f: f}
	c.busy++
	if c.name == f.Name {
		r.old, r.lexed = c.entries, c.lexed
	}
	return r
}

// finish ends one parse with the cache.
func (r *reuse) finish() {
	if r == nil {
		return
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.busy--
}

// lex lexes the file as lexer.TokensAll does; with a cache, only where it
// differs from the last version lexed, which the cache then keeps.
func (r *reuse) lex(f *source.File) ([]plexer.Token, []error) {
	if r == nil {
		return lexer.TokensAll(f.Name, f.Src)
	}
	r.c.mu.Lock()
	spare := r.c.spare
	r.c.spare = nil
	r.c.mu.Unlock()
	l := lexer.RelexInto(f.Name, f.Src, r.lexed, spare)
	r.c.mu.Lock()
	if r.c.busy == 1 && r.lexed != nil && r.c.lexed == r.lexed {
		r.c.spare = r.lexed.Toks
	}
	r.c.name, r.c.lexed = f.Name, l
	if r.old == nil {
		r.c.entries = nil
	}
	r.c.mu.Unlock()
	return l.Toks, l.Errs
}

// parse parses stmts, the file's top-level statements after its header,
// taking each from the cache when its text is there at its column, and
// parsing the runs of the others as parts.file does. It returns the
// grammar declarations of the statements parsed.
func (r *reuse) parse(p *parts, toks []plexer.Token, stmts []stmtRange) []*g.Decl {
	var out []*g.Decl
	var run []stmtRange
	flush := func() {
		for len(run) > 0 && !p.full() {
			n := min(batch, len(run))
			out = append(out, p.batch(toks, run[:n])...)
			run = run[n:]
		}
		run = run[:0]
	}
	for _, s := range stmts {
		st := r.statement(toks, s)
		if st.hit == nil {
			run = append(run, s)
			r.stmts = append(r.stmts, st)
			continue
		}
		if flush(); p.full() {
			break
		}
		r.stmts = append(r.stmts, st)
	}
	flush()
	return out
}

// statement finds s in the cache.
func (r *reuse) statement(toks []plexer.Token, s stmtRange) reused {
	last := toks[s.hi-1]
	st := reused{lo: toks[s.lo].Pos.Offset, hi: last.Pos.Offset + len(last.Value)}
	st.mended = slices.ContainsFunc(toks[s.lo:s.hi], func(t plexer.Token) bool { return t.Type == lexer.Mended })
	if st.mended || r.old == nil {
		return st
	}
	at := r.f.Pos(st.lo)
	for _, e := range r.old[string(r.f.Src[st.lo:st.hi])] {
		if e.at.Col == at.Col {
			st.hit = e
			if e.at == at {
				break
			}
		}
	}
	return st
}

// assemble puts the file's declarations together in source order: the
// cached ones, moved to where their statement now starts, and fresh, the
// ones this parse lowered, in order. It keeps in the cache every statement
// of this version that has no diagnostic in diags, and only those.
func (r *reuse) assemble(fresh []ast.Decl, diags diag.Diagnostics) []ast.Decl {
	tainted := make([]int, 0, len(diags))
	for _, d := range diags {
		if d.Subject.File == r.f.Name {
			tainted = append(tainted, d.Subject.Start.Offset)
		}
	}
	slices.Sort(tainted)
	next := map[string][]*cached{}
	var out []ast.Decl
	for _, st := range r.stmts {
		if st.hit != nil {
			e := r.moved(st)
			out = append(out, e.decls...)
			next[e.text] = append(next[e.text], e)
			continue
		}
		n := 0
		for n < len(fresh) && fresh[n].Span().Start.Offset < st.hi {
			n++
		}
		decls := fresh[:n:n]
		fresh = fresh[n:]
		out = append(out, decls...)
		i, _ := slices.BinarySearch(tainted, st.lo)
		if st.mended || i < len(tainted) && tainted[i] <= st.hi || len(diags) >= MaxSyntaxErrors {
			continue
		}
		text := string(r.f.Src[st.lo:st.hi])
		next[text] = append(next[text], &cached{text: text, at: r.f.Pos(st.lo), decls: decls})
	}
	out = append(out, fresh...)
	r.c.mu.Lock()
	r.c.name, r.c.entries = r.f.Name, next
	r.c.mu.Unlock()
	return out
}

// moved is st's entry where st now starts: itself when it has not moved,
// else a copy of its declarations with every position moved.
func (r *reuse) moved(st reused) *cached {
	at := r.f.Pos(st.lo)
	e := st.hit
	if e.at == at {
		return e
	}
	s := &r.shift
	s.off, s.lines = at.Offset-e.at.Offset, at.Line-e.at.Line
	decls := make([]ast.Decl, len(e.decls))
	for i, d := range e.decls {
		decls[i] = s.moved(d)
	}
	return &cached{text: e.text, at: at, decls: decls}
}
