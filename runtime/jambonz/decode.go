package jambonz

import (
	"errors"
	"net/http"
	"net/url"
	"path"

	"github.com/callflow/callflow/runtime/platform"
)

// ResumeParam is the query parameter of an actionHook URL that carries the
// engine's signed resume token.
const ResumeParam = "resume"

// AfterParam is the query parameter of an actionHook URL that tells the
// tries of one gather apart (see actionURL).
const AfterParam = "after"

// Gather actionHook reasons (reference platforms.md section 7).
const ReasonDigits = "dtmfDetected"

// Call statuses after which the call is over.
var ended = map[string]bool{"completed": true, "failed": true, "no-answer": true, "busy": true}

// Decode reads a webhook's body alone: a call hook POSTed as JSON (an
// actionHook needs its URL, see DecodeRequest).
func (a *Adapter) Decode(body []byte, header http.Header) (*platform.Event, error) {
	return a.DecodeRequest(&platform.Inbound{Method: http.MethodPost, Header: header, Body: body})
}

// DecodeRequest reads a webhook: its fields from the JSON body of a POST,
// or from the query of a GET. A request to the status hook (StatusPath) is
// a status event, CallEnded when call_status says the call is over; one
// whose URL carries a resume token (an actionHook) is the input of the
// pending gather; any other starts a call. call_sid is required; every
// problem is a *platform.DecodeError naming the field.
func (*Adapter) DecodeRequest(in *platform.Inbound) (*platform.Event, error) {
	f, raw, err := fields(in)
	if err != nil {
		return nil, err
	}
	ev := &platform.Event{Kind: platform.CallStarted, Platform: Name, Session: f.str("call_sid"),
		Caller: f.str("from"), Callee: f.str("to"), Raw: raw, Request: in}
	if err := check(f, ev); err != nil {
		return nil, err
	}
	q := url.Values{}
	if in.URL != nil {
		q = in.URL.Query()
	}
	status := f.str("call_status")
	switch resume := q.Get(ResumeParam); {
	case resume != "":
		if err := platform.CheckID("query.resume", resume); err != nil {
			return nil, err
		}
		if err := platform.CheckID("query."+AfterParam, q.Get(AfterParam)); err != nil {
			return nil, err
		}
		ev.Kind, ev.Resume, ev.Delivery = platform.Input, resume, ev.Session+"|"+resume+"|"+q.Get(AfterParam)
		return ev, input(f, ev)
	case in.URL != nil && path.Base(in.URL.Path) == path.Base(StatusPath):
		ev.Kind, ev.Delivery = platform.Status, ev.Session+"|status|"+status+"|"+f.str("sip_status")
		if ended[status] {
			ev.Kind = platform.CallEnded
		}
	default:
		ev.Delivery = ev.Session
	}
	return ev, nil
}

// check requires call_sid and bounds the ids and numbers kept.
func check(f webhookFields, ev *platform.Event) error {
	if ev.Session == "" {
		return &platform.DecodeError{Field: "call_sid", Msg: "is missing; is this a jambonz call hook?"}
	}
	return errors.Join(platform.CheckID("call_sid", ev.Session), platform.CheckNumber("from", ev.Caller),
		platform.CheckNumber("to", ev.Callee), platform.CheckID("call_status", f.str("call_status")),
		platform.CheckID("sip_status", f.str("sip_status")))
}

// input reads an actionHook: a dial's, with dial_call_status (the
// outcome of the bridged call), or a gather's, with reason dtmfDetected
// and the digits, or anything else (a timeout) for nothing entered.
func input(f webhookFields, ev *platform.Event) error {
	if status := f.str("dial_call_status"); status != "" {
		if err := platform.CheckID("dial_call_status", status); err != nil {
			return err
		}
		ev.DialOutcome = dialOutcome(status)
		return nil
	}
	reason := f.str("reason")
	if reason == "" {
		return &platform.DecodeError{Field: "reason", Msg: "is missing; a gather's actionHook carries reason (dtmfDetected or a timeout), a dial's dial_call_status"}
	}
	if reason != ReasonDigits {
		return nil
	}
	d := f.str("digits")
	if err := platform.CheckID("digits", d); err != nil {
		return err
	}
	ev.Digits = &d
	return nil
}
