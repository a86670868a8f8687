package ast

import "strings"

// TestStmt is one statement of a test block.
type TestStmt interface {
	Node
	testStmt()
}

// Call is `call P from N to N [at TIME] [data EXPR]`.
type Call struct {
	Base
	Platform *Ident
	From, To *Expr
	At, Data *Expr // nil when absent
}

// Given is `given NAME = EXPR` (a lookup or table row), `given secret
// NAME = EXPR` (Secret) or `given post "URL" = EXPR` (Post, the URL as a
// string literal; Name is nil).
type Given struct {
	Base
	Name   *Ident
	Value  *Expr
	Secret bool
	Post   *Expr
}

// Press is `press "DIGITS"`.
type Press struct {
	Base
	Digits *Expr
}

// Expect is `expect KIND [post] [ARGS] [FIELDS] [from EXPR] [record] [legs]`, or
// `expect var NAME == EXPR` when Var is set.
type Expect struct {
	Base
	Kind   *Ident // say, play, capture, makeCall, agent, ivr, hangup, callback, campaign, json, var, post, no, …
	Post   bool   // the word post after the kind: `expect no post`
	Var    *Ident // for `expect var`
	Args   []*Expr
	Fields *Expr // campaign and post: a map of the fields to match after the name or URL; nil when absent
	From   *Expr
	Record bool
	Legs   []*Leg
}

// Dial is `dial OUTCOME`: the platform reports that the bridged call of
// the makeCall the call waits at ended with OUTCOME (busy, noanswer,
// failed, completed).
type Dial struct {
	Base
	Outcome *Ident
}

// Recorded is `recorded URL`: the platform reports that the record the
// call waits at finished, its recording at URL ("" for none).
type Recorded struct {
	Base
	URL *Expr
}

func (*Dial) testStmt()     {}
func (*Recorded) testStmt() {}
func (*Call) testStmt()     {}
func (*Given) testStmt()    {}
func (*Press) testStmt()    {}
func (*Expect) testStmt()   {}

// PostParts are the URL and the fields of `expect post ["URL"] [{FIELDS}]`,
// each nil when absent: a map written alone after `expect post` is the
// fields, not a URL.
func (e *Expect) PostParts() (url, fields *Expr) {
	url, fields = nil, e.Fields
	if len(e.Args) > 0 {
		url = e.Args[0]
	}
	if fields == nil && url != nil && strings.HasPrefix(strings.TrimSpace(url.Text), "{") {
		url, fields = nil, url
	}
	return url, fields
}
