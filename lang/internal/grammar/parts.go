package grammar

import (
	"github.com/alecthomas/participle/v2"

	"github.com/callflow/callflow/lang/lexer"
)

// The parts of a file a recovering parser parses one by one: the header
// line, a run of declarations, a run of handler steps, a run of test
// statements. Each is the rule of the same name in File, Block and Test.

// Header is the first statement, `flow NAME [version N]`, with its end.
type Header struct {
	Flow    *Ident `parser:"( Newline | \";\" )* \"flow\" @@"`
	Version *Int   `parser:"( \"version\" @@ )? ( Newline | \";\" )?"`
}

// Decls is declarations, as in File.
type Decls struct {
	Decls []*Decl `parser:"( Newline | \";\" | @@ )*"`
}

// Steps is handler steps, as in Block.
type Steps struct {
	Steps []*Step `parser:"( Newline | \";\" | @@ )*"`
}

// TestStmts is test statements, as in Test.
type TestStmts struct {
	Stmts []*TestStmt `parser:"( Newline | \";\" | @@ )*"`
}

func build[T any]() *participle.Parser[T] {
	return participle.MustBuild[T](participle.Lexer(lexer.Definition), participle.Elide("Comment"))
}

// Parsers of the parts, built once.
var (
	HeaderParser    = build[Header]()
	DeclsParser     = build[Decls]()
	StepsParser     = build[Steps]()
	TestStmtsParser = build[TestStmts]()
)
