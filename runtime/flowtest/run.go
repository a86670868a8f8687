package flowtest

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// secret signs 8x8 resume tokens in tests, so replies are reproducible.
var secret = []byte("callflow test secret, not for production")

// errNoNetwork is what every HTTP request made during a test fails with.
var errNoNetwork = errors.New("no network in tests")

type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) { return nil, errNoNetwork }

// declaration is the platform named name: the registry's, or one
// WithPlatform gave.
func (c *config) declaration(name string) (*platform.Declaration, bool) {
	for _, d := range c.extra {
		if d.Name() == name {
			return d, true
		}
	}
	return runtime.LookupPlatform(name)
}

// adapter is the adapter of the platform declared as name.
func (c *config) adapter(name string) platform.Adapter {
	if d, ok := c.declaration(name); ok {
		return d.Adapter
	}
	return nil
}

// tester runs one test.
type tester struct {
	ctx  context.Context
	cfg  *config
	prog *ir.Program
	flow *ir.Flow
	file *ast.File // the file holding the test
	name string
	cov  *coverage
	env  *evaluator
	eng  *runtime.Engine

	given   map[string]any
	calls   int
	cur     *callState // the latest call
	pending *webhook   // built by call or press, sent when the next statement needs it

	last    *runtime.Result // the reply to the latest webhook
	matched int             // actions of last.Response an expect has matched: later expects look after them
	prev    string          // the action matched last, for messages
	why     string          // how the nearest action differed from the expected one, for messages

	// failed counts the tries the platform itself judged failed since
	// last (platform.Keypad); again is what it did meanwhile: the
	// capture's failure message and the prompt again. nil after a webhook.
	failed int
	again  []platform.Action

	// posts are the post steps the latest webhook ran (none after a try
	// the platform judged itself); postsMatched of them an expect post
	// has matched.
	posts        []runtime.TracePost
	postsMatched int
}

// callState is a call a test started.
type callState struct {
	platform string
	ad       platform.Adapter
	session  string
	caller   string
	callee   string
	at       time.Time
	route    string // the flow named in the webhook's URL; "" routes by the called number
}

// webhook is a webhook waiting to be sent.
type webhook struct {
	at   source.Span // the call or press that built it
	what string
	call platform.Call
}

func runTest(ctx context.Context, cfg *config, prog *ir.Program, f *ir.Flow, file *ast.File, t *ast.Test, name string, cov *coverage) *Failure {
	opts := []runtime.Option{
		runtime.WithFlows(prog),
		runtime.WithSecret(secret),
		runtime.WithClock(func() time.Time { return cfg.now }),
		runtime.WithHTTPClient(&http.Client{Transport: noNetwork{}}),
	}
	for _, d := range cfg.extra {
		opts = append(opts, runtime.WithPlatform(d))
	}
	eng, err := runtime.New(opts...)
	if err != nil {
		return &Failure{At: t.At, Msg: err.Error()}
	}
	ts := &tester{ctx: ctx, cfg: cfg, prog: prog, flow: f, file: file, name: name, cov: cov,
		env: newEvaluator(f), eng: eng, given: map[string]any{}}
	for _, s := range t.Stmts {
		if fail := ts.stmt(s); fail != nil {
			return fail
		}
	}
	return ts.flush()
}

func (t *tester) stmt(s ast.TestStmt) *Failure {
	if _, ok := s.(*ast.Given); !ok {
		// A webhook goes out when the next statement other than given
		// comes: the givens written after a call apply to it.
		if fail := t.flush(); fail != nil {
			return fail
		}
	}
	switch s := s.(type) {
	case *ast.Call:
		return t.call(s)
	case *ast.Given:
		return t.givenStmt(s)
	case *ast.Press:
		return t.press(s)
	case *ast.Expect:
		return t.expect(s)
	case *ast.Dial:
		return t.dial(s)
	case *ast.Recorded:
		return t.recorded(s)
	}
	return &Failure{At: s.Span(), Msg: fmt.Sprintf("unknown test statement %T", s)}
}

