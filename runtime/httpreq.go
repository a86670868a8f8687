package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/callflow/callflow/lang/ir"
)

// httpCall is one request of a lookup (GET) or a post (POST with a JSON
// body): the same client, guard, deadline and limits for both.
type httpCall struct {
	method  string
	url     string
	body    []byte      // nil for GET
	headers []ir.Header // the flow's, evaluated when the request is made
	extra   [][2]string // callflow's own: Idempotency-Key
	timeout time.Duration
	decode  bool // read and decode the JSON answer
	keep    bool // and keep a copy of its bytes (httpResult.body), for the lookup cache
}

// httpResult is what came back: the status, and the JSON when asked for.
type httpResult struct {
	status int
	value  any
	body   []byte // the JSON as received, when asked to keep it
}

// send does r under its timeout and the webhook's deadline, keeping
// lookupMargin of the budget for the answer. Its errors never quote the
// URL or a header value (net/http's do): the log line gives the URL
// without secrets.
//
// One context with one timer bounds the request: the earlier of its own
// timeout and the budget's end less the margin, set on the request's
// context directly (the budget's context, io, is not made for it).
func (c *call) send(r httpCall) (httpResult, error) {
	timeout := min(r.timeout, time.Until(c.deadline())-lookupMargin)
	if timeout <= 0 {
		return httpResult{}, fmt.Errorf("%w: no time left in the answer budget", errLookupTimeout)
	}
	ctx, cancel := context.WithTimeout(c.ctx, timeout)
	defer cancel()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return httpResult{}, unwrapURLError(err)
	}
	if !c.e.unguarded {
		if err := refuseUnsafeHost(req.URL.Hostname()); err != nil {
			return httpResult{}, err
		}
	}
	if c.e.sharedHeader && r.method == http.MethodGet && len(r.headers) == 0 && len(r.extra) == 0 {
		req.Header = acceptOnly // net/http only reads it (sharesHeaders)
	} else if err := c.setHeaders(req, r); err != nil {
		return httpResult{}, err
	}
	client := c.e.client
	if r.method == http.MethodPost {
		client = c.e.postClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return httpResult{}, fmt.Errorf("%w after %s", errLookupTimeout, timeout.Round(time.Millisecond))
		}
		return httpResult{}, unwrapURLError(err)
	}
	defer resp.Body.Close()
	res := httpResult{status: resp.StatusCode}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 && r.method == http.MethodPost {
		return res, fmt.Errorf("HTTP %d: a post follows no redirect", resp.StatusCode)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return res, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if !r.decode {
		return res, nil
	}
	res.value, res.body, err = readJSON(resp.Body, r.keep)
	if errors.Is(err, errReadingBody) && ctx.Err() != nil {
		return res, fmt.Errorf("%w after %s, reading the body", errLookupTimeout, timeout.Round(time.Millisecond))
	}
	return res, err
}

// answerBuffer is a pooled buffer an answer's body is read into: the
// decoded value copies what it keeps, so the buffer is reused.
type answerBuffer struct {
	buf   bytes.Buffer
	limit io.LimitedReader
}

var answerBuffers = sync.Pool{New: func() any { return new(answerBuffer) }}

// maxPooledAnswer is the largest buffer put back in the pool: a rare
// megabyte answer is not kept for every later one.
const maxPooledAnswer = 64 << 10

// errReadingBody marks an answer whose body could not be read: after the
// deadline, a timeout.
var errReadingBody = errors.New("reading the body")

// readJSON reads an answer's JSON, at most maxLookupBody bytes, and decodes
// it, with a copy of its bytes when keep is set. Numbers are decoded
// exactly, as webhooks' are: a CRM id beyond 2^53 stays the id it was, not
// the nearest float64.
func readJSON(body io.Reader, keep bool) (any, []byte, error) {
	ab := answerBuffers.Get().(*answerBuffer)
	defer func() {
		ab.limit.R = nil
		if ab.buf.Cap() <= maxPooledAnswer {
			ab.buf.Reset()
			answerBuffers.Put(ab)
		}
	}()
	ab.limit = io.LimitedReader{R: body, N: maxLookupBody + 1}
	if _, err := ab.buf.ReadFrom(&ab.limit); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errReadingBody, err)
	}
	if ab.buf.Len() > maxLookupBody {
		return nil, nil, fmt.Errorf("the body is over %d bytes", maxLookupBody)
	}
	v, err := decodeAnswer(ab.buf.Bytes())
	if err != nil {
		return nil, nil, fmt.Errorf("bad JSON: %v", err)
	}
	var kept []byte
	if keep {
		kept = bytes.Clone(ab.buf.Bytes())
	}
	return v, kept, nil
}

// setHeaders sets the flow's headers, evaluated now, then callflow's own.
// A header value that cannot be evaluated fails the request; its error
// names the header, never the value.
func (c *call) setHeaders(req *http.Request, r httpCall) error {
	for _, h := range r.headers {
		v, err := c.evalString(h.Value, "a header value")
		if err != nil {
			return fmt.Errorf("header %s: %w", h.Name, err)
		}
		if !validHeaderValue(v) {
			return fmt.Errorf("header %s: the value holds a line break or another control character", h.Name)
		}
		req.Header.Set(h.Name, v)
	}
	req.Header["Accept"] = acceptJSON
	if r.body != nil {
		req.Header["Content-Type"] = contentJSON
	}
	for _, kv := range r.extra {
		req.Header.Set(kv[0], kv[1])
	}
	return nil
}

// The values of callflow's own headers, shared by every request (net/http
// only reads them, and Client.Do copies the header map for redirects):
// Header.Set would make a slice per request.
var (
	acceptJSON  = []string{"application/json"}
	contentJSON = []string{"application/json"}
)

// acceptOnly is the whole header of a lookup that sets none of its own,
// shared by all of them when the client only reads it (sharesHeaders): the
// header map each request is given, and filled with one entry, was an
// allocation of some 300 bytes a lookup.
var acceptOnly = http.Header{"Accept": acceptJSON}

// sharesHeaders reports whether requests sent with client may share one
// header map. net/http's Client writes to a request's header only to add a
// cookie jar's cookies (before setting anything else, such as a redirect's
// Referer or basic authentication, it copies the header), and its
// Transport only reads it. Another RoundTripper may be a wrapper that
// breaks its contract and sets a header on the request it is given: its
// requests get headers of their own.
func sharesHeaders(client *http.Client) bool {
	_, plain := client.Transport.(*http.Transport)
	return plain && client.Jar == nil
}

// validHeaderValue refuses what would split a header or be dropped by
// net/http: a caller's data put in a header must not add another.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

// noRedirects is a copy of client that follows no redirect: a post is a
// side effect, and following one would send it again elsewhere (307 and
// 308 keep the body) or turn it into a GET (301, 302, 303).
func noRedirects(client *http.Client) *http.Client {
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
