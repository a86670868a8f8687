// Package grammar is the concrete syntax of .flow files as participle
// struct-tag grammar. It is internal: package parser lowers these structs into
// the hand-designed tree of package ast, so participle never leaks out.
//
// Statements end at a newline or `;`. The grammar lets one statement follow
// another directly; the parser then reports the missing separator at the exact
// token, which participle's lookahead errors could not.
package grammar

import (
	plexer "github.com/alecthomas/participle/v2/lexer"
)

// File is a whole .flow file.
type File struct {
	Pos     plexer.Position
	Flow    *Ident  `parser:"(Newline | \";\")* \"flow\" @@"`
	Version *Int    `parser:"( \"version\" @@ )? (?= Newline | \";\" | EOF)"`
	Decls   []*Decl `parser:"( Newline | \";\" | @@ )*"`
}

// Decl is one top-level declaration.
type Decl struct {
	Pos       plexer.Position
	Target    *Target    `parser:"  @@"`
	Number    *Number    `parser:"| @@"`
	Voice     *Voice     `parser:"| @@"`
	Speed     *Speed     `parser:"| @@"`
	Const     *Const     `parser:"| @@"`
	Table     *Table     `parser:"| @@"`
	Lookup    *Lookup    `parser:"| @@"`
	Hours     *Hours     `parser:"| @@"`
	Rule      *Rule      `parser:"| @@"`
	Otherwise *Otherwise `parser:"| @@"`
	Handler   *Handler   `parser:"| @@"`
	Test      *Test      `parser:"| @@"`
}

type Target struct {
	Platforms []*Ident `parser:"\"target\" @@ ( \",\" @@ )*"`
}

type Number struct {
	Numbers []*Expr `parser:"\"number\" @@ ( \",\" @@ )*"`
}

type Voice struct {
	Value *Expr `parser:"\"voice\" @@"`
}

type Speed struct {
	Value *Expr `parser:"\"speed\" @@"`
}

type Const struct {
	Name  *Ident `parser:"\"const\" @@ \"=\""`
	Value *Expr  `parser:"@@"`
}

type Table struct {
	Name *Ident `parser:"\"table\" @@ \"from\""`
	Path *Str   `parser:"@@"`
}

type Lookup struct {
	Name    *Ident `parser:"\"lookup\" @@ \"=\" \"get\""`
	URL     *Expr  `parser:"@@"`
	Timeout *Dur   `parser:"( \"timeout\" @@ )?"`
	Cache   *Dur   `parser:"( \"cache\" @@ )?"`
	Else    *Expr  `parser:"( \"else\" @@ )?"`
	// Opts is the block form: timeout, cache, else and header as options.
	Opts *OptBlock `parser:"@@?"`
}

type Hours struct {
	Name   *Ident `parser:"\"hours\" @@"`
	Spec   *Str   `parser:"@@"`
	TZ     *Str   `parser:"\"tz\" @@"`
	Except []*Str `parser:"( \"except\" @@ ( \",\" @@ )* )?"`
}

type Rule struct {
	Cond    *Expr  `parser:"\"when\" @@ \"->\""`
	Handler *Ident `parser:"@@"`
}

type Otherwise struct {
	Handler *Ident `parser:"\"otherwise\" \"->\" @@"`
}

type Handler struct {
	Name *Ident `parser:"\"handler\" @@"`
	Body *Block `parser:"@@"`
}

// Block is a braced list of steps.
type Block struct {
	Pos   plexer.Position
	Steps []*Step `parser:"\"{\" ( Newline | \";\" | @@ )*"`
	Close *Brace  `parser:"@@"`
}

// Brace records where a block closes.
type Brace struct {
	Pos plexer.Position
	V   string `parser:"@\"}\""`
}

// Ident is a name; keywords lex as names too and are rejected by the parser
// where a free name is wanted.
type Ident struct {
	Pos  plexer.Position
	Name string `parser:"@Ident"`
}

// Int is an integer literal.
type Int struct {
	Pos   plexer.Position
	Value string `parser:"@Int"`
}

// Str is a string literal where only a literal may stand.
type Str struct {
	Pos   plexer.Position
	Value string `parser:"@String"`
}

// Dur is a duration literal.
type Dur struct {
	Pos  plexer.Position
	Text string `parser:"@Duration"`
}
