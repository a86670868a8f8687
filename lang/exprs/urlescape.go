package exprs

import (
	"net/url"
	"strings"

	"github.com/expr-lang/expr"
)

// urlQueryFunc query-escapes an interpolated value, for the query string and
// fragment of a lookup URL; urlFunc path-escapes it, for the rest.
const urlQueryFunc = "__urlquery"

// urlFunctions are the escapers of lookup URL interpolations, registered
// with the other functions.
var urlFunctions = []expr.Option{
	expr.Function(urlQueryFunc, func(p ...any) (any, error) {
		return QueryEscape(Text(p[0])), nil
	}, new(func(any) string)),
}

// QueryEscape escapes s to stand as one value in a query string: every
// reserved character (`&`, `=`, `+`, `#`, `/`, `?`, …) is percent-encoded,
// and a space is %20, which servers read as a space whether they decode
// the query as a form (where `+` is a space) or as RFC 3986 (where it is not).
func QueryEscape(s string) string {
	q := url.QueryEscape(s)
	if !strings.Contains(q, "+") {
		return q
	}
	return strings.ReplaceAll(q, "+", "%20") // QueryEscape wrote a literal + as %2B
}

// urlPart is where in a URL a point of its template stands.
type urlPart uint8

const (
	urlUnknown   urlPart = iota // not after a literal scheme: escaped as strictly as a query value
	urlAuthority                // after "scheme://", before the path
	urlPath
	urlQuery
	urlFragment
)

// escaper is the function an interpolation standing at p goes through:
// path escaping where a `/` must not be taken for a path separator (the
// authority keeps what a host and port need, `:`), query escaping where
// `&`, `=` and `+` mean something too.
func (p urlPart) escaper() string {
	switch p {
	case urlAuthority, urlPath:
		return urlFunc
	}
	return urlQueryFunc
}

// advance returns where the URL stands after the literal text s, which
// followed a point at p. A string literal starting with a scheme
// (`https://`, literalStart) starts a URL afresh, so each arm of
// `cond ? "https://a/${x}" : "https://b/${y}"` is read on its own.
func (p urlPart) advance(s string, literalStart bool) urlPart {
	if rest, ok := cutScheme(s); ok && literalStart {
		p, s = urlAuthority, rest
	}
	for i := 0; i < len(s) && p != urlFragment; i++ {
		switch c := s[i]; {
		case c == '#':
			p = urlFragment
		case c == '?' && p != urlQuery:
			p = urlQuery
		case c == '/' && p == urlAuthority:
			p = urlPath
		}
	}
	return p
}

// cutScheme returns s after its leading "scheme://", if it has one.
func cutScheme(s string) (string, bool) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || scheme == "" {
		return s, false
	}
	for i, c := range scheme {
		letter := (c|0x20) >= 'a' && (c|0x20) <= 'z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return s, false
		}
	}
	return rest, true
}
