package dispatch

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/callflow/callflow/runtime/callbot"
)

const callbotName = callbot.Name

// OMICall's token: documented to last 24 h; replaced 5 minutes early.
const (
	tokenLife   = 24 * time.Hour
	tokenMargin = 5 * time.Minute
	omiSuccess  = 9999 // status_code of a success
)

// omicall sends to OMICall with a cached token.
type omicall struct {
	base *url.URL
	key  string
	lock chan struct{} // held while a token is fetched

	mu    sync.Mutex
	tok   string
	renew time.Time // when tok must be replaced
}

func newOMICall(base *url.URL, key string) *omicall {
	return &omicall{base: base, key: key, lock: make(chan struct{}, 1)}
}

func (o *omicall) send(ctx context.Context, c *Client, j job) (Result, bool, *Error) {
	u := j.env.url(o.base).String()
	res := Result{Request: Request{Method: j.env.Method, URL: u, Body: j.env.Body}}
	reached := false
	for renewed := false; ; renewed = true {
		tok, e := o.token(ctx, c, j)
		if e != nil {
			return res, reached, e
		}
		h := jsonHeader()
		h.Set("Authorization", "Bearer "+tok)
		h.Set("X-Api-Key", o.key)
		ex, n, r, err := c.do(ctx, outgoing{job: j, method: j.env.Method, url: u, show: u, body: j.env.Body, header: h})
		res.Attempts += n
		res.Response = newResponse(ex)
		reached = reached || r
		if err == nil && ex.status == http.StatusUnauthorized && !renewed {
			o.drop(tok)
			c.log.LogAttrs(ctx, slog.LevelInfo, "omicall refused the token; fetching another",
				slog.String("platform", j.platform), slog.String("trigger", j.trigger))
			continue
		}
		if err != nil || !success(ex.status) {
			return res, reached, failure(j.platform, ex, err)
		}
		return res, reached, verdict(j.platform, ex, "")
	}
}

// verdict reads OMICall's status_code: 9999 is success (nil), anything else
// an *Error with OMICall's message, prefixed by what.
func verdict(platform string, ex *exchange, what string) *Error {
	var a struct {
		StatusCode *int `json:"status_code"`
	}
	if json.Unmarshal(ex.body, &a) != nil || a.StatusCode == nil {
		return &Error{Platform: platform, Status: ex.status, Message: what + "the answer has no status_code"}
	}
	if *a.StatusCode == omiSuccess {
		return nil
	}
	e := &Error{Platform: platform, Status: ex.status, Code: *a.StatusCode, Message: what + message(ex.body)}
	if e.Code == 0 { // keep the failure visible in Error()
		e.Message = what + "status_code 0: " + message(ex.body)
	}
	return e
}

// token returns a token valid now. Concurrent callers share one fetch.
func (o *omicall) token(ctx context.Context, c *Client, j job) (string, *Error) {
	if t := o.cached(c.clock.Now()); t != "" {
		return t, nil
	}
	select {
	case o.lock <- struct{}{}:
	case <-ctx.Done():
		return "", &Error{Platform: j.platform, Message: "waiting for a token", Err: ctx.Err()}
	}
	defer func() { <-o.lock }()
	if t := o.cached(c.clock.Now()); t != "" { // another caller fetched it
		return t, nil
	}
	return o.fetch(ctx, c, j)
}

func (o *omicall) cached(now time.Time) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok != "" && now.Before(o.renew) {
		return o.tok
	}
	return ""
}

// drop forgets tok, unless another caller already replaced it.
func (o *omicall) drop(tok string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok == tok {
		o.tok = ""
	}
}

// fetch gets a new token: GET {base}/api/auth?apiKey=KEY, answered with
// {"status_code":9999,"payload":{"access_token":"…",…}}.
func (o *omicall) fetch(ctx context.Context, c *Client, j job) (string, *Error) {
	u := *o.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/auth"
	show := u.String() + "?apiKey=[redacted]"
	u.RawQuery = url.Values{"apiKey": {o.key}}.Encode()
	ex, _, _, err := c.do(ctx, outgoing{job: j, method: http.MethodGet, url: u.String(), show: show,
		header: http.Header{"Accept": {"application/json"}}})
	if err != nil || !success(ex.status) {
		e := failure(j.platform, ex, err)
		e.Message = strings.TrimSuffix("token: "+e.Message, ": ")
		return "", e
	}
	if e := verdict(j.platform, ex, "token: "); e != nil {
		return "", e
	}
	var a struct {
		Payload struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   any    `json:"expires_in"`
		} `json:"payload"`
	}
	if json.Unmarshal(ex.body, &a) != nil || a.Payload.AccessToken == "" {
		return "", &Error{Platform: j.platform, Status: ex.status, Message: "token: the answer has no payload.access_token"}
	}
	now := c.clock.Now()
	exp := expiry(a.Payload.AccessToken, a.Payload.ExpiresIn, now)
	o.mu.Lock()
	o.tok, o.renew = a.Payload.AccessToken, exp.Add(-tokenMargin)
	o.mu.Unlock()
	c.log.LogAttrs(ctx, slog.LevelInfo, "omicall token fetched",
		slog.String("platform", j.platform), slog.Time("expires", exp))
	return a.Payload.AccessToken, nil
}

// expiry is when a token fetched at now expires: the earliest of the
// documented 24 h, an expires_in (seconds) in the answer, and the token's
// own exp claim when it is a JWT.
func expiry(tok string, expiresIn any, now time.Time) time.Time {
	exp := now.Add(tokenLife)
	var secs float64
	switch v := expiresIn.(type) {
	case float64:
		secs = v
	case string:
		secs, _ = strconv.ParseFloat(v, 64)
	}
	if secs > 0 && secs < tokenLife.Seconds() {
		exp = now.Add(time.Duration(secs * float64(time.Second)))
	}
	if t, ok := jwtExpiry(tok); ok && t.Before(exp) {
		exp = t
	}
	return exp
}

// jwtExpiry reads the exp claim of a JWT, without verifying it; false when
// there is none, or none a time can hold.
func jwtExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp float64 `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp <= 0 || claims.Exp > maxJWTExp {
		return time.Time{}, false
	}
	return time.Unix(int64(claims.Exp), 0), true
}

// maxJWTExp is the last second of year 9999: an exp claim later than that
// bounds nothing (converted to a time, one past what an int64 holds would
// wrap to long ago, and every send would fetch a new token).
const maxJWTExp = 253402300799
