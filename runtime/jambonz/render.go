package jambonz

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// ack is the answer to a status event.
var ack = []byte("{}")

// Render answers a webhook. A status event gets 200 {}. Otherwise each
// action becomes a verb, in order: say, play, gather (a capture, always
// the last, its actionHook a URL on this server carrying r.Resume), dial
// (a makeCall to a phone number, a SIP URI or a user; with outcome blocks
// the last, with an actionHook too), pause and hangup. No actions at all is
// [hangup]; KeepBound, which jambonz cannot express, is a hangup. An
// action jambonz has no verb for (agent, ivr, callback, campaign), a
// makeCall that records, or any action after a gather or a hangup is a
// *platform.ActionError naming it.
func (*Adapter) Render(ev *platform.Event, r *platform.Response) (platform.Reply, error) {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: ack}, nil
	}
	var actions []platform.Action
	var resume string
	if r != nil {
		actions, resume = r.Actions, r.Resume
	}
	verbs := make([]any, 0, len(actions)+1)
	last := ""
	for i, a := range actions {
		if last != "" {
			return platform.Reply{}, &platform.ActionError{Index: i, Err: fmt.Errorf("jambonz: %s comes after %s, which must be the last verb", platform.ActionName(a), last)}
		}
		v, err := verb(ev, a, resume)
		if err != nil {
			return platform.Reply{}, &platform.ActionError{Index: i, Err: fmt.Errorf("jambonz: %w", err)}
		}
		switch v := v.(type) {
		case gather, hangup:
			last = platform.ActionName(a)
		case dial:
			if v.ActionHook != "" { // the flow goes on when the bridged call ends
				last = platform.ActionName(a) + " with outcomes"
			}
		}
		verbs = append(verbs, v)
	}
	if len(actions) == 0 {
		verbs = append(verbs, hangup{Verb: "hangup"})
	}
	b, err := platform.Marshal(verbs)
	if err != nil {
		return platform.Reply{}, fmt.Errorf("jambonz: %w", err)
	}
	return platform.Reply{Status: http.StatusOK, Body: b}, nil
}

// verb is the jambonz verb of one action.
func verb(ev *platform.Event, a platform.Action, resume string) (any, error) {
	switch a := a.(type) {
	case platform.Say:
		return say{Verb: "say", Text: a.Text, Synthesizer: synth(a.Voice, a.Language), Loop: loop(a.Repeat)}, nil
	case platform.Play:
		return play{Verb: "play", URL: a.URL, Loop: loop(a.Repeat)}, nil
	case platform.Pause:
		return pause{Verb: "pause", Length: max(seconds(a.Length), 1)}, nil
	case platform.Capture:
		return renderGather(ev, a, resume)
	case platform.MakeCall:
		return renderDial(ev, a, resume)
	case platform.Hangup, platform.KeepBound:
		return hangup{Verb: "hangup"}, nil
	}
	return nil, fmt.Errorf("has no verb for %s", platform.ActionName(a))
}

// renderGather is a capture: digits only, an exact count as numDigits,
// timeouts in whole seconds rounded up, the prompt nested, and the
// actionHook that resumes the call.
func renderGather(ev *platform.Event, c platform.Capture, resume string) (gather, error) {
	if resume == "" {
		return gather{}, errors.New("a gather needs the resume token for its actionHook")
	}
	g := gather{Verb: "gather", Input: []string{"digits"}, FinishOnKey: c.End,
		Timeout: seconds(c.Timeout), InterDigitTimeout: seconds(c.DigitTimeout),
		ActionHook: actionURL(ev, resume)}
	if c.MinDigits == c.MaxDigits && c.MaxDigits > 0 {
		g.NumDigits = c.MaxDigits
	} else {
		g.MinDigits, g.MaxDigits = c.MinDigits, c.MaxDigits
	}
	switch {
	case c.Audio:
		g.Play = &play{URL: c.Prompt}
	case c.Prompt != "":
		g.Say = &say{Text: c.Prompt, Synthesizer: synth(c.Voice, "")}
	}
	g.DTMFBargein = c.BargeIn
	return g, nil
}

// seconds is d in whole seconds, rounded up; 0 for none.
func seconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Seconds()))
}

// loop is a repetition count; 0 (once) is left out.
func loop(n int) int {
	if n <= 1 {
		return 0
	}
	return n
}

// hookPath is the path of the hook a call started on, for an actionHook
// that reaches the same flow.
const hookPath = "/hooks/jambonz"

// actionURL is the URL jambonz posts a verb's result to: the path the
// webhook came to (so a flow named in it stays named), below the server's
// public base URL, with the resume token and, in AfterParam, a digest of
// the delivery this answer answers. The token names the pending gather,
// which is the same on every try; the digest tells two tries apart, so
// each actionHook is its own delivery while a retried one (the same URL)
// gets the same answer. Without a request (callflow run and test) the
// path is hookPath.
func actionURL(ev *platform.Event, resume string) string {
	q := url.Values{ResumeParam: {resume}}
	if ev != nil {
		q.Set(AfterParam, after(ev.Delivery))
	}
	if ev == nil || ev.Request == nil {
		return (&platform.Inbound{}).ActionURL(hookPath, q)
	}
	in := ev.Request
	p := hookPath
	if in.URL != nil && in.URL.Path != "" {
		p = in.URL.Path
		if in.Base != nil {
			p = "/" + strings.TrimPrefix(strings.TrimPrefix(p, strings.TrimSuffix(in.Base.Path, "/")), "/")
		}
	}
	return in.ActionURL(p, q)
}

// Fallback is the safe answer: a status event gets 200 {}; a call hears
// opts.Apology, if configured, in the application's voice (opts.Voice is
// another platform's profile), and is hung up.
func (*Adapter) Fallback(ev *platform.Event, opts platform.FallbackOptions) platform.Reply {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: ack}
	}
	verbs := []any{}
	if opts.Apology != "" {
		verbs = append(verbs, say{Verb: "say", Text: opts.Apology})
	}
	b, _ := platform.Marshal(append(verbs, hangup{Verb: "hangup"})) // strings always encode
	return platform.Reply{Status: http.StatusOK, Body: b}
}

// after is the digest of a delivery id an actionHook URL carries.
func after(delivery string) string {
	sum := sha256.Sum256([]byte(delivery))
	return hex.EncodeToString(sum[:8])
}
