package check

import (
	"slices"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/source"
)

// givenPost checks `given post "URL" = VALUE`: a URL that no post of the
// flow can send to would never answer anything, and the test would use
// the post's else value without a word. A post whose URL is computed
// counts by the text before its first ${…}.
func (c *checker) givenPost(s *ast.Given) {
	c.expect(s.Post, wantString, "a post URL")
	c.compile(s.Value)
	c.postSendsTo(s.Post, "given post", "remove the given, or stub a lookup with `given NAME = …`")
}

// postSendsTo reports a test's URL (of a `given post` or an `expect post`,
// what) that no post step of the flow can send to; without any post step,
// none says what to do instead. A URL not known when checking is left to
// the test run.
func (c *checker) postSendsTo(x *ast.Expr, what, none string) {
	url, ok := c.info.Values[x].(string)
	if !ok {
		return
	}
	exact, prefixes := c.postURLs()
	if d := UnknownPost(x.At, what, url, exact, prefixes, none); d != nil {
		c.report(d)
	}
}

// UnknownPost is the error for a stub or expectation (what) of a post to
// url that none of the flow's posts can send to, given their URLs as
// ast.URLPrefix tells them (exact, and prefixes of those with ${…}); nil
// when one can. When the flow has no post at all, none ("" for nothing)
// says what to do instead. A test's `given post` and `expect post` and
// `callflow run --given-post` report it alike.
func UnknownPost(at source.Span, what, url string, exact, prefixes []string, none string) *diag.Diagnostic {
	if slices.Contains(exact, url) {
		return nil
	}
	for _, p := range prefixes {
		if strings.HasPrefix(url, p) {
			return nil
		}
	}
	d := diag.Errorf(diag.UnknownName, at, "%s %q: no post of the flow sends to this URL", what, url)
	if len(exact)+len(prefixes) == 0 {
		if none == "" {
			return d.Do("The flow has no post step.")
		}
		return d.Do("The flow has no post step; %s.", none)
	}
	return d.Do("Give the URL exactly as the post sends it.").Maybe(suggest.Nearest(url, exact))
}

// postURLs are the URLs of the flow's post steps, as ast.URLPrefixes
// tells them.
func (c *checker) postURLs() (exact, prefixes []string) {
	var srcs []string
	for _, h := range c.handlers {
		c.walkSteps(h.Body, func(s ast.Step) {
			if p, ok := s.(*ast.Post); ok && p.URL != nil {
				srcs = append(srcs, p.URL.Text)
			}
		})
	}
	return ast.URLPrefixes(srcs)
}
