// Package ast declares the syntax tree of a .flow file. The tree is designed
// by hand, separate from the parser's grammar structs, so the checker, the
// formatter and the runtime's tools share one stable model. Every node carries
// the exact span of its source.
//
// Expressions are kept as their source text: expr-lang parses and checks them
// (see package exprs), so the tree does not model their insides.
package ast

import "github.com/callflow/callflow/lang/source"

// Node is any syntax tree node.
type Node interface {
	Span() source.Span
}

// Base holds a node's span; every node embeds it.
type Base struct {
	At source.Span
}

// Span returns the node's source range.
func (b *Base) Span() source.Span { return b.At }

// File is one parsed .flow file.
type File struct {
	Base
	Name     string      // file name as given to the parser
	Flow     *Ident      // the name after `flow`
	Version  int         // 1 unless `version N` says otherwise
	VerAt    source.Span // the version number, when written
	Decls    []Decl      // declarations in source order
	Comments []*Comment  // every comment, in source order
	// Partial says syntax errors left parts of the source out of the
	// tree: what is absent (a hangup, a goto) may have been written.
	Partial bool
	// Lost are the names declared by statements left out that way.
	Lost []*Lost
}

// Lost is a name a statement declares that the parser skipped for a syntax
// error. The checker takes it as declared, its type unknown, so its uses
// are not reported as unknown names while the statement is broken.
type Lost struct {
	Keyword string // const, table, lookup, hours, handler, set, capture or into (a post's)
	Name    *Ident
}

// Comment is a `#` comment; Text includes the `#`.
type Comment struct {
	Base
	Text string
}

// Ident is a name.
type Ident struct {
	Base
	Name string
}

// Expr is an expression as written, checked and compiled by expr-lang. A
// string literal with ${…} interpolation is an expression too.
type Expr struct {
	Base
	Text string
}

// Duration is a literal such as 1500ms or 10s; Millis is its value, or -1
// when it is too long (the parser has reported it).
type Duration struct {
	Base
	Text   string
	Millis int64
}

// Range is a digit range such as 4..10.
type Range struct {
	Base
	Min, Max int
}
