package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// Request is one webhook with everything Serve may use.
type Request struct {
	Platform string
	Flow     string // the flow named in the URL; "" routes by called number
	// Body is the webhook. Serve keeps nothing that points into it once it
	// returns, but the Result's Event, whose strings may (platform.Event):
	// a caller that reuses the buffer must be done with that event first.
	Body   []byte
	Header http.Header
	// Method, URL and Base are the HTTP request, for adapters that read
	// more than the body (platform.RequestDecoder): the method ("" is
	// POST), the request's public URL and the server's public base URL.
	Method    string
	URL, Base *url.URL
	Now       time.Time      // the call's time; zero means the engine's clock
	Given     map[string]any // stubs: lookup values and table rows, secrets (GivenSecret) and post answers (GivenPost); no HTTP for them
	Trace     bool
}

// Result is what Serve did with a webhook.
type Result struct {
	Reply    platform.Reply
	Event    *platform.Event    // nil when the body could not be decoded; may share Request.Body's memory
	Response *platform.Response // the neutral actions; nil on fallback
	Flow     string
	Version  string
	Rule     string // the rule that picked the handler, as "file:line:col"; "" when none matched
	Handler  string
	Outcome  Outcome
	Session  *Session // the call's state after this webhook; read-only (the session store may hold it)
	Trace    *Trace
	Err      error // why the fallback was answered

	filled bool // the reply was kept as the delivery's answer with the session (CallStore.SaveAndFill)
}

// Outcome says how a webhook was answered, for logs and metrics.
type Outcome string

const (
	Answered  Outcome = "answered"
	Fallback  Outcome = "fallback"
	Duplicate Outcome = "duplicate"
	Ended     Outcome = "ended"
	Ack       Outcome = "ack"
	Rejected  Outcome = "rejected"
)

// Serve answers one webhook. The error is non-nil for a webhook that was
// not understood (with a 4xx reply) and for one answered with a fallback
// (the reply is still the one to send).
func (e *Engine) Serve(ctx context.Context, req *Request) (*Result, error) {
	if len(req.Body) > MaxBody {
		return &Result{Reply: errorReply(http.StatusRequestEntityTooLarge, "body_too_large", ErrBodyTooLarge.Error()), Outcome: Rejected}, ErrBodyTooLarge
	}
	ad, ok := e.adapters[req.Platform]
	if !ok {
		err := fmt.Errorf("%w %q", ErrUnknownPlatform, req.Platform)
		return &Result{Reply: errorReply(http.StatusNotFound, "unknown_platform", err.Error()), Outcome: Rejected}, err
	}
	ev, err := decode(ad, req.Body, req)
	if err != nil {
		return &Result{Reply: errorReply(http.StatusBadRequest, "bad_webhook", err.Error()), Outcome: Rejected}, err
	}
	arrived := time.Now() // the machine's clock, read once per webhook
	now := req.Now
	if now.IsZero() {
		now = arrived
		if e.now != nil {
			now = e.now()
		}
	}
	deadline := arrived.Add(e.budget(ev.Platform))
	if ev.Delivery == "" {
		res := e.answer(ctx, req, ev, ad, now, arrived, deadline, nil)
		return res, res.Err
	}
	cl, pre, err := e.claim(ctx, ev, req.Flow, arrived, deadline)
	switch {
	case err != nil:
		res := &Result{Reply: ad.Fallback(ev, e.fallback), Event: ev, Outcome: Fallback,
			Err: &Error{Code: "timeout", Msg: "a copy of this delivery is being answered and its answer did not come within the budget", Err: err}}
		e.log.LogAttrs(ctx, slog.LevelWarn, "answered with the safe fallback",
			attrString("platform", ev.Platform), attrString("error", res.Err.Error()))
		return res, res.Err
	case cl.Answered:
		return duplicate(cl.Reply, ev), nil
	}
	settled := false
	defer func() { // a panic must not leave the claim for its copies to wait on
		if !settled {
			e.release(ctx, cl, deadline)
		}
	}()
	var dl *delivery
	if cl.Key != "" && e.calls != nil {
		dl = &delivery{claim: cl, pre: pre}
	}
	res := e.answer(ctx, req, ev, ad, now, arrived, deadline, dl)
	e.settle(ctx, cl, res, arrived, deadline)
	settled = true
	return res, res.Err
}

