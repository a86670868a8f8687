package check

import (
	"net/http"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
)

// headerOption is `header NAME VALUE`, any number of times.
var headerOption = optSpec{arg: argString, many: true, pair: true}

var lookupBlockOptions = map[string]optSpec{
	"header": headerOption, "timeout": {arg: argDuration}, "cache": {arg: argDuration}, "else": {arg: argAny},
}

var postOptions = map[string]optSpec{
	"json": {arg: argAny}, "header": headerOption, "timeout": {arg: argDuration},
	"into": {arg: argVar}, "else": {arg: argAny},
}

// ownHeaders are the headers callflow sets on every lookup or post: a flow
// that set them too would send a request the receiver reads two ways.
var ownHeaders = []string{"Accept", "Content-Type", "Content-Length", "Host", "Idempotency-Key", "Transfer-Encoding", "Connection"}

// headers checks each header's name (a string literal, an HTTP token, not
// one callflow sets, not given twice) and compiles its value, the one
// place a secret may stand.
func (c *checker) headers(hs []*ast.Header) {
	seen := map[string]*ast.Header{}
	for _, h := range hs {
		c.inHeader = true
		c.expect(h.Value, wantString, "a header value")
		c.inHeader = false
		name, ok := c.info.Values[h.Name].(string)
		if !ok || !strings.HasPrefix(h.Name.Text, `"`) || strings.Contains(h.Name.Text, "${") {
			c.report(diag.Errorf(diag.BadHeader, h.Name.At, "a header name must be a string literal").
				Do("Write the name in quotes, such as \"Authorization\"."))
			continue
		}
		if !isToken(name) {
			c.report(diag.Errorf(diag.BadHeader, h.Name.At, "header name %q is not an HTTP token", name).
				Do("Use letters, digits and - only, such as \"X-Customer-Id\".").Maybe(tokenOf(name)))
			continue
		}
		key := http.CanonicalHeaderKey(name)
		for _, own := range ownHeaders {
			if key == own {
				c.report(diag.Errorf(diag.BadHeader, h.Name.At, "callflow sets the %s header itself", own).
					Do("Remove this header: lookups send Accept: application/json, posts a JSON body and an Idempotency-Key."))
			}
		}
		if first := seen[key]; first != nil {
			c.report(diag.Errorf(diag.BadHeader, h.Name.At, "header %q is given twice", name).
				Do("Keep one.").Also(first.Name.At, "first given here"))
		}
		seen[key] = h
	}
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0) {
			return false
		}
	}
	return true
}

// tokenOf is s with spaces and underscores as hyphens and other characters
// dropped: "X Customer" means "X-Customer".
func tokenOf(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == ' ' || r == '_':
			b.WriteByte('-')
		case r < 128 && isToken(string(r)):
			b.WriteRune(r)
		}
	}
	if out := b.String(); isToken(out) {
		return out
	}
	return ""
}

// secretPlace reports a secret() outside a header value: everywhere else
// its value could reach a log, a trace or a test's output.
func (c *checker) secretPlace(x *ast.Expr, cx *exprs.Compiled) {
	if len(cx.Secrets) == 0 || c.inHeader {
		return
	}
	at := x.At
	if i := strings.Index(x.Text, "secret"); i >= 0 {
		at = c.file(x.At.File).Span(x.At.Start.Offset+i, x.At.Start.Offset+i+len("secret"))
	}
	c.report(diag.Errorf(diag.SecretPlace, at, "secret() may only stand in a header value").
		Do("Send the secret in a header of a lookup or post, such as `header \"Authorization\" \"Bearer ${secret(\"CRM_TOKEN\")}\"`; callflow never logs or traces header values."))
}

// postRules checks a post's URL scheme, its timeout against every
// target's budget, and that into comes with else.
func (c *checker) postRules(p *ast.Post) {
	if u := strings.TrimLeft(p.URL.Text, "\"`"); !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		c.report(diag.Errorf(diag.BadPost, p.URL.At, "a post must use an http:// or https:// URL").
			Do("Write the URL as a string starting with https://."))
	}
	c.httpTimeout(diag.BadPost, "post", p.Timeout, p)
	into, els := findOption(p.Options, "into"), findOption(p.Options, "else")
	switch {
	case into != nil && els == nil:
		c.report(diag.Errorf(diag.BadPost, into.Name.At, "post has into without else").
			Do("Add `else VALUE`: %s holds it when the post times out, fails or answers bad JSON.", optionText(into)))
	case els != nil && into == nil:
		c.report(diag.Errorf(diag.BadPost, els.Name.At, "post has else without into").
			Do("Add `into VAR` to keep the answer, or remove else."))
	}
}

func optionText(o *ast.Option) string {
	if len(o.Args) > 0 {
		switch a := o.Args[0].(type) {
		case *ast.Ident:
			return a.Name
		case *ast.Expr:
			return a.Text
		}
	}
	return "the variable"
}

// isVarName reports whether s is a plain name.
func isVarName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
			return false
		}
	}
	return true
}
