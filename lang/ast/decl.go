package ast

import "github.com/callflow/callflow/lang/source"

// Decl is a top-level declaration.
type Decl interface {
	Node
	decl()
}

// Target is `target P[, P…]`.
type Target struct {
	Base
	Platforms []*Ident
}

// Number is `number "E164"[, …]`.
type Number struct {
	Base
	Numbers []*Expr
}

// Voice is `voice "profile"`, the file's default TTS voice.
type Voice struct {
	Base
	Value *Expr
}

// Speed is `speed N`, the file's default TTS speed.
type Speed struct {
	Base
	Value *Expr
}

// Const is `const NAME = EXPR`.
type Const struct {
	Base
	Name  *Ident
	Value *Expr
}

// Table is `table NAME from "file"`.
type Table struct {
	Base
	Name *Ident
	Path *Expr // a string literal
}

// Lookup is `lookup NAME = get "URL" [timeout D] [cache D] else EXPR`, or
// its block form `lookup NAME = get "URL" { header NAME VALUE  timeout D
// cache D  else EXPR }`.
type Lookup struct {
	Base
	Name    *Ident
	URL     *Expr
	Timeout *Duration // nil means the default
	Cache   *Duration // how long an answer is kept across calls; nil: not kept
	Else    *Expr     // nil is an error the checker reports
	Headers []*Header
	// Options is the block form as written, for the formatter; nil for the
	// one-line form. Timeout, Cache, Else and Headers are read from it.
	Options []*Option
	Close   source.Span // the block's closing brace
}

// Hours is `hours NAME "SPEC" tz "IANA" [except "DATE[..DATE]", …]`.
type Hours struct {
	Base
	Name   *Ident
	Spec   *Expr // string literals
	TZ     *Expr
	Except []*Expr
}

// Rule is `when EXPR -> HANDLER`, or `otherwise -> HANDLER` when Cond is nil.
type Rule struct {
	Base
	Cond    *Expr
	Handler *Ident
}

// Handler is `handler NAME { STEPS }`.
type Handler struct {
	Base
	Name *Ident
	Body *Block
}

// Test is `test "NAME" { … }`.
type Test struct {
	Base
	Name  *Expr // a string literal
	Stmts []TestStmt
	Close source.Span // the closing brace
}

func (*Target) decl()  {}
func (*Number) decl()  {}
func (*Voice) decl()   {}
func (*Speed) decl()   {}
func (*Const) decl()   {}
func (*Table) decl()   {}
func (*Lookup) decl()  {}
func (*Hours) decl()   {}
func (*Rule) decl()    {}
func (*Handler) decl() {}
func (*Test) decl()    {}
