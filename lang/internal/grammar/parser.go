package grammar

import (
	"github.com/alecthomas/participle/v2"

	"github.com/callflow/callflow/lang/lexer"
)

// Parser is built once; participle parsers are safe for concurrent use.
var Parser = participle.MustBuild[File](
	participle.Lexer(lexer.Definition),
	participle.Elide("Comment"),
)
