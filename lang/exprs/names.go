package exprs

import (
	"slices"
	"strings"
	"unicode/utf8"

	exprast "github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/source"
)

// Name is a name an expression reads, at its exact place in the .flow file:
// inside a ${…} interpolation the span covers the name within the string.
type Name struct {
	Name string
	At   source.Span
}

// Names lists the names x reads, in source order: identifiers, not field
// names after `.`, not function names, not `let` names of x itself. It only
// parses x, through the same translation Compile uses, so an expression
// with a type error still shows its names; it returns nil when x does not
// parse.
func Names(x *ast.Expr) []Name {
	if x == nil || utf8.RuneCountInString(x.Text) > MaxSource {
		return nil
	}
	var t translation
	if t.translate(x.Text, 0) != nil {
		return nil
	}
	tree, err := parser.ParseWithConfig(t.out.String(), base())
	if err != nil {
		return nil
	}
	var c nameCollector
	exprast.Walk(&tree.Node, &c)
	var out []Name
	for _, id := range c.idents {
		if c.callees[id] || c.local[id.Value] || strings.HasPrefix(id.Value, "$") {
			continue
		}
		start, exact := t.exactOffset(id.Location().From)
		if !exact || !strings.HasPrefix(x.Text[start:], id.Value) {
			continue // glue the translation added, such as open()'s now
		}
		out = append(out, Name{Name: id.Value, At: within(x, start, start+len(id.Value))})
	}
	slices.SortFunc(out, func(a, b Name) int { return a.At.Start.Offset - b.At.Start.Offset })
	return out
}

type nameCollector struct {
	idents  []*exprast.IdentifierNode
	callees map[*exprast.IdentifierNode]bool
	local   map[string]bool
}

func (c *nameCollector) Visit(n *exprast.Node) {
	switch n := (*n).(type) {
	case *exprast.IdentifierNode:
		c.idents = append(c.idents, n)
	case *exprast.CallNode:
		if id, ok := n.Callee.(*exprast.IdentifierNode); ok {
			if c.callees == nil {
				c.callees = map[*exprast.IdentifierNode]bool{}
			}
			c.callees[id] = true
		}
	case *exprast.VariableDeclaratorNode:
		if c.local == nil {
			c.local = map[string]bool{}
		}
		c.local[n.Name] = true
	}
}

// exactOffset maps a rune offset in the generated source to a byte offset
// in the expression's text, as srcOffset does, and reports whether the
// generated source there was copied from the .flow text (not glue).
func (t *translation) exactOffset(runeOff int) (int, bool) {
	out := t.out.String()
	b := 0
	for i := 0; i < runeOff && b < len(out); i++ {
		_, n := utf8.DecodeRuneInString(out[b:])
		b += n
	}
	for i := len(t.segs) - 1; i >= 0; i-- {
		if s := t.segs[i]; b >= s.out {
			if s.exact && b-s.out <= s.n {
				return s.src + (b - s.out), b-s.out < s.n
			}
			return s.src, false
		}
	}
	return 0, false
}

// within is the span of x.Text[start:end], its line and column counted
// from x's own position.
func within(x *ast.Expr, start, end int) source.Span {
	return source.Span{File: x.At.File, Start: advance(x.At.Start, x.Text[:start]), End: advance(x.At.Start, x.Text[:end])}
}

func advance(p source.Pos, text string) source.Pos {
	p.Offset += len(text)
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		p.Line += strings.Count(text, "\n")
		p.Col = 1 + utf8.RuneCountInString(text[i+1:])
		return p
	}
	p.Col += utf8.RuneCountInString(text)
	return p
}
