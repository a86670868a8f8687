package lsp

import (
	"context"
	"sort"

	plexer "github.com/alecthomas/participle/v2/lexer"
	"go.lsp.dev/protocol"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
)

// The legend of semantic tokens: indexes into these lists are what the
// encoded tokens carry.
var (
	tokenTypes     = []string{"keyword", "function", "variable", "property", "string", "number", "comment", "enumMember", "operator", "struct", "event"}
	tokenModifiers = []string{"declaration", "readonly", "defaultLibrary"}
)

const (
	tokKeyword = iota
	tokFunction
	tokVariable
	tokProperty
	tokString
	tokNumber
	tokComment
	tokEnumMember
	tokOperator
	tokStruct
	tokEvent
)

const (
	modDeclaration = 1 << iota
	modReadonly
	modDefaultLibrary
)

func semanticTokensOptions() *protocol.SemanticTokensOptions {
	return &protocol.SemanticTokensOptions{
		Legend: protocol.SemanticTokensLegend{TokenTypes: tokenTypes, TokenModifiers: tokenModifiers},
		Full:   protocol.Boolean(true),
	}
}

// semToken is one classified range of the file.
type semToken struct {
	start, end int
	typ, mods  int
}

// SemanticTokensFull classifies the document's tokens: keywords, names by
// kind (handlers, consts, tables, lookups, hours, variables, built-ins),
// option words, platforms, strings with their ${…} parts, durations,
// numbers and comments.
func (s *server) SemanticTokensFull(ctx context.Context, p *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	out := &protocol.SemanticTokens{Data: []uint32{}}
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return out, nil
	}
	if len(d.file.Src) > parser.MaxFileSize {
		return out, nil // the compiler refuses the file; the editor's grammar still colours it
	}
	a := s.analysis(d)
	byStart := map[int]*occurrence{}
	n := a.namesOf()
	for i := range n.occs {
		if n.occs[i].file == d.name {
			byStart[n.occs[i].start] = &n.occs[i]
		}
	}
	c := &classifier{src: a.file.Src, names: byStart, options: optionWords(a)}
	c.classify(0, len(a.file.Src), 0)
	toks := c.out
	out.Data = s.encodeTokens(a.file, toks)
	return out, nil
}

// classifier classifies the tokens of one file.
type classifier struct {
	src     []byte
	names   map[int]*occurrence // by start offset
	options map[int]bool        // the start offsets of option words
	out     []semToken
}

// optionWords are the start offsets of the option words of capture,
// campaign and contact blocks.
func optionWords(a *analysis) map[int]bool {
	out := map[int]bool{}
	if a.tree == nil {
		return out
	}
	inspect(a.tree, func(n ast.Node) {
		if o, ok := n.(*ast.Option); ok && o.Name != nil {
			out[o.Name.At.Start.Offset] = true
		}
	})
	return out
}

// classify appends the tokens of src[start:end], recursing into
// interpolations.
func (c *classifier) classify(start, end, depth int) {
	src := c.src
	if depth > lexer.MaxInterpolationDepth {
		return
	}
	toks, _ := lexer.Tokens("", src[start:end])
	for i, t := range toks {
		at := start + t.Pos.Offset
		add := func(typ, mods int) { c.out = append(c.out, semToken{at, at + len(t.Value), typ, mods}) }
		switch t.Type {
		case lexer.Comment:
			add(tokComment, 0)
		case lexer.Int, lexer.Float, lexer.Duration, lexer.Range:
			add(tokNumber, 0)
		case lexer.Punct:
			if t.Value == "->" {
				add(tokOperator, 0)
			}
		case lexer.String:
			c.stringTokens(at, at+len(t.Value), depth)
		case lexer.Ident:
			if typ, mods, ok := c.identType(toks, i, at); ok {
				add(typ, mods)
			}
		}
	}
}

// identType classifies a word.
func (c *classifier) identType(toks []plexer.Token, i, at int) (typ, mods int, ok bool) {
	t := toks[i]
	if o := c.names[at]; o != nil {
		switch o.kind {
		case kindHandler, kindLookup:
			typ = tokFunction
		case kindConst:
			typ, mods = tokVariable, modReadonly
		case kindTable:
			typ = tokStruct
		case kindHours:
			typ = tokEvent
		case kindBuiltin:
			typ, mods = tokVariable, modDefaultLibrary|modReadonly
		default:
			typ = tokVariable
		}
		if o.def {
			mods |= modDeclaration
		}
		return typ, mods, true
	}
	// A platform after target or call, even `callback`, which is also a step.
	if _, isPlatform := platform.Lookup(t.Value); isPlatform && i > 0 && (toks[i-1].Value == "target" || toks[i-1].Value == "call" || isPunct(toks[i-1], ",")) {
		return tokEnumMember, 0, true
	}
	switch {
	case lexer.IsKeyword(t.Value) || lexer.IsOperatorWord(t.Value):
		return tokKeyword, 0, true
	case i+1 < len(toks) && isPunct(toks[i+1], "("):
		return tokFunction, modDefaultLibrary, true
	}
	if c.options[at] {
		return tokProperty, 0, true
	}
	return 0, 0, false
}

// stringTokens splits a string literal into its literal parts and the
// expressions of its interpolations.
func (c *classifier) stringTokens(start, end, depth int) {
	out := &c.out
	parts, err := lexer.StringParts(c.src[start:end])
	if err != nil || len(parts) == 0 {
		*out = append(*out, semToken{start, end, tokString, 0})
		return
	}
	pos := start
	for _, p := range parts {
		if !p.Interp {
			continue
		}
		if from := start + p.InterpStart; from > pos {
			*out = append(*out, semToken{pos, from, tokString, 0})
		}
		*out = append(*out, semToken{start + p.InterpStart, start + p.Start, tokOperator, 0})
		c.classify(start+p.Start, start+p.End, depth+1)
		*out = append(*out, semToken{start + p.End, start + p.End + 1, tokOperator, 0})
		pos = start + p.End + 1
	}
	if pos < end {
		*out = append(*out, semToken{pos, end, tokString, 0})
	}
}

// encodeTokens is the protocol's relative encoding, a token split at each
// line break (clients need not support tokens over several lines).
func (s *server) encodeTokens(f *source.File, toks []semToken) []uint32 {
	sort.SliceStable(toks, func(i, j int) bool { return toks[i].start < toks[j].start })
	data := make([]uint32, 0, len(toks)*5)
	prev := source.Point{}
	emit := func(start, end, typ, mods int) {
		if end <= start {
			return
		}
		p, q := f.Point(start, s.encoding()), f.Point(end, s.encoding())
		col := p.Col
		if p.Line == prev.Line {
			col -= prev.Col
		}
		data = append(data, uint32(p.Line-prev.Line), uint32(col), uint32(q.Col-p.Col), uint32(typ), uint32(mods))
		prev = p
	}
	last := -1
	for _, t := range toks {
		if t.start < last {
			continue // overlapping: keep the first
		}
		for from := t.start; from < t.end; {
			nl := from
			for nl < t.end && f.Src[nl] != '\n' {
				nl++
			}
			emit(from, nl, t.typ, t.mods)
			from = nl + 1
		}
		last = t.end
	}
	return data
}