func (t *tester) call(s *ast.Call) *Failure {
	fail := func(format string, args ...any) *Failure {
		return &Failure{At: s.Span(), Msg: "call: " + fmt.Sprintf(format, args...)}
	}
	ad := t.cfg.adapter(s.Platform.Name)
	if ad == nil {
		return fail("unknown platform %q", s.Platform.Name)
	}
	from, err := t.env.text(s.From)
	if err != nil {
		return fail("from: %v", err)
	}
	to, err := t.env.text(s.To)
	if err != nil {
		return fail("to: %v", err)
	}
	at := t.cfg.now
	if s.At != nil {
		v, err := t.env.text(s.At)
		if err != nil {
			return fail("at: %v", err)
		}
		if at, err = time.Parse(time.RFC3339, v); err != nil {
			return fail("at %q is not an RFC 3339 time such as 2026-11-23T10:00:00+08:00", v)
		}
	}
	var data map[string]any
	if s.Data != nil {
		v, err := t.env.eval(s.Data)
		if err != nil {
			return fail("data: %v", err)
		}
		if v != nil {
			m, ok := v.(map[string]any)
			if !ok {
				return fail("data must be a map, not %T", v)
			}
			data = m
		}
	}
	t.calls++
	c := &callState{platform: ad.Name(), ad: ad, session: sessionID(t.flow.Name, t.name, t.calls),
		caller: from, callee: to, at: at, route: t.route(ad.Name())}
	w := platform.Call{Session: c.session, Caller: from, Callee: to, At: at, Data: data}
	if d, ok := t.cfg.declaration(c.platform); ok && d.Facts.KeepsBound() {
		// Tencent has no data: it names the route the number is bound to,
		// which the end of a handler keeps.
		w.Data = nil
		if w.Bound, err = bound(data); err != nil {
			return fail("data: %v", err)
		}
	}
	t.cur = c
	t.pending = &webhook{at: s.Span(), what: "call", call: w}
	return nil
}

// bound reads the AIAgentId and IvrId of a tencent call's data.
func bound(data map[string]any) (platform.Bound, error) {
	var b platform.Bound
	for key, dst := range map[string]*int64{"AIAgentId": &b.AgentID, "IvrId": &b.IVRID} {
		v, ok := data[key]
		if !ok {
			continue
		}
		n, ok := number(v)
		if !ok || n < 0 || n != float64(int64(n)) {
			return b, fmt.Errorf("%s must be a whole number, not %v", key, v)
		}
		*dst = int64(n)
	}
	for key := range data {
		if key != "AIAgentId" && key != "IvrId" {
			return b, fmt.Errorf("a tencent call takes only AIAgentId and IvrId (the number's bound route), not %q", key)
		}
	}
	return b, nil
}

func (t *tester) press(s *ast.Press) *Failure {
	fail := func(format string, args ...any) *Failure {
		return &Failure{At: s.At, Msg: "press: " + fmt.Sprintf(format, args...)}
	}
	digits, err := t.env.text(s.Digits)
	if err != nil {
		return fail("%v", err)
	}
	if t.cur == nil || t.last == nil {
		return fail("no call is waiting for digits: write a call first")
	}
	if _, ok := t.pendingCapture(); !ok {
		return fail("no capture is waiting for digits; the last reply holds %s", describeActions(t.actions(), t.captureVar()))
	}
	kp, ok := t.cur.ad.(platform.Keypad)
	if !ok {
		return fail("%s collects no digits", t.cur.platform)
	}
	entry, err := kp.Press(t.last.Reply.Body, t.failed, digits)
	if err != nil {
		return fail("%v", err)
	}
	if !entry.Post {
		// The platform judged the try failed and prompts again itself:
		// no webhook; expects see its failure message and the prompt.
		t.failed++
		t.again, t.matched, t.prev = t.platformRetry(entry.Says), 0, ""
		t.posts, t.postsMatched = nil, 0
		return nil
	}
	token := clientActionID(t.last)
	w := platform.Call{Session: t.cur.session, Caller: t.cur.caller, Callee: t.cur.callee, At: t.cur.at, Resume: token,
		Digits: entry.Digits, NoInput: entry.Digits == nil}
	t.pending = &webhook{at: s.At, what: "press", call: w}
	return nil
}

// platformRetry is what a platform does when it judges a try failed with
// tries left: it says says, if anything, in the capture's voice, and
// prompts again.
func (t *tester) platformRetry(says string) []platform.Action {
	acts := t.last.Response.Actions
	c := acts[len(acts)-1].(platform.Capture) // pendingCapture made sure
	if says == "" {
		return []platform.Action{c}
	}
	return []platform.Action{platform.Say{Text: says, Voice: c.Voice, Speed: c.Speed}, c}
}

// clientActionID is the resume token the last reply carries.
func clientActionID(res *runtime.Result) string {
	var body struct {
		ClientActionID string `json:"clientActionId"`
	}
	if json.Unmarshal(res.Reply.Body, &body) == nil && body.ClientActionID != "" {
		return body.ClientActionID
	}
	if res.Response != nil {
		return res.Response.Resume
	}
	return ""
}

