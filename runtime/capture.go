package runtime

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/token"
)

// capture prompts and suspends the call; tries is the attempts left, which
// the platform spends on timeouts and wrong lengths itself.
func (c *call) capture(in *ir.Capture, pc, tries int) error {
	a := platform.Capture{MinDigits: in.MinDigits, MaxDigits: in.MaxDigits, End: in.End,
		Timeout: in.Timeout, DigitTimeout: in.DigitTimeout, Tries: tries}
	var err error
	if a.Prompt, err = c.evalText(in.Prompt); err != nil {
		return err
	}
	if a.Success, err = c.evalText(in.Success); err != nil {
		return err
	}
	if a.Failure, err = c.evalText(in.Failure); err != nil {
		return err
	}
	if a.Voice, a.Speed, err = c.voice(in.Voice, in.Speed); err != nil {
		return err
	}
	c.emit(in, a)
	c.suspended = true
	c.sess.Handler, c.sess.PC, c.sess.Tries = c.handler, pc, tries
	expires := c.now.Add(c.e.ttl)
	c.resp.Resume = c.e.signer.Encode(token.Token{Flow: c.flow.Name, Version: c.flow.Version,
		Handler: c.handler, PC: pc, Session: c.ev.Session, Expires: expires})
	c.sess.Resume, c.sess.ResumeExpires = c.resp.Resume, expires.Truncate(time.Second) // tokens keep seconds
	return nil
}

// resume continues a call whose capture the caller has answered.
func (c *call) resume() error {
	sess, rev, err := c.loadSession()
	switch {
	case errors.Is(err, ErrNotFound):
		return &Error{Code: "no-session", Msg: "no session for this call (unknown or expired)", Err: err}
	case err != nil: // a shared store that failed, or holds what is not a session
		return &Error{Code: "no-session", Msg: "the session store failed: " + err.Error(), Err: err}
	}
	if sess == nil {
		return &Error{Code: "bad-session", Msg: "the session store returned no session and no error"}
	}
	if err := c.checkResume(sess); err != nil {
		return err
	}
	c.sess, c.rev = sess, rev
	if c.flow = c.e.version(sess.Flow, sess.Version, c.arrived); c.flow == nil {
		if c.flow, err = c.fetchVersion(sess); c.flow == nil {
			return err
		}
	}
	if err := CheckSession(c.flow, sess); err != nil {
		return &Error{Code: "bad-session", Msg: err.Error(), Flow: c.flow.Name, Err: err}
	}
	in := c.flow.Handlers[sess.Handler].Code[sess.PC].(*ir.Capture)
	c.handler = sess.Handler
	c.last = in.Position()
	accept, err := c.acceptList(in)
	if err != nil {
		return err
	}
	value, retry := c.entry(in, accept)
	if retry {
		return c.retry(in)
	}
	if c.trace != nil {
		c.traceNote(in.At, "capture "+in.Var+" = "+quote(value))
	}
	c.setVar(in.Var, value)
	return c.run(sess.Handler, sess.PC+1)
}

// fetchVersion returns the flow version sess is pinned to from the bundle
// store (WithBundleStore), as it is not loaded here, or the error that
// ends the call.
func (c *call) fetchVersion(sess *Session) (*ir.Flow, error) {
	f, err := c.e.fetchVersion(c.io(), sess.Flow, sess.Version, c.arrived)
	switch {
	case err != nil:
		return nil, &Error{Code: "no-flow", Msg: "flow " + sess.Flow + " version " + sess.Version + " is not loaded here and cannot be fetched: " + err.Error(), Err: err}
	case f == nil:
		return nil, &Error{Code: "no-flow", Msg: "flow " + sess.Flow + " version " + sess.Version + " is no longer loaded"}
	}
	return f, nil
}

