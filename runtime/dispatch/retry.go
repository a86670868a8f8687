package dispatch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// Clock is the client's time: Now for token expiry and TTLs, After for the
// backoff between attempts.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

type retryPolicy struct {
	attempts  int           // requests in all, at least 1
	base, max time.Duration // first backoff; the longest
}

// delay is the backoff after attempt n (from 1): base·2^(n-1), at most max,
// with its upper half random. A longer Retry-After (in seconds) on a 429 or
// 503 answer wins, up to max.
func (p retryPolicy) delay(n int, ex *exchange) time.Duration {
	d := p.base
	for i := 1; i < n && d < p.max; i++ {
		d *= 2
	}
	d = min(d, p.max)
	if d > 0 {
		d = d/2 + rand.N(d/2+1)
	}
	if ex != nil && (ex.status == http.StatusTooManyRequests || ex.status == http.StatusServiceUnavailable) {
		if s, err := strconv.Atoi(ex.header.Get("Retry-After")); err == nil && s > 0 {
			d = max(d, min(time.Duration(s)*time.Second, p.max))
		}
	}
	return d
}

// outgoing is one request to make, with retries.
type outgoing struct {
	job
	method, url string
	show        string // url without secrets, for logs and errors
	body        []byte // nil: none
	header      http.Header
}

// exchange is a platform's answer.
type exchange struct {
	status int
	header http.Header
	body   []byte
}

// retryable says whether an attempt that ended with ex or err is worth
// repeating: network failures, 5xx and 429, while ctx lasts.
func retryable(ctx context.Context, ex *exchange, err error) bool {
	switch {
	case ctx.Err() != nil:
		return false
	case err != nil:
		return true
	}
	return ex.status >= 500 || ex.status == http.StatusTooManyRequests
}

// do makes the request until an answer is final or the attempts run out.
// It returns the last answer (nil if none), the attempts made, whether any
// of them may have reached the platform (a connection was made: from then
// on the request may be out), and
// the error when the last attempt got no answer or ctx ended during a
// backoff (then ex is the answer before it).
func (c *Client) do(ctx context.Context, out outgoing) (ex *exchange, n int, reached bool, err error) {
	for n = 1; ; n++ {
		var connected atomic.Bool
		ex, err = c.attempt(ctx, out, &connected)
		reached = reached || connected.Load() || ex != nil
		if n >= c.retry.attempts || !retryable(ctx, ex, err) {
			return ex, n, reached, err
		}
		wait := c.retry.delay(n, ex)
		attrs := []slog.Attr{
			slog.String("platform", out.platform), slog.String("trigger", out.trigger),
			slog.String("method", out.method), slog.String("url", out.show),
			slog.Int("attempt", n), slog.Duration("retry_in", wait),
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		} else {
			attrs = append(attrs, slog.Int("status", ex.status))
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "dispatch attempt failed", attrs...)
		select {
		case <-c.clock.After(wait):
		case <-ctx.Done():
			return ex, n, reached, ctx.Err()
		}
	}
}

// attempt makes the request once; connected is set once it has a
// connection to go out on (before Do returns).
func (c *Client) attempt(ctx context.Context, out outgoing, connected *atomic.Bool) (*exchange, error) {
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
	var body io.Reader
	if out.body != nil {
		body = bytes.NewReader(out.body)
	}
	req, err := http.NewRequestWithContext(ctx, out.method, out.url, body)
	if err != nil {
		return nil, scrub(err, out)
	}
	req.Header = out.header.Clone()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, scrub(err, out)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	ex := &exchange{status: resp.StatusCode, header: resp.Header, body: b}
	if err != nil && !success(resp.StatusCode) {
		// A failure whose body broke off is a network failure. A success
		// is kept as it is: retrying would send the request again.
		return nil, &url.Error{Op: "read answer to " + out.method, URL: out.show, Err: err}
	}
	return ex, nil
}

// scrub replaces the URL in a net/http error by the one safe to show.
func scrub(err error, out outgoing) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: out.show, Err: ue.Err}
	}
	return err
}
