package runtime_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// platformCall walks one call on any platform as the platform would: each
// webhook built by the platform's adapter with the headers its
// declaration gives, sent to the URL the previous answer named (an
// action URL carrying the resume token, platform.WebhookTarget), and
// echoing the token of the step the call waits at.
type platformCall struct {
	t      testing.TB
	eng    *runtime.Engine
	decl   *platform.Declaration
	call   platform.Call // session, caller and callee
	at     time.Time
	given  map[string]any
	n      int
	last   *runtime.Result
	failed int // tries the platform judged failed itself since the last answer
	steps  []step
}

func newPlatformCall(t testing.TB, eng *runtime.Engine, name, session, caller, callee string, at time.Time) *platformCall {
	t.Helper()
	d, ok := runtime.LookupPlatform(name)
	if !ok {
		t.Fatalf("no platform %s", name)
	}
	return &platformCall{t: t, eng: eng, decl: d, at: at,
		call: platform.Call{Session: session, Caller: caller, Callee: callee}}
}

// send builds the webhook pc (over the call's session, caller and callee),
// serves it and records the answer as a transcript step named sent.
func (c *platformCall) send(sent string, pc platform.Call) *runtime.Result {
	c.t.Helper()
	c.n++
	pc.Session, pc.Caller, pc.Callee = c.call.Session, c.call.Caller, c.call.Callee
	pc.At = c.at.Add(time.Duration(c.n) * 10 * time.Second)
	pc.Delivery = fmt.Sprintf("%s-event-%d", pc.Session, c.n)
	if c.last != nil && c.last.Response != nil {
		pc.Resume = c.last.Response.Resume // 8x8's clientActionId, or the token of an action URL
	}
	body, err := c.decl.Adapter.Webhook(pc)
	if err != nil {
		c.t.Fatalf("%s: %s webhook: %v", sent, c.decl.Name(), err)
	}
	req := &runtime.Request{Platform: c.decl.Name(), Body: body, Header: c.decl.WebhookHeader(), Now: pc.At, Given: c.given}
	if wt, ok := c.decl.Adapter.(platform.WebhookTarget); ok {
		var last []byte
		if c.last != nil {
			last = c.last.Reply.Body
		}
		if req.URL, err = wt.WebhookURL(pc, last); err != nil {
			c.t.Fatalf("%s: where the webhook goes: %v", sent, err)
		}
	}
	res := serve(c.t, c.eng, req)
	if res.Err != nil || res.Outcome != runtime.Answered || res.Reply.Status != 200 {
		c.t.Errorf("%s on %s: outcome %s status %d err %v, want answered 200", sent, c.decl.Name(), res.Outcome, res.Reply.Status, res.Err)
	}
	c.last = res
	c.steps = append(c.steps, record(c.t, sent, res))
	return res
}

// start is the call arriving.
func (c *platformCall) start() *runtime.Result { return c.send("call", platform.Call{}) }

// press is one try at the capture the call waits at: keys ("" is none
// before the timeout), judged by the platform's keypad as the caller's
// phone would be. A try the platform judges failed itself, with tries
// left, sends nothing (8x8's noOfTries): it returns nil and the
// transcript says so.
func (c *platformCall) press(keys string) *runtime.Result {
	c.t.Helper()
	sent := "keys " + keys
	if keys == "" {
		sent = "no keys"
	}
	kp, ok := c.decl.Adapter.(platform.Keypad)
	if !ok {
		c.t.Fatalf("%s collects no keys", c.decl.Name())
	}
	entry, err := kp.Press(c.last.Reply.Body, c.failed, keys)
	if err != nil {
		c.t.Fatalf("%s: %v", sent, err)
	}
	if !entry.Post {
		c.failed++
		c.steps = append(c.steps, step{Sent: sent + " (" + c.decl.Name() + " judges the try failed and asks again itself)", Body: []byte("null")})
		return nil
	}
	c.failed = 0
	return c.send(sent, platform.Call{Digits: entry.Digits, NoInput: entry.Digits == nil})
}

// dial reports how the bridged call of the makeCall the call waits at ended.
func (c *platformCall) dial(o lplatform.DialOutcome) *runtime.Result {
	return c.send("dial "+string(o), platform.Call{DialOutcome: o})
}

// recorded ends the recording the call waits at, its URL url.
func (c *platformCall) recorded(url string) *runtime.Result {
	return c.send(fmt.Sprintf("recorded %q", url), platform.Call{Recorded: true, RecordingURL: url})
}

// offline is an engine option for flows whose lookups and posts name
// hosts on the internet: every request fails at once, as if the host were
// down, so the flow takes its else value and the test stays on loopback.
func offline() runtime.Option {
	return runtime.WithHTTPClient(&http.Client{Transport: refuseAll{}})
}

type refuseAll struct{}

func (refuseAll) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("offline test: no request leaves the machine (" + r.URL.Host + ")")
}