// flush sends the pending webhook, if any.
func (t *tester) flush() *Failure {
	w := t.pending
	if w == nil {
		return nil
	}
	t.pending = nil
	body, err := t.cur.ad.Webhook(w.call)
	if err != nil {
		return &Failure{At: w.at, Msg: fmt.Sprintf("%s: cannot build the webhook: %v", w.what, err)}
	}
	var header http.Header
	if d, ok := t.cfg.declaration(t.cur.platform); ok {
		header = d.WebhookHeader()
	}
	req := &runtime.Request{Platform: t.cur.platform, Flow: t.cur.route, Body: body, Header: header,
		Now: t.cur.at, Given: maps.Clone(t.given), Trace: true}
	if wt, ok := t.cur.ad.(platform.WebhookTarget); ok {
		var last []byte
		if t.last != nil {
			last = t.last.Reply.Body
		}
		if req.URL, err = wt.WebhookURL(w.call, last); err != nil { // an action URL of the last answer
			return &Failure{At: w.at, Msg: fmt.Sprintf("%s: cannot tell where the webhook goes: %v", w.what, err)}
		}
	}
	res, err := t.eng.Serve(t.ctx, req)
	if fail := t.routed(w, res, err); fail != nil {
		return fail
	}
	if res != nil {
		t.cov.record(t.flow, res.Trace)
	}
	t.last, t.matched, t.prev, t.failed, t.again = res, 0, "", 0, nil
	t.posts, t.postsMatched = nil, 0
	if res != nil && res.Trace != nil {
		t.posts = res.Trace.Posts
	}
	switch {
	case res == nil:
		return &Failure{At: w.at, Msg: fmt.Sprintf("%s: no answer: %v", w.what, err)}
	case res.Outcome == runtime.Rejected:
		return &Failure{At: w.at, Msg: fmt.Sprintf("%s: the engine rejected the webhook: %v", w.what, err)}
	case res.Outcome == runtime.Fallback || err != nil:
		return &Failure{At: w.at, Msg: fmt.Sprintf("%s: the engine answered with the safe fallback: %v", w.what, err)}
	}
	return nil
}

// actions are the neutral actions of the last reply.
func (t *tester) actions() []platform.Action {
	if t.again != nil {
		return t.again
	}
	if t.last == nil || t.last.Response == nil {
		return nil
	}
	return t.last.Response.Actions
}

// pendingCapture is the capture the last reply waits on.
func (t *tester) pendingCapture() (*ir.Capture, bool) {
	in, ok := t.waitingAt().(*ir.Capture)
	return in, ok
}

// waitingAt is the step the last reply waits at (a capture, a record, a
// makeCall with outcome blocks), nil when it waits at none.
func (t *tester) waitingAt() ir.Instr {
	if t.last == nil || t.last.Session == nil {
		return nil
	}
	acts := t.actions()
	if len(acts) == 0 {
		return nil
	}
	switch a := acts[len(acts)-1].(type) {
	case platform.Capture, platform.Record:
	case platform.MakeCall:
		if !a.Continues {
			return nil
		}
	default:
		return nil
	}
	s := t.last.Session
	f := t.prog.Flow(s.Flow)
	if f == nil {
		return nil
	}
	h := f.Handlers[s.Handler]
	if h == nil || s.PC < 0 || s.PC >= len(h.Code) {
		return nil
	}
	return h.Code[s.PC]
}

// captureVar is the variable the last reply's capture fills, "" if none.
func (t *tester) captureVar() string {
	if in, ok := t.pendingCapture(); ok {
		return in.Var
	}
	return ""
}

// sessionID is a UUID-shaped session id, the same on every run, different
// for every call of every test.
func sessionID(flow, test string, n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", flow, test, n))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// givenStmt keeps a given for the next webhook: a lookup or table row by
// its name, a secret and a post's answer by runtime.GivenSecret and
// runtime.GivenPost.
func (t *tester) givenStmt(s *ast.Given) *Failure {
	key, what := "", ""
	switch {
	case s.Secret:
		key, what = runtime.GivenSecret(s.Name.Name), "secret "+s.Name.Name
	case s.Post != nil:
		u, err := t.env.eval(s.Post)
		if err != nil {
			return &Failure{At: s.Post.At, Msg: fmt.Sprintf("given post: %v", err)}
		}
		key, what = runtime.GivenPost(fmt.Sprint(u)), "post"
	default:
		key, what = s.Name.Name, s.Name.Name
	}
	v, err := t.env.eval(s.Value)
	if err != nil {
		return &Failure{At: s.Value.At, Msg: fmt.Sprintf("given %s: %v", what, err)}
	}
	t.given[key] = v
	return nil
}
