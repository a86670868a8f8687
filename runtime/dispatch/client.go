package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Dispatcher sends rendered envelopes to their platforms. *Client is the
// implementation; the interface lets a server be tested with a fake.
type Dispatcher interface {
	// Dispatch sends env to platform ("callback" or "callbot") for the
	// trigger triggerID that flow answered, at most once per platform, flow
	// and trigger id (see the package doc). Every failure to send or to be
	// accepted is an *Error; the Result then still holds what was sent and
	// the last answer.
	Dispatch(ctx context.Context, platform, flow, triggerID string, env Envelope) (Result, error)
}

var _ Dispatcher = (*Client)(nil)

// Client dispatches to the platforms it was configured for. It is safe for
// concurrent use.
type Client struct {
	http    *http.Client
	clock   Clock
	log     *slog.Logger
	retry   retryPolicy
	store   OutcomeStore
	targets map[string]target
	err     error // the first invalid option
}

// target is one platform's way of sending an envelope. send says whether
// the request may have reached the platform; the *Error is nil on success.
type target interface {
	send(ctx context.Context, c *Client, j job) (res Result, reached bool, err *Error)
}

// job is one envelope to send.
type job struct {
	platform, trigger string
	env               Envelope
}

// Option configures a Client.
type Option func(*Client)

// WithCallback enables the callback platform (DataTechLabs): envelopes go
// to baseURL (scheme, host and an optional path prefix) with auth's header.
func WithCallback(baseURL string, auth Credentials) Option {
	return func(c *Client) {
		u, err := parseBase(baseURL)
		if err == nil {
			err = auth.check()
		}
		if err != nil {
			c.fail(fmt.Errorf("dispatch: callback: %w", err))
			return
		}
		c.targets[callbackName] = &callbackTarget{base: u, auth: auth}
	}
}

// WithCallbot enables the callbot platform (OMICall): envelopes go to
// baseURL, such as https://public-v1-stg.omicall.com, authenticated with a
// token fetched with apiKey.
func WithCallbot(baseURL, apiKey string) Option {
	return func(c *Client) {
		u, err := parseBase(baseURL)
		if err == nil && apiKey == "" {
			err = errors.New("no API key")
		}
		if err == nil && strings.ContainsAny(apiKey, "\r\n") {
			err = errors.New("the API key holds a line break")
		}
		if err != nil {
			c.fail(fmt.Errorf("dispatch: callbot: %w", err))
			return
		}
		c.targets[callbotName] = newOMICall(u, apiKey)
	}
}

// WithHTTPClient sets the HTTP client (default: one with a 15 s timeout per
// request). Its Timeout bounds each attempt; ctx bounds the whole dispatch.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithRetry sets how many times a request may go out in all (default 3;
// 1 means no retries) and the first backoff (default 250 ms), which doubles
// after each attempt up to 30 s, with jitter.
func WithRetry(attempts int, base time.Duration) Option {
	return func(c *Client) {
		c.retry.attempts = max(attempts, 1)
		c.retry.base = max(base, 0)
	}
}

// WithClock sets the clock used for token expiry, backoff and the default
// OutcomeStore's TTLs (default: the real one). For tests.
func WithClock(clk Clock) Option {
	return func(c *Client) {
		if clk != nil {
			c.clock = clk
		}
	}
}

// WithLogger sets the logger (default: none). It never sees credentials,
// the API key or tokens.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// WithOutcomeStore sets where the outcomes of dispatched triggers are
// kept (default: a MemoryOutcomes of DefaultOutcomeLimit triggers). Give
// every replica the same shared store and each trigger is sent once
// across them.
func WithOutcomeStore(s OutcomeStore) Option {
	return func(c *Client) {
		if s != nil {
			c.store = s
		}
	}
}

// New builds a client. An invalid option is reported by Err and by every
// Dispatch.
func New(opts ...Option) *Client {
	c := &Client{
		http:    &http.Client{Timeout: 15 * time.Second},
		clock:   realClock{},
		log:     slog.New(slog.DiscardHandler),
		retry:   retryPolicy{attempts: 3, base: 250 * time.Millisecond, max: 30 * time.Second},
		targets: map[string]target{},
	}
	for _, o := range opts {
		o(c)
	}
	if c.store == nil {
		c.store = newMemoryOutcomes(DefaultOutcomeLimit, c.clock.Now)
	}
	return c
}

// Err reports the first invalid option given to New, or nil.
func (c *Client) Err() error { return c.err }

// Handles says whether the client was configured for platform.
func (c *Client) Handles(platform string) bool {
	_, ok := c.targets[platform]
	return ok
}

