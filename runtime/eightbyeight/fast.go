package eightbyeight

import (
	"bytes"
	"encoding/json"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/callflow/callflow/runtime/platform"
)

// wire is a CALL_ACTION webhook as a struct. Every step of an 8x8 call
// arrives as one; decoding into a struct is several times faster than into
// a map, and the map is built only for flows that read `event`.
type wire struct {
	EventType string `json:"eventType"`
	Payload   *struct {
		EventID        string          `json:"eventId"`
		SessionID      string          `json:"sessionId"`
		CallStatus     string          `json:"callStatus"`
		Source         string          `json:"source"`
		Destination    string          `json:"destination"`
		ClientActionID string          `json:"clientActionId"`
		EventData      json.RawMessage `json:"eventData"`
	} `json:"payload"`
}

// requiredKeys must appear spelled exactly: encoding/json matches struct
// fields without regard to case, the strict path does not.
var requiredKeys = [][]byte{[]byte(`"eventType"`), []byte(`"payload"`), []byte(`"sessionId"`), []byte(`"callStatus"`), []byte(`"eventId"`)}

// decodeFast decodes a well-formed CALL_ACTION webhook, or reports false so
// the strict path can decode the rest or say precisely what is wrong.
func decodeFast(body []byte) (*platform.Event, bool) {
	var w wire
	if jsonv2.Unmarshal(body, &w) != nil || w.EventType != EventCallAction || w.Payload == nil {
		return nil, false
	}
	p := w.Payload
	if p.SessionID == "" || p.EventID == "" {
		return nil, false
	}
	for _, k := range requiredKeys {
		if !bytes.Contains(body, k) {
			return nil, false
		}
	}
	ev := &platform.Event{Platform: Name, Session: p.SessionID, Delivery: p.EventID,
		Caller: p.Source, Callee: p.Destination, Body: body}
	switch p.CallStatus {
	case StatusCallReceived:
		ev.Kind = platform.CallStarted
	case StatusActionCompleted:
		digits, ok := fastDigits(p.EventData)
		if !ok {
			return nil, false
		}
		ev.Kind, ev.Digits, ev.Resume = platform.Input, digits, p.ClientActionID
		if d := bytes.TrimSpace(p.EventData); len(d) > 0 && d[0] == '{' && jsonv2.Unmarshal(d, &ev.Data) != nil {
			return nil, false
		}
	default:
		return nil, false
	}
	return ev, true
}

// fastDigits reads eventData when it is absent, null, or an object whose
// dtmf is a string or null; other shapes (a string eventData, a numeric
// dtmf) go to the strict path.
func fastDigits(raw json.RawMessage) (*string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	if raw[0] != '{' {
		return nil, false
	}
	var d struct {
		Dtmf json.RawMessage `json:"dtmf"`
	}
	if jsonv2.Unmarshal(raw, &d) != nil {
		return nil, false
	}
	dt := bytes.TrimSpace(d.Dtmf)
	if len(dt) == 0 || string(dt) == "null" {
		return nil, true
	}
	if dt[0] != '"' {
		return nil, false
	}
	var s string
	if jsonv2.Unmarshal(dt, &s) != nil {
		return nil, false
	}
	if s == "" {
		return nil, true
	}
	return &s, true
}
