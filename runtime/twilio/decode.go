package twilio

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// ended are the CallStatus values of a call that is over: a status
// callback carrying one frees the call's session.
var ended = map[string]bool{"completed": true, "busy": true, "failed": true, "no-answer": true, "canceled": true}

// Decode reads a webhook from its form-encoded body alone, for callers
// without the request (`callflow run`); a body without a Content-Type is
// taken as a form. DecodeRequest is the server's way in.
func (a *Adapter) Decode(body []byte, header http.Header) (*platform.Event, error) {
	if header.Get("Content-Type") == "" {
		header = header.Clone()
		if header == nil {
			header = http.Header{}
		}
		header.Set("Content-Type", platform.FormType)
	}
	return a.DecodeRequest(&platform.Inbound{Method: http.MethodPost, Header: header, Body: body})
}

// DecodeRequest reads a webhook's parameters from the query and the form
// body (platform.Inbound.Form).
//
// A request carrying a resume parameter (the action URL of a <Gather> this
// adapter rendered) is capture input: Digits, nil when empty or absent,
// and the token in Event.Resume; its delivery id is CallSid and the
// parameter, the token and the nonce of the answer that rendered it (see
// actionURL), so each try of a capture is its own delivery.
// A <Dial>'s action maps DialCallStatus onto Event.DialOutcome (completed
// and answered: completed; busy; no-answer: noanswer; failed and
// canceled: failed); a <Record>'s sets Event.RecordingURL from
// RecordingUrl, and the <Redirect> after a <Record> that caught nothing
// comes without one (RecordingURL ""). Neither has Digits.
// A CallStatus of a call that is over (completed, busy, failed, no-answer,
// canceled) is the call's end; another status callback (one with
// CallbackSource) is information only. Anything else is a new call, whose
// delivery id is CallSid: Twilio repeats a request only when the
// connection failed, and the repeat gets the same answer.
//
// Every parameter is kept in Event.Raw (`event` in expressions), as a
// string, or a list of strings when repeated. CallSid is required, To on a
// new call; a parameter the adapter reads that is repeated with different
// values, a resume parameter with no token before its ".", Digits with a
// character no keypad has, and ids or numbers longer than the platform's
// bounds are a *platform.DecodeError naming the parameter.
func (*Adapter) DecodeRequest(in *platform.Inbound) (*platform.Event, error) {
	f, err := readForm(in)
	if err != nil {
		return nil, err
	}
	p := params{f: f}
	ev := &platform.Event{Platform: Name, Session: p.get("CallSid"), Caller: p.get("From"), Callee: p.get("To"),
		Raw: raw(f), Request: in}
	resume, status, digits := p.get(ResumeParam), p.get("CallStatus"), p.get("Digits")
	if p.err != nil {
		return nil, p.err
	}
	switch {
	case ev.Session == "":
		return nil, &platform.DecodeError{Field: "CallSid", Msg: "is missing: a Twilio voice webhook names its call"}
	case resume != "":
		ev.Kind, ev.Delivery = platform.Input, ev.Session+"|"+resume
		ev.Resume, _, _ = strings.Cut(resume, ".") // the token, without the step's nonce
		if ev.Resume == "" {
			return nil, &platform.DecodeError{Field: ResumeParam, Msg: platform.Quote(resume) + " holds no token before its \".\": the parameter is the action URL's as this server's answer wrote it, token.nonce"}
		}
		switch {
		case f.Has("DialCallStatus"):
			st := p.get("DialCallStatus")
			o, ok := outcomes[st]
			if !ok && p.err == nil {
				return nil, &platform.DecodeError{Field: "DialCallStatus", Msg: platform.Quote(st) + " is not a status Twilio reports (completed, answered, busy, no-answer, failed, canceled)"}
			}
			ev.DialOutcome, digits = o, ""
		case f.Has("RecordingUrl"):
			// Digits is the key that ended the recording, or "hangup".
			ev.RecordingURL, digits = p.get("RecordingUrl"), ""
		case digits != "":
			ev.Digits = &digits
		}
		if p.err != nil {
			return nil, p.err
		}
	case ended[status]:
		ev.Kind = platform.CallEnded
	case f.Has("CallbackSource"):
		ev.Kind = platform.Status
	default:
		ev.Kind, ev.Delivery = platform.CallStarted, ev.Session
		if ev.Callee == "" {
			return nil, &platform.DecodeError{Field: "To", Msg: "is missing: a new call needs the called number"}
		}
	}
	return ev, check(ev, digits)
}

// readForm is the request's parameters. A raw line break never ends a form
// (one in a value is %0A), but a form saved to a file for `callflow run`
// often ends in one: it is not part of the last value.
func readForm(in *platform.Inbound) (url.Values, error) {
	if trimmed := bytes.TrimRight(in.Body, "\r\n"); len(trimmed) != len(in.Body) {
		c := *in
		c.Body = trimmed
		return c.Form()
	}
	return in.Form()
}

// check bounds what the event keeps, naming the parameter.
func check(ev *platform.Event, digits string) error {
	for _, c := range []struct {
		field, v string
		check    func(string, string) error
	}{
		{"CallSid", ev.Session, platform.CheckID},
		{ResumeParam, ev.Resume, platform.CheckID},
		{"Digits", digits, platform.CheckID},
		{"RecordingUrl", ev.RecordingURL, checkURL},
		{"From", ev.Caller, platform.CheckNumber},
		{"To", ev.Callee, platform.CheckNumber},
	} {
		if err := c.check(c.field, c.v); err != nil {
			return err
		}
	}
	if i := strings.IndexFunc(digits, func(r rune) bool { return !strings.ContainsRune(keys, r) }); i >= 0 {
		return &platform.DecodeError{Field: "Digits", Msg: platform.Quote(digits) + " holds a character no keypad has (0-9, *, #)"}
	}
	return nil
}

// outcomes maps Twilio's DialCallStatus onto the flow's outcome blocks.
var outcomes = map[string]lplatform.DialOutcome{
	"completed": lplatform.DialCompleted, "answered": lplatform.DialCompleted,
	"busy": lplatform.DialBusy, "no-answer": lplatform.DialNoAnswer,
	"failed": lplatform.DialFailed, "canceled": lplatform.DialFailed,
}

// maxURL is the longest RecordingUrl taken: Twilio's are about 120 bytes.
const maxURL = 2048

func checkURL(field, u string) error {
	if len(u) <= maxURL {
		return nil
	}
	return &platform.DecodeError{Field: field, Msg: fmt.Sprintf("is %d bytes long; URLs are at most %d bytes", len(u), maxURL)}
}

// keys are the keys of a phone's keypad.
const keys = "0123456789*#"

// params reads single-valued parameters, keeping the first error.
type params struct {
	f   url.Values
	err error
}

// get is the parameter's value: "" when absent; an error when it is
// repeated with different values, which no Twilio request has.
func (p *params) get(name string) string {
	vs := p.f[name]
	if len(vs) == 0 {
		return ""
	}
	for _, v := range vs[1:] {
		if v != vs[0] && p.err == nil {
			p.err = &platform.DecodeError{Field: name, Msg: "is repeated with different values"}
		}
	}
	return vs[0]
}

// raw is the webhook as `event` sees it.
func raw(f url.Values) map[string]any {
	m := make(map[string]any, len(f))
	for k, vs := range f {
		if len(vs) == 1 {
			m[k] = vs[0]
			continue
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		m[k] = list
	}
	return m
}