// decode reads a webhook: with the whole request when the adapter wants it
// (platform.RequestDecoder), else its body and header.
func decode(ad platform.Adapter, body []byte, req *Request) (*platform.Event, error) {
	rd, ok := ad.(platform.RequestDecoder)
	if !ok {
		return ad.Decode(body, req.Header)
	}
	method := req.Method
	if method == "" {
		method = http.MethodPost
	}
	header := req.Header
	if header == nil {
		header = http.Header{}
	}
	return rd.DecodeRequest(&platform.Inbound{Method: method, URL: req.URL, Base: req.Base, Header: header, Body: body})
}

// duplicate is the result of a copy of a delivery answered before: the
// stored reply, and who gave it, for the copy's log line.
func duplicate(reply platform.Reply, ev *platform.Event) *Result {
	res := &Result{Reply: reply, Event: ev, Outcome: Duplicate}
	if by := reply.By; by != nil {
		res.Flow, res.Version, res.Handler = by.Flow, by.Version, by.Handler
	}
	return res
}

// answer runs the flow for one understood webhook; dl is its claim when
// the store is a CallStore, to keep the answer with the session.
func (e *Engine) answer(ctx context.Context, req *Request, ev *platform.Event, ad platform.Adapter, now, arrived, deadline time.Time, dl *delivery) *Result {
	c := &call{e: e, ctx: ctx, route: req.Flow, given: req.Given, ev: ev, ad: ad, now: now, arrived: arrived, budget: deadline.Sub(arrived), dl: dl}
	c.resp.Actions = c.actions[:0]
	defer c.release()
	if req.Trace {
		c.trace = &Trace{}
	}
	res := c.serve()
	if ev.Kind == platform.Trigger && res.Outcome == Fallback {
		res.Reply = triggerFailure(res.Err, res.Reply)
		if res.Reply.Status == http.StatusNotFound { // no such flow: the trigger was not routable
			res.Outcome = Rejected
		}
	}
	return res
}

func (c *call) serve() *Result {
	switch c.ev.Kind {
	case platform.CallEnded:
		if c.dl != nil {
			return c.endWithAnswer()
		}
		c.e.store.Delete(c.storeCtx(), c.sessionKey())
		return c.ack(Ended)
	case platform.Status:
		return c.ack(Ack)
	case platform.Input:
		return c.finish(c.resume())
	}
	return c.finish(c.start())
}

func (c *call) ack(o Outcome) *Result {
	reply, err := c.ad.Render(c.ev, &platform.Response{})
	if err != nil {
		reply = c.ad.Fallback(c.ev, c.e.fallback)
	}
	return c.keepResult(Result{Reply: reply, Event: c.ev, Outcome: o})
}

// keepResult returns the webhook's Result, r, kept in the call: one allocation
// fewer per webhook, and nothing kept longer (Result.Response points into
// the call already).
func (c *call) keepResult(r Result) *Result {
	c.res = r
	return &c.res
}

// sessionKey is the call's key in the session store, made once per webhook.
func (c *call) sessionKey() string {
	if c.key == "" {
		c.key = c.ev.Platform + "|" + c.ev.Session
	}
	return c.key
}

// start runs a new call: pick the flow, run the rules, run the handler.
func (c *call) start() error {
	cur := c.e.cur.Load()
	f, err := pick(cur.prog, c.route, c.ev)
	if err != nil {
		return err
	}
	c.e.touch(cur.pins[f], c.arrived.UnixNano()) // the version is in use: the call is pinned to it
	if !f.Targets(c.ev.Platform) {
		return &Error{Code: "no-flow", Msg: fmt.Sprintf("flow %q does not compile for %s", f.Name, c.ev.Platform)}
	}
	c.flow = f
	c.sess = &Session{Platform: c.ev.Platform, ID: c.ev.Session, Flow: f.Name, Version: f.Version,
		Caller: c.ev.Caller, Callee: c.ev.Callee, Started: c.now}
	detachParties(c.ev.Body, &c.sess.Platform, &c.sess.ID, &c.sess.Caller, &c.sess.Callee) // they outlive the body (detach.go)
	handler, err := c.rules()
	if err != nil || handler == "" {
		return err
	}
	return c.run(handler, 0)
}

