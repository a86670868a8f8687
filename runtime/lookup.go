package runtime

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/callflow/callflow/lang/ir"
)

// lookupMargin is kept from the budget for rendering the answer after a
// lookup gives up.
const lookupMargin = 100 * time.Millisecond

// maxLookupBody bounds the JSON a lookup reads.
const maxLookupBody = 1 << 20

// lookupState is what this webhook's environment holds for one lookup: the
// result for url, the URL the lookup's expression evaluated to last.
type lookupState struct {
	l       *ir.Lookup
	url     string
	have    bool // the environment holds the result for url
	stubbed bool // the request gave the lookup (Request.Given), for any URL
	busy    bool // its URL is being evaluated: a URL that reads its own lookup
}

// lookupIndex returns the index of l's state, adding it if absent.
func (c *call) lookupIndex(l *ir.Lookup) int {
	for i := range c.lookups {
		if c.lookups[i].l == l {
			return i
		}
	}
	if c.lookups == nil {
		c.lookups = c.lookupsInline[:0]
	}
	c.lookups = append(c.lookups, lookupState{l: l})
	return len(c.lookups) - 1
}

// resolve puts in the environment the result of lookup name for the URL
// its expression evaluates to now. A lookup is fetched at most once per
// call for each distinct URL: the session keeps each result (lookupKey), so
// `?pin=${pin}` after a new capture is fetched again and the same URL is
// not. A URL that reads no variable or lookup (ir.Lookup.URLVaries) is
// evaluated once per webhook. A lookup the request gives (a test's stub) is
// that value for any URL, and its URL is not evaluated.
func (c *call) resolve(name string) error {
	l := c.flow.Lookups[name]
	i := c.lookupIndex(l)
	if v, ok := c.given[name]; ok {
		if !c.lookups[i].stubbed {
			c.lookups[i].stubbed = true
			c.stub(l, v)
		}
		return nil
	}
	if c.lookups[i].have && !l.URLVaries {
		return nil // its URL reads nothing that changes within a webhook: the result in env is for it
	}
	if c.lookups[i].busy {
		return &Error{Code: "expr", Msg: fmt.Sprintf("the URL of lookup %s needs lookup %s itself", name, name), At: l.URL.At, Flow: c.flow.Name, Handler: c.handler}
	}
	// Evaluating the URL (or the else value) may resolve other lookups,
	// which may move c.lookups: it is indexed afresh after each.
	c.lookups[i].busy = true
	u, err := c.evalString(l.URL, "a URL")
	c.lookups[i].busy = false
	if c.lookups[i].have && c.lookups[i].url == u { // on an error, u is "" and the else value is in place
		return nil
	}
	c.env[name] = c.result(l, u, err)
	c.lookups[i].url, c.lookups[i].have = u, true
	return nil
}

// result is lookup l's result at u: the session's, else fetched and kept
// in the session. A URL that could not be evaluated (urlErr) gives the
// else value, kept for this webhook only: the next one tries again.
func (c *call) result(l *ir.Lookup, u string, urlErr error) any {
	if urlErr != nil {
		return c.fetch(l, "", "", urlErr)
	}
	key := lookupKey(l.Name, u)
	if v, done := c.sess.Lookups[key]; done {
		return v
	}
	v := c.fetch(l, u, key, nil)
	if c.sess.Lookups == nil {
		c.sess.Lookups = map[string]any{}
	}
	c.sess.Lookups[key] = v
	return v
}

// lookupKey is the session's key for the result of lookup name at url: the
// name, a space and a digest of the URL, so a session keeps no URL (which
// may carry a caller's PIN) and no key grows with one.
func lookupKey(name, url string) string {
	var scratch [256]byte // most URLs fit: the key is then one allocation, the string
	digest := sha256.Sum256(append(scratch[:0], url...))
	b := append(scratch[:0], name...)
	b = append(b, ' ')
	return string(base64.RawURLEncoding.AppendEncode(b, digest[:16]))
}

// stub resolves a lookup from the value the request gives for it.
func (c *call) stub(l *ir.Lookup, v any) {
	var start time.Time
	timed := c.trace != nil || c.e.onLookup != nil
	if timed { // the machine's clock is not free; only traces and observers want durations
		start = time.Now()
	}
	if cv, err := c.conform(l.Else, v); err == nil {
		v = cv // a stub written in JSON: 5 for an int lookup
	}
	c.env[l.Name] = v
	var took time.Duration
	if timed {
		took = time.Since(start)
	}
	c.traceLookup(l, "given", "", "given", took)
}

