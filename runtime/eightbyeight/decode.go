package eightbyeight

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"strings"

	"github.com/callflow/callflow/runtime/platform"
)

// knownEvents lists the event types Decode understands, for messages.
const knownEvents = EventCallAction + ", " + EventCallStatus + ", " + EventSessionSummary

// Decode reads an 8x8 webhook:
//
//	{"namespace":"VOICE","eventType":"CALL_ACTION","payload":{"eventId":"…",
//	 "sessionId":"…","callStatus":"ACTION_COMPLETED","source":"+65…",
//	 "destination":"+65…","eventData":{"dtmf":"1"},"clientActionId":"…"}}
//
// eventType must be CALL_ACTION, SESSION_SUMMARY or CALL_STATUS, payload an
// object and payload.sessionId a non-empty string. What keys the session
// and the delivery (sessionId, eventId, clientActionId, callStatus and dtmf)
// is at most platform.MaxID bytes, source and destination at most
// platform.MaxNumber. A CALL_ACTION's callStatus must be CALL_RECEIVED
// (platform.CallStarted) or ACTION_COMPLETED (platform.Input, with Digits
// from eventData.dtmf and Resume from clientActionId). eventData may be an object, a string holding
// a JSON object (older senders), null or absent; dtmf may be a string, null
// or absent (Digits nil; so is ""), or a number made of digits (taken as its
// digits). SESSION_SUMMARY is platform.CallEnded and CALL_STATUS
// platform.Status.
//
// Delivery is payload.eventId, or when that is absent a key made of the
// event type, sessionId, callStatus, clientActionId and dtmf, which a
// retried delivery repeats. Caller and Callee are payload.source and
// payload.destination (for a session summary, those of details.callA).
// Data is eventData as an object without dtmf (Digits has it), nil when
// nothing else is in it, as in every capture answer. Raw is the whole
// webhook, with JSON numbers decoded exactly (platform.Number) and a string
// eventData replaced by the object it holds, so flows see one shape. Every
// problem is a *platform.DecodeError naming the field. The header is not
// used.
func (*Adapter) Decode(body []byte, _ http.Header) (*platform.Event, error) {
	if ev, ok := decodeFast(body); ok {
		return ev, nil
	}
	return decodeStrict(body)
}

// decodeStrict decodes into a map and checks every field in turn, so the
// error names the first one that is wrong.
func decodeStrict(body []byte) (*platform.Event, error) {
	raw, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	et, err := str(raw, "eventType", "eventType", true)
	if err != nil {
		return nil, err
	}
	switch et {
	case EventCallAction, EventSessionSummary, EventCallStatus:
	default:
		return nil, &platform.DecodeError{Field: "eventType", Msg: "unknown event type " + platform.Quote(et) + " (known: " + knownEvents + ")"}
	}
	pv, ok := raw["payload"]
	if !ok || pv == nil {
		return nil, &platform.DecodeError{Field: "payload", Msg: "missing"}
	}
	p, ok := pv.(map[string]any)
	if !ok {
		return nil, &platform.DecodeError{Field: "payload", Msg: "must be an object, not " + platform.JSONType(pv)}
	}
	ev := &platform.Event{Platform: Name, Raw: raw}
	if ev.Session, err = str(p, "sessionId", "payload.sessionId", true); err != nil {
		return nil, err
	}
	eventID, err := str(p, "eventId", "payload.eventId", false)
	if err != nil {
		return nil, err
	}
	status, err := str(p, "callStatus", "payload.callStatus", et == EventCallAction)
	if err != nil {
		return nil, err
	}
	resume, err := str(p, "clientActionId", "payload.clientActionId", false)
	if err != nil {
		return nil, err
	}
	if err := checkIDs(ev.Session, eventID, resume); err != nil {
		return nil, err
	}
	if err := platform.CheckID("payload.callStatus", status); err != nil {
		return nil, err // a key part when eventId is absent
	}
	var dtmf string
	switch et {
	case EventCallAction:
		if ev.Caller, err = str(p, "source", "payload.source", false); err != nil {
			return nil, err
		}
		if ev.Callee, err = str(p, "destination", "payload.destination", false); err != nil {
			return nil, err
		}
		if ev.Data, err = eventData(p); err != nil {
			return nil, err
		}
		switch status {
		case StatusCallReceived:
			ev.Kind = platform.CallStarted
		case StatusActionCompleted:
			ev.Kind = platform.Input
			ev.Resume = resume
			if ev.Digits, err = digits(ev.Data); err != nil {
				return nil, err
			}
			if ev.Digits != nil {
				dtmf = *ev.Digits
			}
			if err := platform.CheckID("payload.eventData.dtmf", dtmf); err != nil {
				return nil, err
			}
		default:
			return nil, &platform.DecodeError{Field: "payload.callStatus", Msg: "unknown call status " + platform.Quote(status) +
				" for " + EventCallAction + " (known: " + StatusActionCompleted + ", " + StatusCallReceived + ")"}
		}
		ev.Data = withoutDtmf(ev.Data)
	case EventSessionSummary:
		ev.Kind = platform.CallEnded
		ev.Caller, ev.Callee = firstLeg(p)
	case EventCallStatus:
		ev.Kind = platform.Status
		if ev.Caller, err = str(p, "source", "payload.source", false); err != nil {
			return nil, err
		}
		if ev.Callee, err = str(p, "destination", "payload.destination", false); err != nil {
			return nil, err
		}
	}
	if err := checkNumbers(et, ev.Caller, ev.Callee); err != nil {
		return nil, err
	}
	ev.Delivery = eventID
	if ev.Delivery == "" {
		ev.Delivery = strings.TrimRight(strings.Join([]string{et, ev.Session, status, resume, dtmf}, "|"), "|")
	}
	if err := platform.ExactNumbers(raw, ""); err != nil {
		return nil, err
	}
	// Data may be a copy of eventData without dtmf, whose own members
	// the line above did not reach.
	if err := platform.ExactNumbers(ev.Data, "payload.eventData"); err != nil {
		return nil, err
	}
	return ev, nil
}

