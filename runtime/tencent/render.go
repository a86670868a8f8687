package tencent

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// Decision is what an answer does with the call: at most one of Agent and
// IVR is set; when neither is, the answer is an empty CallInBound and the
// platform hangs up.
type Decision struct {
	Agent int64 // OverrideAIAgentId, 0 for none
	IVR   int64 // OverrideIvrId, 0 for none
	// Kept is true when the flow kept the number's bound route (KeepBound,
	// no terminal action, or the fallback) rather than choosing one.
	Kept bool
	Vars []platform.Var // sent only with an override
}

// Hangup reports whether the answer is an empty CallInBound.
func (d Decision) Hangup() bool { return d.Agent == 0 && d.IVR == 0 }

// KeptNothing reports whether the flow meant to keep the bound route but the
// number is bound to nothing, so the answer ends the call. The engine should
// log a warning: the caller is hung up on without the flow asking for it.
func (d Decision) KeptNothing() bool { return d.Kept && d.Hangup() }

// Decide works out the answer to ev for r without encoding it; Render and
// Fallback use it, and the engine may too, to log Decision.KeptNothing.
//
// r may hold one action, Agent, IVR, Hangup or KeepBound; none at all (or a
// nil r) means KeepBound, which overrides with ev's bound agent if any, else
// its bound IVR, else hangs up (a nil ev is bound to nothing). Anything else
// is an error: another kind of action or more than one (the checker rejects
// such flows for tencent), or an agent or IVR id computed at run time that is
// not positive. The engine answers an error with Fallback.
func Decide(ev *platform.Event, r *platform.Response) (Decision, error) {
	var d Decision
	var acts []platform.Action
	if r != nil {
		acts = r.Actions
		d.Vars = r.Vars
	}
	var last platform.Action = platform.KeepBound{}
	for i, a := range acts {
		switch a.(type) {
		case platform.Agent, platform.IVR, platform.Hangup, platform.KeepBound:
		default:
			return Decision{}, &platform.ActionError{Index: i, Err: fmt.Errorf("tencent: cannot %s", platform.ActionName(a))}
		}
		if i != len(acts)-1 {
			return Decision{}, &platform.ActionError{Index: i + 1, Err: fmt.Errorf("tencent: %s must be the last action, found %d after it", platform.ActionName(a), len(acts)-1-i)}
		}
		last = a
	}
	at := len(acts) - 1
	switch a := last.(type) {
	case platform.Agent:
		if err := checkID("agent", a.ID); err != nil {
			return Decision{}, &platform.ActionError{Index: at, Err: err}
		}
		d.Agent = a.ID
	case platform.IVR:
		if err := checkID("ivr", a.ID); err != nil {
			return Decision{}, &platform.ActionError{Index: at, Err: err}
		}
		d.IVR = a.ID
	case platform.Hangup:
	default: // KeepBound
		d.Kept = true
		if ev != nil {
			switch {
			case ev.Bound.AgentID > 0:
				d.Agent = ev.Bound.AgentID
			case ev.Bound.IVRID > 0:
				d.IVR = ev.Bound.IVRID
			}
		}
	}
	if d.Hangup() {
		d.Vars = nil
	}
	return d, nil
}

// limits are the checker's tencent limits, applied again to ids only known
// at run time.
var limits = lplatform.MustLookup(Name).Limits

// checkID refuses an agent or IVR id outside lang/platform's range
// (positive: OverrideAIAgentId and OverrideIvrId are ids, 0 would mean none).
func checkID(what string, id int64) error {
	if lo, hi := limits.IDs[0], limits.IDs[1]; lo != 0 && id < lo || hi != 0 && id > hi {
		return fmt.Errorf("tencent: %s id %d is not a positive integer", what, id)
	}
	return nil
}

// Render answers HTTP 200 with the route Decide chooses:
//
//	{"CallInBound":{"OverrideAIAgentId":388,"Variables":[{"Key":"name","Value":"Xiao Ming"}]}}
//	{"CallInBound":{"OverrideIvrId":12}}
//	{"CallInBound":{}}
//
// Variables keep r.Vars' order and are left out when there are none or when
// the answer hangs up. It fails only when Decide does.
func (*Adapter) Render(ev *platform.Event, r *platform.Response) (platform.Reply, error) {
	d, err := Decide(ev, r)
	if err != nil {
		return platform.Reply{}, err
	}
	return d.reply()
}

// Fallback keeps the bound route, without variables: the answer the platform
// itself would fall back to, but in time. An unbound number gets an empty
// CallInBound (Decide(ev, nil).KeptNothing() reports it).
func (*Adapter) Fallback(ev *platform.Event, _ platform.FallbackOptions) platform.Reply {
	d, _ := Decide(ev, nil) // never fails without actions
	reply, err := d.reply()
	if err != nil { // cannot happen: the answer is two integers
		return platform.Reply{Status: http.StatusOK, Body: []byte(`{"CallInBound":{}}`)}
	}
	return reply
}

// reply encodes the answer by appending: it is the only JSON a Tencent
// number ever gets back, its shape is fixed, and reflection-based encoding
// cost more than the rest of rendering. The strings are quoted as
// encoding/json/v2 quotes them (RFC 8785's minimal form: <, > and & and
// every non-ASCII character pass through); invalid UTF-8, which a flow can
// make by slicing a string, becomes U+FFFD as in the 8x8 adapter's answers.
func (d Decision) reply() (platform.Reply, error) {
	if d.Agent != 0 && d.IVR != 0 { // unreachable through Decide
		return platform.Reply{}, fmt.Errorf("tencent: both an agent (%d) and an ivr (%d)", d.Agent, d.IVR)
	}
	vars := d.Vars
	if d.Hangup() {
		vars = nil
	}
	size := len(`{"CallInBound":{"OverrideAIAgentId":,"Variables":[]}}`) + 20
	for _, v := range vars {
		size += len(`{"Key":"","Value":""},`) + len(v.Key) + len(v.Value)
	}
	b := append(make([]byte, 0, size), `{"CallInBound":{`...)
	switch {
	case d.Agent != 0:
		b = strconv.AppendInt(append(b, `"OverrideAIAgentId":`...), d.Agent, 10)
	case d.IVR != 0:
		b = strconv.AppendInt(append(b, `"OverrideIvrId":`...), d.IVR, 10)
	}
	if len(vars) > 0 {
		b = append(b, `,"Variables":[`...)
		for i, v := range vars {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendVar(b, v)
		}
		b = append(b, ']')
	}
	b = append(b, "}}"...)
	return platform.Reply{Status: http.StatusOK, Body: b}, nil
}

func appendVar(b []byte, v platform.Var) []byte {
	b, _ = jsontext.AppendQuote(append(b, `{"Key":`...), v.Key) // the error only reports U+FFFD replacements
	b, _ = jsontext.AppendQuote(append(b, `,"Value":`...), v.Value)
	return append(b, '}')
}