// checkResume accepts the clientActionId the webhook brings back when it is
// the one issued with the session's pending capture and has not expired:
// that one was signed here, so comparing is enough. Any other is verified
// in full, to log why it is refused (forged, expired, another call's, or an
// authentic one for an earlier step).
func (c *call) checkResume(sess *Session) error {
	if sess.Resume != "" && sameString(c.ev.Resume, sess.Resume) && c.now.Before(sess.ResumeExpires) {
		return nil
	}
	tok, err := c.e.signer.Decode(c.ev.Resume, c.ev.Session, c.now)
	if err != nil {
		return &Error{Code: "bad-token", Msg: "clientActionId rejected: " + tokenReason(err), Err: err}
	}
	if tok.Flow != sess.Flow || tok.Version != sess.Version || tok.Handler != sess.Handler || tok.PC != sess.PC {
		return &Error{Code: "bad-token", Msg: "clientActionId does not name the call's pending capture"}
	}
	return nil
}

// sameString compares in time that depends only on the length, so a
// caller cannot find the stored token byte by byte by timing answers.
func sameString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var diff byte
	for i := range len(a) {
		diff |= a[i] ^ b[i]
	}
	return diff == 0
}

// entry applies accept and tries to what the caller entered: the value to
// store, or retry when a wrong entry leaves attempts.
func (c *call) entry(in *ir.Capture, accept []string) (string, bool) {
	if c.ev.Digits == nil {
		return "", false // the platform spent every attempt on silence
	}
	d := *c.ev.Digits
	if in.End != "" {
		d = strings.TrimSuffix(d, in.End) // the key that ended entry is not part of it
	}
	if len(accept) == 0 || slices.Contains(accept, d) {
		return d, false
	}
	if c.trace != nil {
		c.traceNote(in.At, "entry "+quote(d)+" is not accepted")
	}
	return "", c.sess.Tries > 1
}

// retry says the failure message and prompts again with one attempt fewer.
func (c *call) retry(in *ir.Capture) error {
	if in.Failure != nil {
		text, err := c.evalText(in.Failure)
		if err != nil {
			return err
		}
		voice, speed, err := c.voice(in.Voice, in.Speed)
		if err != nil {
			return err
		}
		if text != "" { // no failure message to say
			c.emit(in, platform.Say{Text: text, Voice: voice, Speed: speed})
		}
	}
	return c.capture(in, c.sess.PC, c.sess.Tries-1)
}

func tokenReason(err error) string {
	switch {
	case errors.Is(err, token.ErrExpired):
		return "expired"
	case errors.Is(err, token.ErrForged):
		return "signature does not match"
	}
	return "malformed"
}

// SessionError says why a session does not fit its flow. Field is the
// session's JSON field: h (the handler) or pc (the instruction).
type SessionError struct {
	Field string
	Msg   string
}

// Error names the field and what is wrong with it.
func (e *SessionError) Error() string { return "session field " + e.Field + ": " + e.Msg }

// CheckSession checks that a session, from any store, fits f, the flow
// version it is pinned to: the pending capture it names must be there. A
// stale or corrupted store entry is a *SessionError, never a panic.
func CheckSession(f *ir.Flow, s *Session) error {
	h := f.Handlers[s.Handler]
	if h == nil {
		return &SessionError{"h", fmt.Sprintf("flow %s (version %s) has no handler %q", f.Name, f.Version, s.Handler)}
	}
	if s.PC < 0 || s.PC >= len(h.Code) {
		return &SessionError{"pc", fmt.Sprintf("instruction %d is out of range: handler %s has %d", s.PC, s.Handler, len(h.Code))}
	}
	if _, ok := h.Code[s.PC].(*ir.Capture); !ok {
		return &SessionError{"pc", fmt.Sprintf("instruction %d of handler %s is not a capture", s.PC, s.Handler)}
	}
	return nil
}

// acceptList is what a capture accepts: its accept strings, or the list
// its accept expression yields now, which must hold only strings (a run
// time type error otherwise: the safe fallback, at the accept value).
func (c *call) acceptList(in *ir.Capture) ([]string, error) {
	if in.AcceptList == nil {
		return in.Accept, nil
	}
	v, err := c.eval(in.AcceptList)
	if err != nil {
		return nil, err
	}
	out := append([]string(nil), in.Accept...) // strings written beside the list
	switch list := v.(type) {
	case []string:
		return append(out, list...), nil
	case []any:
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				return nil, c.typeError(in.AcceptList, "a list of strings", v)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, c.typeError(in.AcceptList, "a list of strings", v)
}