// checkIDs refuses ids longer than platform.MaxID: sessionId keys the
// session, eventId (or, without it, a key holding sessionId,
// clientActionId and dtmf) the remembered answer.
func checkIDs(session, eventID, resume string) error {
	if err := platform.CheckID("payload.sessionId", session); err != nil {
		return err
	}
	if err := platform.CheckID("payload.eventId", eventID); err != nil {
		return err
	}
	return platform.CheckID("payload.clientActionId", resume)
}

// checkNumbers refuses a caller or callee longer than platform.MaxNumber:
// the session keeps them for the whole call.
func checkNumbers(eventType, caller, callee string) error {
	source, destination := "payload.source", "payload.destination"
	if eventType == EventSessionSummary {
		source, destination = "payload.details.callA.source", "payload.details.callA.destination"
	}
	if err := platform.CheckNumber(source, caller); err != nil {
		return err
	}
	return platform.CheckNumber(destination, callee)
}

// decodeObject parses a body that must be one JSON object, keeping numbers
// as json.Number until platform.ExactNumbers (a numeric dtmf is read as
// written).
func decodeObject(body []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &platform.DecodeError{Msg: "empty body"}
	}
	v, err := platform.DecodeJSONNumbers(body)
	if err != nil {
		return nil, &platform.DecodeError{Msg: "not JSON: " + err.Error()}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &platform.DecodeError{Msg: "must be a JSON object, not " + platform.JSONType(v)}
	}
	return m, nil
}

// str reads a string; absent and null are "". A required string must be
// present and not empty.
func str(m map[string]any, key, field string, required bool) (string, error) {
	v := m[key]
	if v == nil {
		if required {
			return "", &platform.DecodeError{Field: field, Msg: "missing"}
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &platform.DecodeError{Field: field, Msg: "must be a string, not " + platform.JSONType(v)}
	}
	if required && s == "" {
		return "", &platform.DecodeError{Field: field, Msg: "must not be empty"}
	}
	return s, nil
}

// eventData returns payload.eventData as an object (nil when absent, null
// or an empty string), replacing a string form by the object it holds.
func eventData(p map[string]any) (map[string]any, error) {
	const field = "payload.eventData"
	switch v := p["eventData"].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	case string:
		if strings.TrimSpace(v) == "" {
			p["eventData"] = nil
			return nil, nil
		}
		inner, err := platform.DecodeJSONNumbers([]byte(v))
		if err != nil {
			return nil, &platform.DecodeError{Field: field, Msg: "a string that is not JSON: " + err.Error()}
		}
		switch in := inner.(type) {
		case nil:
			p["eventData"] = nil
			return nil, nil
		case map[string]any:
			p["eventData"] = in
			return in, nil
		default:
			return nil, &platform.DecodeError{Field: field, Msg: "a string holding " + platform.JSONType(inner) + ", not an object"}
		}
	default:
		return nil, &platform.DecodeError{Field: field, Msg: "must be an object or a string, not " + platform.JSONType(v)}
	}
}

// withoutDtmf returns the members of eventData other than dtmf, which is
// Event.Digits; nil when there are none. eventData is not changed: Raw
// holds it.
func withoutDtmf(data map[string]any) map[string]any {
	_, has := data["dtmf"]
	switch {
	case len(data) == 0 || has && len(data) == 1:
		return nil
	case !has:
		return data
	}
	out := maps.Clone(data)
	delete(out, "dtmf")
	return out
}

// digits reads eventData.dtmf: nil when eventData or dtmf is absent, dtmf is
// null or "".
func digits(data map[string]any) (*string, error) {
	const field = "payload.eventData.dtmf"
	switch v := data["dtmf"].(type) {
	case nil:
		return nil, nil
	case string:
		if v == "" {
			return nil, nil
		}
		return &v, nil
	case json.Number:
		s := v.String()
		if strings.Trim(s, "0123456789") != "" {
			return nil, &platform.DecodeError{Field: field, Msg: "the number " + s + " is not a string of digits"}
		}
		return &s, nil
	default:
		return nil, &platform.DecodeError{Field: field, Msg: "must be a string or null, not " + platform.JSONType(v)}
	}
}

// firstLeg returns source and destination of a session summary's first leg,
// details.callA; anything missing or odd gives "".
func firstLeg(p map[string]any) (caller, callee string) {
	details, _ := p["details"].(map[string]any)
	leg, _ := details["callA"].(map[string]any)
	caller, _ = leg["source"].(string)
	callee, _ = leg["destination"].(string)
	return caller, callee
}