// fetch gets lookup l at u, whose session key is key, or its else value
// when that fails (or when the URL could not be evaluated, urlErr). A
// failure is logged.
func (c *call) fetch(l *ir.Lookup, u, key string, urlErr error) any {
	start := time.Now()
	err := urlErr
	var v any
	var kept []byte // the answer's JSON, to cache once it proves of the right type
	cache := ""     // hit or miss, for a lookup declared with cache
	ckey := ""      // the lookup cache's key, made once for its get and its put
	if err == nil {
		if l.Cache > 0 {
			ckey = c.cacheKey(key)
		}
		v, kept, cache, err = c.get(l, u, ckey)
	}
	if err == nil {
		v, err = c.conform(l.Else, v)
	}
	if err == nil {
		if kept != nil {
			c.e.lookupCache.put(ckey, kept, c.now.Add(l.Cache))
		}
		took := time.Since(start)
		result := "ok"
		if cache == "hit" {
			result = "ok (cached)"
		}
		c.traceLookup(l, "ok", cache, result, took)
		return v
	}
	cause := err.Error()
	v, elseErr := c.eval(l.Else)
	if elseErr != nil {
		v, cause = nil, cause+"; else failed: "+elseErr.Error()
	}
	took := time.Since(start)
	kind := "error"
	if errors.Is(err, errLookupTimeout) {
		kind = "timeout"
	}
	c.traceLookup(l, kind, cache, cause, took)
	c.e.log.LogAttrs(c.ctx, slog.LevelWarn, "lookup failed, used its else value",
		slog.String("flow", c.flow.Name), slog.String("lookup", l.Name), slog.String("at", l.At.String()),
		slog.String("url", redactURL(u)), slog.String("cause", cause), slog.Duration("took", took))
	return v
}

// errLookupTimeout marks a lookup that ran out of time: its own timeout or
// the answer budget.
var errLookupTimeout = errors.New("timed out")

// get does the HTTP GET of lookup l at u, with its headers. For a lookup
// declared with cache (whose key in the lookup cache is ckey), an answer
// kept from another call (cache "hit") is
// used instead; else (cache "miss") the answer's JSON comes back too, for
// fetch to keep once it proves of the lookup's type. Failures are never
// kept.
func (c *call) get(l *ir.Lookup, u, ckey string) (v any, kept []byte, cache string, err error) {
	if l.Cache > 0 {
		if body, ok := c.e.lookupCache.get(ckey, c.now); ok {
			v, err = decodeAnswer(body) // it decoded when kept: a fresh copy for this call
			return v, nil, "hit", err
		}
		cache = "miss"
	}
	res, err := c.send(httpCall{method: http.MethodGet, url: u, headers: l.Headers, timeout: l.Timeout, decode: true, keep: l.Cache > 0})
	return res.value, res.body, cache, err
}

// cacheKey is the lookup cache's key for a lookup whose result's key in
// the session is key (lookupKey: the lookup's name and a digest of the
// URL): the flow's name and key, so the cache keeps no URL.
func (c *call) cacheKey(key string) string {
	return c.flow.Name + " " + key
}

// unwrapURLError drops the method and URL net/http puts in front of its
// errors.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactURL is u as a log may show it: no user information, each query
// value replaced by "…", no fragment. Paths are kept: the log's masking of
// phone numbers applies to them.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(an unparseable URL)"
	}
	p.User, p.Fragment, p.RawFragment = nil, "", ""
	if p.RawQuery != "" {
		q := []byte{}
		for part := range strings.SplitSeq(p.RawQuery, "&") {
			if len(q) > 0 {
				q = append(q, '&')
			}
			key, _, hasValue := strings.Cut(part, "=")
			q = append(q, key...)
			if hasValue {
				q = append(q, "=…"...)
			}
		}
		p.RawQuery = string(q)
	}
	return p.String()
}

// conform makes a fetched JSON value fit the type the checker gave the
// lookup, which is the type of its else value: a JSON number is a float64,
// and becomes an int when the else value is one. A value of another type
// is an error, so the else value is used.
func (c *call) conform(elseX *ir.Expr, v any) (any, error) {
	want, err := c.eval(elseX)
	if err != nil || want == nil {
		return v, nil
	}
	ok := true
	switch want.(type) {
	case int:
		switch n := v.(type) {
		case int64: // beyond 2^53, decoded exactly
			return int(n), nil
		case float64:
			if n == math.Trunc(n) && math.Abs(n) <= 1<<53 {
				return int(n), nil
			}
		}
		ok = false
	case float64:
		if n, isInt := v.(int64); isInt {
			return float64(n), nil
		}
		_, ok = v.(float64)
	case string:
		_, ok = v.(string)
	case bool:
		_, ok = v.(bool)
	case map[string]any:
		_, ok = v.(map[string]any)
	case []any:
		_, ok = v.([]any)
	}
	if !ok {
		return nil, fmt.Errorf("the JSON is %s, the else value %s", jsonKind(v), jsonKind(want))
	}
	return v, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case int, int64:
		return "a whole number"
	case float64:
		return "a number"
	case string:
		return "a string"
	case bool:
		return "true or false"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