func (c *Client) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Dispatch sends env to platform for the trigger triggerID, once: see
// [Dispatcher] and the package doc.
func (c *Client) Dispatch(ctx context.Context, platform, flow, triggerID string, env Envelope) (Result, error) {
	if c.err != nil {
		return Result{}, c.err
	}
	t, ok := c.targets[platform]
	if !ok {
		return Result{}, fmt.Errorf("dispatch: platform %q is not configured", platform)
	}
	if triggerID == "" {
		return Result{}, fmt.Errorf("dispatch %s: no trigger id", platform)
	}
	if err := env.check(); err != nil {
		return Result{}, fmt.Errorf("dispatch %s: envelope: %w", platform, err)
	}
	j := job{platform: platform, trigger: triggerID, env: env}
	key := Key(platform, flow, triggerID)
	attrs := []slog.Attr{slog.String("platform", platform), slog.String("flow", flow), slog.String("trigger", triggerID)}
	cl, err := c.store.Claim(ctx, key, claimTTL(ctx))
	switch {
	case err != nil && ctx.Err() != nil:
		return Result{}, &Error{Platform: platform, Message: "waiting for the same trigger in flight", Err: ctx.Err()}
	case err != nil:
		return Result{}, fmt.Errorf("dispatch %s: trigger %q: claiming it: %w", platform, triggerID, err)
	case cl.Settled:
		c.log.LogAttrs(ctx, slog.LevelInfo, "dispatch replayed", attrs...)
		return cl.Outcome.result(true)
	}
	out, reached := c.send(ctx, t, j, attrs)
	c.settle(ctx, cl, out, reached, attrs)
	return out.result(false)
}

// settle fills the claim with the outcome, or releases it when nothing
// reached the platform. It runs even when ctx is done (the request may
// have gone out), bounded by claimMargin.
func (c *Client) settle(ctx context.Context, cl Claim, out Outcome, reached bool, attrs []slog.Attr) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimMargin)
	defer cancel()
	if !reached {
		if err := c.store.Release(sctx, cl); err != nil {
			c.log.LogAttrs(ctx, slog.LevelError, "dispatch claim not released", append(attrs, slog.String("error", err.Error()))...)
		}
		return
	}
	if err := c.store.Fill(sctx, cl, out, out.ttl()); err != nil {
		c.log.LogAttrs(ctx, slog.LevelError, "dispatch not remembered", append(attrs, slog.String("error", err.Error()))...)
	}
}

// claimMargin is added to a dispatch's deadline for the TTL of its claim
// (and bounds filling it), and claimTTL0 is the TTL when ctx has none: a
// claim must outlive the dispatch, or a copy of the trigger would take it
// over and send again.
const (
	claimMargin = 5 * time.Second
	claimTTL0   = 2 * time.Minute
)

// claimTTL is how long a dispatch under ctx holds its trigger's claim.
func claimTTL(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d) + claimMargin
	}
	return claimTTL0
}

// send makes the dispatch and logs it. reached says whether the request
// may have reached the platform's endpoint.
func (c *Client) send(ctx context.Context, t target, j job, attrs []slog.Attr) (Outcome, bool) {
	start := c.clock.Now()
	res, reached, derr := t.send(ctx, c, j)
	out := Outcome{Result: res, Err: derr}
	attrs = append(attrs, slog.Int("attempts", res.Attempts), slog.Duration("duration", c.clock.Now().Sub(start)))
	if res.Response != nil {
		attrs = append(attrs, slog.Int("status", res.Response.Status))
	}
	if derr != nil {
		attrs = append(attrs, slog.String("error", derr.Error()), slog.Bool("reached", reached))
		c.log.LogAttrs(ctx, slog.LevelWarn, "dispatch failed", attrs...)
		return out, reached
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "dispatched", attrs...)
	return out, true
}

// result is what Dispatch returns for o.
func (o Outcome) result(replayed bool) (Result, error) {
	r := o.Result
	r.Replayed = replayed
	if o.Err == nil {
		return r, nil
	}
	return r, o.Err
}

// Key is the key under which a trigger's dispatch is kept in an
// OutcomeStore: "platform:flow:trigger id", the flow written with '%' and
// ':' escaped (%25, %3A) so the three parts are found again. A trigger id
// reused on another flow's route is another trigger.
func Key(platform, flow, triggerID string) string {
	return platform + ":" + keyEscaper.Replace(flow) + ":" + triggerID
}

var keyEscaper = strings.NewReplacer("%", "%25", ":", "%3A")

// Error is a dispatch that failed: the platform refused the request, or
// could not be reached, or ctx ended.
type Error struct {
	Platform string `json:"platform"`
	Status   int    `json:"status,omitempty"`  // the HTTP status of the platform's last answer; 0 when none
	Code     int    `json:"code,omitempty"`    // callbot: OMICall's status_code when it is not 9999
	Message  string `json:"message,omitempty"` // the platform's message, or what failed
	Err      error  `json:"-"`                 // the cause when no final answer came: a network or context error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dispatch " + e.Platform)
	sep := func() { b.WriteString(": ") }
	switch {
	case e.Code != 0:
		sep()
		b.WriteString("status_code " + strconv.Itoa(e.Code))
	case e.Status != 0:
		sep()
		b.WriteString("HTTP " + strconv.Itoa(e.Status))
	}
	if e.Message != "" {
		sep()
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		sep()
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// parseBase checks a platform's base URL.
func parseBase(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // ue.URL may hold a secret
		}
		return nil, fmt.Errorf("base URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, fmt.Errorf("base URL %q: want http(s)://host[/prefix]", u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("base URL %q: give credentials as options, not in the URL", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("base URL %q: no query or fragment allowed", u.Redacted())
	}
	return u, nil
}