// finish renders the response, or the fallback when the flow failed, and
// saves or frees the session.
func (c *call) finish(runErr error) *Result {
	// Filled field by field: the Result is still zero but for the rule
	// (rules keeps it there), and copying a whole Result in, with a write
	// barrier for each of its pointers, cost a tenth of finish.
	res := &c.res
	res.Event, res.Trace, res.Handler, res.Session = c.ev, c.trace, c.handler, c.sess
	if c.flow != nil {
		res.Flow, res.Version = c.flow.Name, c.flow.Version
	}
	if runErr == nil {
		if runErr = c.respond(res); runErr == nil {
			return res
		}
	}
	res.Reply, res.Response, res.Outcome, res.Err = c.ad.Fallback(c.ev, c.e.fallback), nil, Fallback, runErr
	if c.flow != nil {
		res.Reply.By = c.e.answerer(c.flow, c.handler)
	}
	c.e.log.LogAttrs(c.ctx, levelFor(runErr), "answered with the safe fallback",
		attrString("platform", c.ev.Platform), attrString("flow", res.Flow), attrString("error", platform.Clip(runErr.Error())))
	return res
}

// respond saves or frees the session and renders the answer into res.
func (c *call) respond(res *Result) error {
	if c.dl != nil {
		return c.respondWithAnswer(res)
	}
	if err := c.save(); err != nil {
		return err
	}
	return c.render(res)
}

// render renders the response into res.
func (c *call) render(res *Result) error {
	c.endOfHandler()
	reply, err := c.ad.Render(c.ev, &c.resp)
	if err != nil {
		return &Error{Code: "render", Msg: err.Error(), At: c.renderedAt(err), Flow: res.Flow, Handler: c.handler, Err: err}
	}
	if c.flow != nil {
		reply.By = c.e.answerer(c.flow, c.handler)
	}
	res.Reply, res.Response, res.Outcome = reply, &c.resp, Answered
	return nil
}

// endOfHandler adds what reaching the end of a handler means on the platform.
func (c *call) endOfHandler() {
	if c.ended || c.suspended {
		return
	}
	if a := c.e.ends[c.ev.Platform]; a != nil {
		c.resp.Actions = append(c.resp.Actions, a)
	}
}

// save keeps the session of a call that waits on a capture and frees the
// session of one that ended.
func (c *call) save() error {
	c.resp.Vars = c.vars()
	if !c.suspended {
		if c.rev != 0 {
			c.e.store.Delete(c.storeCtx(), c.sessionKey())
		}
		return nil
	}
	_, err := c.storeSession()
	if errors.Is(err, ErrConflict) {
		return &Error{Code: "conflict", Msg: "another webhook for this call was answered meanwhile"}
	}
	return err
}

// respondWithAnswer is respond for a CallStore: the answer is rendered
// first, then the session is written and the answer kept in one round
// trip (SaveAndFill). A reply that is not kept (keepAnswer) is saved as
// respond does, and a render error writes no session.
func (c *call) respondWithAnswer(res *Result) error {
	c.resp.Vars = c.vars()
	if err := c.render(res); err != nil {
		return err
	}
	w, ok := c.sessionWrite()
	if !ok || !keepAnswer(res.Reply) {
		return c.save()
	}
	_, err := c.e.calls.SaveAndFill(c.io(), w, c.dl.claim, res.Reply, answersTTL)
	switch {
	case errors.Is(err, ErrConflict):
		return &Error{Code: "conflict", Msg: "another webhook for this call was answered meanwhile"}
	case err != nil:
		return err
	}
	res.filled = true
	return nil
}

// endWithAnswer frees the session of a call that ended and keeps the
// acknowledgement as the delivery's answer in one round trip, with a
// CallStore (a deletion whatever the session's revision).
func (c *call) endWithAnswer() *Result {
	res := c.ack(Ended)
	if !keepAnswer(res.Reply) {
		c.e.store.Delete(c.io(), c.sessionKey())
		return res
	}
	if _, err := c.e.calls.SaveAndFill(c.io(), SessionWrite{Key: c.sessionKey()}, c.dl.claim, res.Reply, answersTTL); err == nil {
		res.filled = true
	}
	return res
}

// sessionWrite is what save would write: the session of a call waiting on
// a capture, or the deletion of the session of a call that ended; false
// when there is nothing to write (a new call that ended).
func (c *call) sessionWrite() (SessionWrite, bool) {
	switch {
	case c.suspended:
		return SessionWrite{Key: c.sessionKey(), Rev: c.rev, Session: c.sess, TTL: c.e.ttl}, true
	case c.rev != 0:
		return SessionWrite{Key: c.sessionKey(), Rev: c.rev}, true
	}
	return SessionWrite{}, false
}

func errorReply(status int, code, msg string) platform.Reply {
	return platform.Reply{Status: status, Body: platform.ErrorBody(code, msg)}
}
