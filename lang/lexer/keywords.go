package lexer

// keywords are reserved: they cannot name variables, consts, tables, lookups,
// hours or handlers, and an expression ends where one begins. Option words
// inside capture and campaign blocks (prompt, digits, noinput, script, …),
// `on` and the outcome names after it are not here: they are keywords only
// in that position, so `set noinput = 1` is a variable.
var keywords = map[string]bool{
	"flow": true, "target": true, "number": true, "voice": true, "const": true,
	"table": true, "from": true, "lookup": true, "get": true, "timeout": true,
	"else": true, "hours": true, "tz": true, "except": true, "when": true,
	"otherwise": true, "handler": true, "say": true, "play": true, "capture": true,
	"makeCall": true, "record": true, "agent": true, "ivr": true, "set": true,
	"hangup": true, "goto": true, "if": true, "switch": true, "case": true,
	"callback": true, "leg": true, "campaign": true, "contact": true, "test": true,
	"call": true, "at": true, "given": true, "expect": true, "press": true,
	// Step words of language.md section 8.
	"do": true, "return": true, "post": true, "pause": true,
}

// IsKeyword reports whether name is a reserved word.
func IsKeyword(name string) bool { return keywords[name] }

// Keywords lists the reserved words, for did-you-mean and documentation.
func Keywords() []string {
	out := make([]string, 0, len(keywords))
	for k := range keywords {
		out = append(out, k)
	}
	return out
}

// operatorWords are expr-lang's word operators: they continue an expression
// where any other word after a complete operand ends it.
var operatorWords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "matches": true,
	"contains": true, "startsWith": true, "endsWith": true,
}

// IsOperatorWord reports whether name is one of expr-lang's word operators.
func IsOperatorWord(name string) bool { return operatorWords[name] }
