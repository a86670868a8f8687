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
	Flow    *Ident  `(Newline | ";")* "flow" @@`
	Version *Int    `( "version" @@ )? (?= Newline | ";" | EOF)`
	Decls   []*Decl `( Newline | ";" | @@ )*`
}

// Decl is one top-level declaration.
type Decl struct {
	Pos       plexer.Position
	Target    *Target    `  @@`
	Number    *Number    `| @@`
	Voice     *Voice     `| @@`
	Speed     *Speed     `| @@`
	Const     *Const     `| @@`
	Table     *Table     `| @@`
	Lookup    *Lookup    `| @@`
	Hours     *Hours     `| @@`
	Rule      *Rule      `| @@`
	Otherwise *Otherwise `| @@`
	Handler   *Handler   `| @@`
	Test      *Test      `| @@`
}

type Target struct {
	Platforms []*Ident `"target" @@ ( "," @@ )*`
}

type Number struct {
	Numbers []*Expr `"number" @@ ( "," @@ )*`
}

type Voice struct {
	Value *Expr `"voice" @@`
}

type Speed struct {
	Value *Expr `"speed" @@`
}

type Const struct {
	Name  *Ident `"const" @@ "="`
	Value *Expr  `@@`
}

type Table struct {
	Name *Ident `"table" @@ "from"`
	Path *Str   `@@`
}

type Lookup struct {
	Name    *Ident `"lookup" @@ "=" "get"`
	URL     *Expr  `@@`
	Timeout *Dur   `( "timeout" @@ )?`
	Else    *Expr  `( "else" @@ )?`
}

type Hours struct {
	Name   *Ident `"hours" @@`
	Spec   *Str   `@@`
	TZ     *Str   `"tz" @@`
	Except []*Str `( "except" @@ ( "," @@ )* )?`
}

type Rule struct {
	Cond    *Expr  `"when" @@ "->"`
	Handler *Ident `@@`
}

type Otherwise struct {
	Handler *Ident `"otherwise" "->" @@`
}

type Handler struct {
	Name *Ident `"handler" @@`
	Body *Block `@@`
}

// Block is a braced list of steps.
type Block struct {
	Pos   plexer.Position
	Steps []*Step `"{" ( Newline | ";" | @@ )*`
	Close *Brace  `@@`
}

// Brace records where a block closes.
type Brace struct {
	Pos plexer.Position
	V   string `@"}"`
}

// Ident is a name; keywords lex as names too and are rejected by the parser
// where a free name is wanted.
type Ident struct {
	Pos  plexer.Position
	Name string `@Ident`
}

// Int is an integer literal.
type Int struct {
	Pos   plexer.Position
	Value string `@Int`
}

// Str is a string literal where only a literal may stand.
type Str struct {
	Pos   plexer.Position
	Value string `@String`
}

// Dur is a duration literal.
type Dur struct {
	Pos  plexer.Position
	Text string `@Duration`
}
