package jambonz

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/callflow/callflow/runtime/platform"
)

// callHook is a call hook or actionHook body as jambonz posts it.
type callHook struct {
	CallSID        string         `json:"call_sid"`
	CallID         string         `json:"call_id"`
	ApplicationSID string         `json:"application_sid"`
	AccountSID     string         `json:"account_sid"`
	Direction      string         `json:"direction"`
	From           string         `json:"from"`
	To             string         `json:"to"`
	CallerName     string         `json:"caller_name"`
	CallStatus     string         `json:"call_status"`
	SIPStatus      int            `json:"sip_status"`
	TraceID        string         `json:"trace_id"`
	CustomerData   map[string]any `json:"customerData,omitempty"`
	Reason         string         `json:"reason,omitempty"`
	Digits         *string        `json:"digits,omitempty"`
	DialCallStatus string         `json:"dial_call_status,omitempty"`
	DialSIPStatus  int            `json:"dial_sip_status,omitempty"`
	DialCallSID    string         `json:"dial_call_sid,omitempty"`
}

// Webhook builds a webhook as jambonz would post it. A DialOutcome makes
// it a dial's actionHook (dial_call_status busy, no-answer, failed or
// completed, with its SIP status). Otherwise Digits nil and not NoInput
// is a new inbound call to the call hook (call_status trying), and the
// rest a gather's actionHook: reason dtmfDetected with the digits, or
// reason timeout when NoInput or the digits are "". The resume
// token travels in the actionHook's URL (WebhookURL), not the body.
// call_sid is c.Session (a new call without one gets a random id); c.Data
// is customerData.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) {
	input := c.Digits != nil || c.NoInput || c.DialOutcome != ""
	sid := c.Session
	if sid == "" {
		if input {
			return nil, errors.New("jambonz: a gather's actionHook needs the call's call_sid")
		}
		sid = platform.RandomUUID()
	}
	w := callHook{CallSID: sid, CallID: platform.HashUUID("call_id\x00"+sid) + "@10.0.0.1",
		ApplicationSID: platform.HashUUID("application\x00" + c.Callee), AccountSID: platform.HashUUID("account"),
		Direction: "inbound", From: c.Caller, To: c.Callee, CallerName: c.Caller,
		CallStatus: "trying", SIPStatus: 100, TraceID: fmt.Sprintf("%x", sha256.Sum256([]byte(sid)))[:32],
		CustomerData: c.Data}
	switch {
	case c.DialOutcome != "":
		w.CallStatus, w.SIPStatus = "in-progress", 200
		w.DialCallStatus, w.DialSIPStatus = dialStatus(c.DialOutcome)
		w.DialCallSID = platform.HashUUID("dial\x00" + sid + c.Resume)
	case input:
		w.CallStatus, w.SIPStatus, w.Reason = "in-progress", 200, "timeout"
		if !c.NoInput && c.Digits != nil && *c.Digits != "" {
			w.Reason, w.Digits = ReasonDigits, c.Digits
		}
	}
	b, err := platform.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("jambonz: %w", err)
	}
	return b, nil
}

// WebhookURL is where jambonz sends the webhook Webhook(c) built: a
// new call goes to the call hook; a gather's or a dial's result to the
// actionHook of the verb that ends last, the answer jambonz last got.
func (*Adapter) WebhookURL(c platform.Call, last []byte) (*url.URL, error) {
	if c.Digits == nil && !c.NoInput && c.DialOutcome == "" {
		return &url.URL{Path: hookPath}, nil
	}
	var verbs []struct {
		Verb       string `json:"verb"`
		ActionHook string `json:"actionHook"`
	}
	if err := json.Unmarshal(last, &verbs); err != nil || len(verbs) == 0 || verbs[len(verbs)-1].ActionHook == "" {
		return nil, errors.New("jambonz: the last answer does not end with a gather or a dial with an actionHook")
	}
	return url.Parse(verbs[len(verbs)-1].ActionHook)
}
