package eightbyeight

import (
	"errors"
	"fmt"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// vca is a Voice Call Action webhook as 8x8 sends it.
type vca struct {
	Namespace   string     `json:"namespace"`
	EventType   string     `json:"eventType"`
	Description string     `json:"description"`
	Payload     vcaPayload `json:"payload"`
}

type vcaPayload struct {
	EventID           string         `json:"eventId"`
	CallID            string         `json:"callId"`
	SessionID         string         `json:"sessionId"`
	CallStatus        string         `json:"callStatus"`
	CallDirection     string         `json:"callDirection"`
	CallType          string         `json:"callType"`
	Source            string         `json:"source"`
	Destination       string         `json:"destination"`
	SourceFormat      string         `json:"sourceFormat"`
	DestinationFormat string         `json:"destinationFormat"`
	CallDuration      int            `json:"callDuration"`
	EventData         map[string]any `json:"eventData,omitempty"`
	Timestamp         string         `json:"timestamp"`
	ClientActionID    string         `json:"clientActionId,omitempty"`
}

// Webhook builds a VCA as 8x8 would post it for an inbound call.
//
// Digits nil and not NoInput is a new call: CALL_RECEIVED, direction
// INBOUND, no clientActionId and no eventData (unless c.Data is set).
// Otherwise it is the end of a capture: ACTION_COMPLETED with eventData
// {"dtmf": *Digits} ("" stays "", which Decode reads as nothing entered), or
// {"dtmf": null} when NoInput, and clientActionId c.Resume. c.Data's entries
// are added to eventData (dtmf wins).
//
// sessionId is c.Session: a new call without one gets a random id; a capture
// answer must have one. eventId is c.Delivery, else random, so two builds
// are two deliveries. callId is derived from the session (one leg per
// call). timestamp is c.At, else now. Bound is not used.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) {
	input := c.Digits != nil || c.NoInput
	session := c.Session
	if session == "" {
		if input {
			return nil, errors.New("8x8: a capture answer needs the call's session id")
		}
		session = platform.RandomUUID()
	}
	at := c.At
	if at.IsZero() {
		at = time.Now()
	}
	w := vca{
		Namespace:   "VOICE",
		EventType:   EventCallAction,
		Description: "Action request of a call",
		Payload: vcaPayload{
			EventID:           c.Delivery,
			CallID:            platform.HashUUID("callId\x00" + session),
			SessionID:         session,
			CallStatus:        StatusCallReceived,
			CallDirection:     "INBOUND",
			CallType:          "PSTN",
			Source:            c.Caller,
			Destination:       c.Callee,
			SourceFormat:      "MSISDN",
			DestinationFormat: "MSISDN",
			Timestamp:         at.UTC().Format("2006-01-02T15:04:05.000Z"),
		},
	}
	if w.Payload.EventID == "" {
		w.Payload.EventID = platform.RandomUUID()
	}
	if len(c.Data) > 0 || input {
		w.Payload.EventData = make(map[string]any, len(c.Data)+1)
		for k, v := range c.Data {
			w.Payload.EventData[k] = v
		}
	}
	if input {
		w.Payload.CallStatus = StatusActionCompleted
		w.Payload.ClientActionID = c.Resume
		if c.NoInput || c.Digits == nil {
			w.Payload.EventData["dtmf"] = nil
		} else {
			w.Payload.EventData["dtmf"] = *c.Digits
		}
	}
	b, err := platform.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("8x8: %w", err)
	}
	return b, nil
}
