package grammar

import (
	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/lexer"
)

// Expr is an expression: a run of tokens that expr-lang will parse. The run
// ends, at bracket depth 0, at a newline, `;`, `,`, `->`, a closing bracket,
// a reserved keyword, a `{` after the first token (the block of if, switch or
// contact), or a second operand after a complete one (`say "hi" speed 0.9`:
// two operands side by side are never one expression). Inside brackets
// newlines are free.
type Expr struct {
	Pos      plexer.Position
	End      plexer.Position // just after the last token
	HasToken bool
}

// Parse implements participle.Parseable.
func (e *Expr) Parse(lex *plexer.PeekingLexer) error {
	depth := 0
	afterOperand := false
	var first, last *plexer.Token
	for {
		t := lex.Peek()
		if t.EOF() {
			break
		}
		if t.Type == lexer.Mended {
			// A bracket the source lacks: it may end a block around the
			// expression, but not close one the expression opened, whose
			// text would not hold it.
			if depth > 0 {
				return participle.Errorf(t.Pos, "expression not closed: a bracket opened in it is never closed")
			}
			break
		}
		// After "." or "?." a word is a field name, even a keyword: data.from.
		field := t.Type == lexer.Ident && last != nil && last.Type == lexer.Punct && (last.Value == "." || last.Value == "?.")
		// A keyword where an operand must come (after an operator, or
		// first and followed by one: `when == "1"`) is a keyword used as a
		// name; it is kept, so the checker reports the name where it was
		// declared, or here, rather than a syntax error at the statement.
		operand := depth == 0 && !field && !afterOperand && t.Type == lexer.Ident && lexer.IsKeyword(t.Value) &&
			(last != nil || continuesAfter(lex))
		if depth == 0 && !field && !operand && endsExpr(t, last != nil, afterOperand) {
			break
		}
		switch {
		case t.Type == lexer.Punct && isOpen(t.Value):
			depth++
		case t.Type == lexer.Punct && isClose(t.Value):
			depth--
		}
		if t.Type != lexer.Newline {
			afterOperand = endsOperand(t)
			if first == nil {
				first = t
			}
			last = t
		}
		lex.Next()
	}
	if last == nil {
		return participle.NextMatch
	}
	if depth > 0 {
		return participle.Errorf(lex.Peek().Pos, "expression not closed: a bracket opened in it is never closed")
	}
	e.Pos = first.Pos
	e.End = last.Pos
	e.End.Offset += len(last.Value)
	e.End.Column += runeCount(last.Value)
	e.HasToken = true
	return nil
}

// continuesAfter reports whether the token after the next one continues an
// expression: a binary operator, a field, an index or a call.
func continuesAfter(lex *plexer.PeekingLexer) bool {
	cp := lex.MakeCheckpoint()
	defer lex.LoadCheckpoint(cp)
	lex.Next()
	t := lex.Peek()
	switch t.Type {
	case lexer.Punct:
		switch t.Value {
		case ",", ";", "->", ")", "]", "}", "{":
			return false
		}
		return true
	case lexer.Ident:
		return lexer.IsOperatorWord(t.Value) && t.Value != "not"
	}
	return false
}

func endsExpr(t *plexer.Token, started, afterOperand bool) bool {
	switch t.Type {
	case lexer.Newline, lexer.Duration:
		return true
	case lexer.Punct:
		switch t.Value {
		case ";", ",", "->", ")", "]", "}":
			return true
		case "{":
			return started
		}
		return false
	case lexer.Ident:
		if lexer.IsKeyword(t.Value) {
			return true
		}
		return afterOperand && !lexer.IsOperatorWord(t.Value)
	}
	// Int, Float, String after a complete operand start a new value.
	return afterOperand
}

func endsOperand(t *plexer.Token) bool {
	switch t.Type {
	case lexer.Ident:
		return !lexer.IsOperatorWord(t.Value)
	case lexer.Int, lexer.Float, lexer.String, lexer.Range:
		return true
	case lexer.Punct:
		return t.Value == ")" || t.Value == "]" || t.Value == "}"
	}
	return false
}

func isOpen(v string) bool  { return v == "(" || v == "[" || v == "{" }
func isClose(v string) bool { return v == ")" || v == "]" || v == "}" }
