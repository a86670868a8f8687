package parser

import (
	"fmt"
	"strings"

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
	"if", "switch", "callback", "campaign",
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

// readable turns participle's expectation ("<ident>", "Newline") into words.
func readable(expect string) string {
	r := strings.NewReplacer("<ident>", "a name", "<newline>", "end of line", "Newline", "end of line",
		"<string>", "a string", "<int>", "an integer", "<duration>", "a duration", "<eof>", "end of file", "EOF", "end of file")
	return r.Replace(expect)
}
