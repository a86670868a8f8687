package grammar

import plexer "github.com/alecthomas/participle/v2/lexer"

type Test struct {
	Name  *Str        `"test" @@ "{"`
	Stmts []*TestStmt `( Newline | ";" | @@ )*`
	Close *Brace      `@@`
}

// TestStmt is one statement of a test block.
type TestStmt struct {
	Pos    plexer.Position
	Call   *Call   `  @@`
	Given  *Given  `| @@`
	Press  *Press  `| @@`
	Expect *Expect `| @@`
}

type Call struct {
	Platform *Ident `"call" @@`
	From     *Expr  `"from" @@`
	To       *Expr  `"to" @@`
	At       *Expr  `( "at" @@ )?`
	Data     *Expr  `( "data" @@ )?`
}

type Given struct {
	Name  *Ident `"given" @@ "="`
	Value *Expr  `@@`
}

type Press struct {
	Digits *Expr `"press" @@`
}

type Expect struct {
	What *ExpectWhat `"expect" @@`
}

// ExpectWhat is `var NAME == EXPR` or an expected step.
type ExpectWhat struct {
	Var  *ExpectVar  `  @@`
	Step *ExpectStep `| @@`
}

type ExpectVar struct {
	Name  *Ident `"var" @@ "=="`
	Value *Expr  `@@`
}

type ExpectStep struct {
	Kind   *Ident  `@@`
	Args   []*Expr `( @@ ( "," @@ )* )?`
	From   *Expr   `( "from" @@ )?`
	Record bool    `@"record"?`
	Legs   []*Leg  `@@*`
}
