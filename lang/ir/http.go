package ir

import "time"

// Header is one `header NAME VALUE` of a lookup or post. Its value may
// hold a secret: nothing prints it.
type Header struct {
	Name  string // canonical form
	Value *Expr
}

// Post sends a JSON POST while the webhook is answered, at most once per
// delivery; Into, when set, is the variable that holds the JSON answer, or
// Else's value when the post fails.
type Post struct {
	Pos
	URL     *Expr // each ${…} value escaped for where it stands, as a lookup's
	JSON    *Expr // nil: an empty object
	Headers []Header
	Timeout time.Duration
	Into    string
	Else    *Expr
}
