package check

import (
	"slices"
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/internal/suggest"
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
	if slices.Contains(exact, url) {
		return
	}
	for _, p := range prefixes {
		if strings.HasPrefix(url, p) {
			return
		}
	}
	d := diag.Errorf(diag.UnknownName, x.At, "%s %q: no post of the flow sends to this URL", what, url)
	if len(exact)+len(prefixes) == 0 {
		c.report(d.Do("The flow has no post step; %s.", none))
		return
	}
	c.report(d.Do("Give the URL exactly as the post sends it.").Maybe(suggest.Nearest(url, exact)))
}

// postURLs are the URLs of the flow's post steps: exact for one written
// as a string without ${…}, and for one with ${…} the text before the
// first; a URL built otherwise (a const, a +) is the prefix "", which any
// URL may be.
func (c *checker) postURLs() (exact, prefixes []string) {
	for _, h := range c.handlers {
		c.walkSteps(h.Body, func(s ast.Step) {
			p, ok := s.(*ast.Post)
			if !ok || p.URL == nil {
				return
			}
			lit, err := strconv.Unquote(strings.TrimSpace(p.URL.Text))
			switch i := strings.Index(lit, "${"); {
			case err != nil:
				prefixes = append(prefixes, "")
			case i >= 0:
				prefixes = append(prefixes, lit[:i])
			default:
				exact = append(exact, lit)
			}
		})
	}
	return exact, prefixes
}
