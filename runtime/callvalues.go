package runtime

import (
	"hash/fnv"
	"strings"

	"github.com/callflow/callflow/lang/exprs"
)

// givenSecret prefixes the Request.Given keys of a test's `given secret
// NAME = …`, and givenPost those of `given post "URL" = …`: a space, so no
// lookup or table name can be one.
const (
	givenSecret = "secret "
	givenPost   = "post "
)

// GivenSecret is the Request.Given key that gives secret(name) a value.
func GivenSecret(name string) string { return givenSecret + name }

// GivenPost is the Request.Given key that answers a post to url, which is
// then not sent.
func GivenPost(url string) string { return givenPost + url }

// callValues are what random, pick, secret and env read in this webhook:
// draws seeded by the call's session and time, so a test (whose call has
// both fixed) hears the same on every run; the flow's loaded secrets, with
// those a test gives laid over them.
func (c *call) callValues() *exprs.CallValues {
	h := fnv.New64a()
	h.Write([]byte(c.ev.Session))
	h.Write([]byte(c.now.UTC().Format("20060102T150405.000000000")))
	v := &exprs.CallValues{Seed: h.Sum64(), Loaded: c.flow.Loaded}
	var given map[string]string
	for k, x := range c.given {
		if name, ok := strings.CutPrefix(k, givenSecret); ok {
			if given == nil {
				given = map[string]string{}
			}
			given[name] = exprs.Text(x)
		}
	}
	if given != nil {
		v.Loaded = c.flow.Loaded.With(given)
	}
	return v
}
