package ast

import (
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/source"
)

// Header is `header NAME VALUE` in a lookup or post block: a view of the
// header option (its first argument and its value), not a node of its own,
// so walking the options meets each expression once.
type Header struct {
	Name  *Expr // a string literal
	Value *Expr
}

// Post is `post URL { json EXPR  header NAME VALUE  timeout D  into VAR
// else EXPR }`: a JSON POST sent while the webhook is answered.
type Post struct {
	Base
	URL     *Expr
	JSON    *Expr // nil: an empty object
	Headers []*Header
	Timeout *Duration // nil means the default
	Into    *Ident    // nil: the answer is not kept
	Else    *Expr     // required with Into
	Options []*Option // as written, for the formatter
	Close   source.Span
}

func (*Post) step() {}

// URLPrefix is what a URL written as src (a post's or lookup's, as the
// source has it) is known to be before the call: all of it (whole) for a
// string without ${…}, the text before its first ${…}, or "" for a URL
// built otherwise (a const, a +), which may be anything.
func URLPrefix(src string) (prefix string, whole bool) {
	lit, err := strconv.Unquote(strings.TrimSpace(src))
	if err != nil {
		return "", false
	}
	if i := strings.Index(lit, "${"); i >= 0 {
		return lit[:i], false
	}
	return lit, true
}

// URLPrefixes sorts the URLs written as srcs by URLPrefix: those known
// whole (exact), and the prefixes of the others.
func URLPrefixes(srcs []string) (exact, prefixes []string) {
	for _, src := range srcs {
		if u, whole := URLPrefix(src); whole {
			exact = append(exact, u)
		} else {
			prefixes = append(prefixes, u)
		}
	}
	return exact, prefixes
}
