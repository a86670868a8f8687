package grammar

import plexer "github.com/alecthomas/participle/v2/lexer"

type Test struct {
	Name  *Str        `parser:"\"test\" @@ \"{\""`
	Stmts []*TestStmt `parser:"( Newline | \";\" | @@ )*"`
	Close *Brace      `parser:"@@"`
}

// TestStmt is one statement of a test block.
type TestStmt struct {
	Pos    plexer.Position
	Call   *Call   `parser:"  @@"`
	Given  *Given  `parser:"| @@"`
	Press  *Press  `parser:"| @@"`
	Expect *Expect `parser:"| @@"`
	// dial and recorded are keywords only at the start of a test
	// statement.
	Dial     *Dial     `parser:"| @@"`
	Recorded *Recorded `parser:"| @@"`
}

// Dial is `dial OUTCOME`: the bridged call of the waiting makeCall ended so.
type Dial struct {
	Outcome *Ident `parser:"\"dial\" @@"`
}

// Recorded is `recorded URL`: the waiting record finished with this URL.
type Recorded struct {
	URL *Expr `parser:"\"recorded\" @@"`
}

type Call struct {
	Platform *Ident `parser:"\"call\" @@"`
	From     *Expr  `parser:"\"from\" @@"`
	To       *Expr  `parser:"\"to\" @@"`
	At       *Expr  `parser:"( \"at\" @@ )?"`
	Data     *Expr  `parser:"( \"data\" @@ )?"`
}

// Given is `given NAME = EXPR`, `given secret NAME = EXPR` or
// `given post "URL" = EXPR`.
type Given struct {
	Secret *Ident `parser:"\"given\" ( \"secret\" @@ \"=\""`
	Post   *Str   `parser:"  | \"post\" @@ \"=\""`
	Name   *Ident `parser:"  | @@ \"=\" )"`
	Value  *Expr  `parser:"@@"`
}

type Press struct {
	Digits *Expr `parser:"\"press\" @@"`
}

type Expect struct {
	What *ExpectWhat `parser:"\"expect\" @@"`
}

// ExpectWhat is `var NAME == EXPR` or an expected step.
type ExpectWhat struct {
	Var  *ExpectVar  `parser:"  @@"`
	Step *ExpectStep `parser:"| @@"`
}

type ExpectVar struct {
	Name  *Ident `parser:"\"var\" @@ \"==\""`
	Value *Expr  `parser:"@@"`
}

type ExpectStep struct {
	Kind   *Ident  `parser:"@@"`
	Post   bool    `parser:"@\"post\"?"` // expect no post
	Args   []*Expr `parser:"( @@ ( \",\" @@ )* )?"`
	Fields *Expr   `parser:"@@?"` // expect campaign "NAME" {FIELDS}: the map after the name
	From   *Expr   `parser:"( \"from\" @@ )?"`
	Record bool    `parser:"@\"record\"?"`
	Legs   []*Leg  `parser:"@@*"`
}
