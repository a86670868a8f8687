package runtime

import (
	"errors"
	"fmt"
	"time"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/token"
)

// capture prompts for try (from 1) and suspends the call. Where the
// platform's own retry loop covers what the capture needs (ownLoop), the
// platform makes every try; otherwise it is asked for this one try, with
// any length up to the most digits, and resume judges the entry.
func (c *call) capture(in *ir.Capture, pc, try int) error {
	a := platform.Capture{MinDigits: in.MinDigits, MaxDigits: in.MaxDigits, End: in.End,
		Timeout: in.Timeout, DigitTimeout: in.DigitTimeout, Tries: in.Tries}
	var err error
	if a.Prompt, a.Audio, err = c.prompt(in, try); err != nil {
		return err
	}
	a.BargeIn = in.BargeIn
	if c.ownLoop(in) {
		if a.Success, err = c.evalText(in.Success); err != nil {
			return err
		}
		if a.Failure, err = c.evalText(ir.Nth(in.Failures, 1)); err != nil {
			return err
		}
	} else {
		// One try; a wrong length must reach resume as a no match, not
		// come back as no input after the platform rejected it.
		a.Tries, a.MinDigits = 1, min(in.MinDigits, 1)
	}
	if a.Voice, a.Speed, err = c.voice(in.Voice, in.Speed); err != nil {
		return err
	}
	c.emit(in, a)
	c.suspend(pc, try)
	return nil
}

// suspend makes the call wait at instruction pc (a capture on try, a
// record, a makeCall with outcome blocks): the session keeps where, and
// the answer carries the signed token the next webhook brings back.
func (c *call) suspend(pc, try int) {
	c.suspended = true
	c.sess.Handler, c.sess.PC, c.sess.Try = c.handler, pc, try
	expires := c.now.Add(c.e.ttl)
	c.resp.Resume = c.e.signer.Encode(token.Token{Flow: c.flow.Name, Version: c.flow.Version,
		Handler: c.handler, PC: pc, Session: c.ev.Session, Expires: expires})
	c.sess.Resume, c.sess.ResumeExpires = c.resp.Resume, expires.Truncate(time.Second) // tokens keep seconds
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
	// A webhook that resumes the call need not name its parties (Vonage's
	// input, recording and bridged-leg events do not): they are the call's.
	if c.ev.Caller == "" {
		c.ev.Caller = sess.Caller
	}
	if c.ev.Callee == "" {
		c.ev.Callee = sess.Callee
	}
	if c.flow = c.e.version(sess.Flow, sess.Version, c.arrived); c.flow == nil {
		if c.flow, err = c.fetchVersion(sess); c.flow == nil {
			return err
		}
	}
	if err := CheckSession(c.flow, sess); err != nil {
		return &Error{Code: "bad-session", Msg: err.Error(), Flow: c.flow.Name, Err: err}
	}
	in := c.flow.Handlers[sess.Handler].Code[sess.PC]
	c.handler = sess.Handler
	c.last = in.Position()
	switch in := in.(type) {
	case *ir.Record:
		return c.recorded(in)
	case *ir.MakeCall:
		return c.dialed(in)
	}
	return c.answered(in.(*ir.Capture)) // CheckSession let nothing else through
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
// caller cannot find the stored token byte by byte by timing answers. It
// reads eight bytes at a time (the compiler makes each word one load), with
// no branch on the bytes: a token is 72 characters, 9 words.
func sameString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var diff uint64
	i := 0
	for ; i+8 <= len(a); i += 8 {
		diff |= word(a, i) ^ word(b, i)
	}
	for ; i < len(a); i++ {
		diff |= uint64(a[i] ^ b[i])
	}
	return diff == 0
}

// word is the eight bytes of s from i, little-endian.
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
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
// version it is pinned to: the step it waits at (a capture, a record, a
// makeCall with outcome blocks) must be there. A stale or corrupted store
// entry is a *SessionError, never a panic.
func CheckSession(f *ir.Flow, s *Session) error {
	h := f.Handlers[s.Handler]
	if h == nil {
		return &SessionError{"h", fmt.Sprintf("flow %s (version %s) has no handler %q", f.Name, f.Version, s.Handler)}
	}
	if s.PC < 0 || s.PC >= len(h.Code) {
		return &SessionError{"pc", fmt.Sprintf("instruction %d is out of range: handler %s has %d", s.PC, s.Handler, len(h.Code))}
	}
	if !waits(h.Code[s.PC]) {
		return &SessionError{"pc", fmt.Sprintf("instruction %d of handler %s is not a capture, record or makeCall with outcome blocks", s.PC, s.Handler)}
	}
	if in, ok := h.Code[s.PC].(*ir.Capture); ok && (s.Try < 0 || s.Try > in.Tries) {
		return &SessionError{"try", fmt.Sprintf("try %d is out of range: the capture makes %d", s.Try, in.Tries)}
	}
	return checkFrames(f, s.Frames)
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
