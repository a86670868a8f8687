package ast

import "github.com/callflow/callflow/lang/source"

// Header is `header NAME VALUE` in a lookup or post block: a view of the
// header option (its first argument and its value), not a node of its own,
// so walking the options meets each expression once.
type Header struct {
	Name  *Expr // a string literal
	Value *Expr
}

// Post is `post URL { json EXPR  header NAME VALUE  timeout D  into VAR
// else EXPR }`: a JSON POST sent while the webhook is answered.
type Post struct {
	Base
	URL     *Expr
	JSON    *Expr // nil: an empty object
	Headers []*Header
	Timeout *Duration // nil means the default
	Into    *Ident    // nil: the answer is not kept
	Else    *Expr     // required with Into
	Options []*Option // as written, for the formatter
	Close   source.Span
}

func (*Post) step() {}
