package parser

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// statementWords are what a line may start with; a near miss gets a
// did-you-mean.
var statementWords = []string{
	"flow", "target", "number", "voice", "speed", "const", "table", "lookup", "hours",
	"when", "otherwise", "handler", "test",
	"say", "play", "capture", "makeCall", "agent", "ivr", "set", "hangup", "goto",
	"if", "switch", "callback", "campaign", "do", "return",
	"call", "given", "press", "expect",
}

func unexpected(f *source.File, t plexer.Token, expect string) *diag.Diagnostic {
	at := span(f, t)
	if t.Type == lexer.Newline || t.EOF() {
		at = f.Span(t.Pos.Offset, t.Pos.Offset)
	}
	found := describe(t)
	d := diag.Errorf(diag.Syntax, at, "unexpected %s", found)
	if expect != "" {
		d.Summary = fmt.Sprintf("expected %s, found %s", readable(expect), found)
	}
	d.Do("Fix the syntax at this position; docs/language.md shows each statement's form.")
	if t.Type == lexer.Ident && lexer.IsKeyword(t.Value) && readable(expect) == "an expression" {
		// A keyword where a value must stand is a keyword used as a name.
		return diag.Errorf(diag.ReservedWord, at, "%q is a keyword and cannot name a variable", t.Value).
			Do("Rename the variable, such as %q, where it is set and where it is read.", t.Value+"_variable")
	}
	if t.Type == lexer.Ident && !lexer.IsKeyword(t.Value) {
		if s := suggest.Nearest(t.Value, statementWords); s != "" {
			d.Summary = fmt.Sprintf("unknown statement %q", t.Value)
			d.Maybe(s)
		}
	}
	return d
}

func describe(t plexer.Token) string {
	switch {
	case t.EOF():
		return "end of file"
	case t.Type == lexer.Newline:
		return "end of line"
	case t.Type == lexer.String:
		return "string " + t.Value
	case t.Type == lexer.Ident && lexer.IsKeyword(t.Value):
		return fmt.Sprintf("keyword %q", t.Value)
	}
	return fmt.Sprintf("%q", t.Value)
}

// expectation is what participle expected at an unexpected token. Its
// Expect field stays empty in participle v2: the expectation only shows in
// Message, as " (expected X Y …)" naming the rest of the sequence; the first
// element is what should have come next.
func expectation(ute *participle.UnexpectedTokenError) string {
	if ute.Expect != "" {
		return ute.Expect
	}
	msg := ute.Message()
	i := strings.LastIndex(msg, " (expected ")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return ""
	}
	rest := msg[i+len(" (expected ") : len(msg)-1]
	if strings.HasPrefix(rest, `"`) {
		if j := strings.Index(rest[1:], `"`); j >= 0 {
			return rest[:j+2]
		}
	}
	if j := strings.IndexAny(rest, " ()|*?"); j > 0 {
		rest = rest[:j]
	}
	return rest
}

// readable turns participle's expectation ("<ident>", "Newline") into words.
func readable(expect string) string {
	r := strings.NewReplacer("<ident>", "a name", "<newline>", "end of line", "Newline", "end of line",
		"<string>", "a string", "<int>", "an integer", "<duration>", "a duration", "<eof>", "end of file", "EOF", "end of file")
	// Grammar node names, as participle prints them.
	switch expect {
	case "Ident":
		return "a name"
	case "Expr", "Arg":
		return "an expression"
	case "Str":
		return "a string"
	case "Int":
		return "an integer"
	case "Dur":
		return "a duration"
	case "Brace":
		return `"}"`
	case "Block", "OptBlock":
		return `"{"`
	}
	return r.Replace(expect)
}
