package lexer

// TextOf is the text l's tokens are sliced from.
func TextOf(l *Lexed) string { return l.text }
