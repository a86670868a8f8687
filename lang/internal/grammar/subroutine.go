package grammar

import plexer "github.com/alecthomas/participle/v2/lexer"

// Do is `do HANDLER`: run a handler as a subroutine.
type Do struct {
	Handler *Ident `parser:"\"do\" @@"`
}

// Return is `return`. A value after it is parsed so the checker can say
// that return takes none.
type Return struct {
	Kw    string `parser:"@\"return\""`
	Value *Expr  `parser:"@@?"`
}

// On is `on OUTCOME { … }`: steps that run when a capture's tries are spent
// with that outcome.
type On struct {
	Pos     plexer.Position
	Outcome *Ident `parser:"\"on\" @@"`
	Body    *Block `parser:"@@"`
}
