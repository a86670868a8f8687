package eightbyeight

import (
	"bytes"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/callflow/callflow/runtime/internal/jsonscan"
	"github.com/callflow/callflow/runtime/platform"
)

// action is what the fast path reads of a CALL_ACTION webhook. Every step
// of an 8x8 call arrives as one, about 550 bytes of which the engine needs
// seven fields; the map of the whole body is built only for flows that read
// `event`.
type action struct {
	eventType                              string
	eventID, sessionID, callStatus, resume string
	source, destination                    string
	eventData                              []byte // raw JSON, nil when absent
	payload                                bool
	odd                                    bool   // a field the fast path does not take: leave it to the strict path
	seen                                   uint16 // the fields read, as seen* bits
}

// decodeFast decodes a well-formed CALL_ACTION webhook, or reports false so
// the strict path can decode the rest or say precisely what is wrong. The
// body is validated first (syntax and UTF-8; checking every name for
// duplicates cost a third of validating, so the scan checks the names it
// reads itself), so what the scan reads is what the strict path would read;
// fields in any other shape (null, numbers for strings, a string eventData,
// a numeric dtmf, escaped or repeated names) are the strict path's.
func decodeFast(body []byte) (*platform.Event, bool) {
	if !jsontext.Value(body).IsValid(allowDuplicates) {
		return nil, false
	}
	var a action
	a.read(body)
	if a.odd || !a.payload || a.eventType != EventCallAction || a.sessionID == "" || a.eventID == "" {
		return nil, false
	}
	ev := &platform.Event{Platform: Name, Session: a.sessionID, Delivery: a.eventID,
		Caller: a.source, Callee: a.destination, Body: body}
	var ok bool
	if ev.Data, ok = fastData(a.eventData); !ok {
		return nil, false
	}
	switch a.callStatus {
	case StatusCallReceived:
		ev.Kind = platform.CallStarted
	case StatusActionCompleted:
		ev.Kind, ev.Resume = platform.Input, a.resume
		if ev.Digits, ok = fastDigits(ev.Data); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	return ev, true
}

var allowDuplicates = jsontext.AllowDuplicateNames(true)

// Bits of action.seen.
const (
	seenEventType = 1 << iota
	seenPayload
	seenEventID
	seenSessionID
	seenCallStatus
	seenSource
	seenDestination
	seenResume
	seenEventData
)

// once marks a field read, and the action odd when it was read before: the
// strict path reads the last of repeated names, the scan the first.
func (a *action) once(bit uint16) {
	if a.seen&bit != 0 {
		a.odd = true
	}
	a.seen |= bit
}

// plain marks the action odd when a name has an escape: "\u0073ource" is
// source to the strict path, and the scan matches names as written.
func (a *action) plain(name []byte) {
	if bytes.IndexByte(name, '\\') >= 0 {
		a.odd = true
	}
}

func (a *action) read(body []byte) {
	s := jsonscan.NewScanner(body)
	if !s.Enter() {
		return
	}
	for name, ok := s.Next(); ok; name, ok = s.Next() {
		a.plain(name)
		switch {
		case jsonscan.Name(name, "eventType"):
			a.once(seenEventType)
			a.str(&a.eventType, s.Value())
		case jsonscan.Name(name, "payload"):
			a.once(seenPayload)
			if a.payload = s.Enter(); a.payload {
				a.readPayload(s)
			} else {
				s.Value()
			}
		default:
			s.Value()
		}
	}
}

func (a *action) readPayload(s *jsonscan.Scanner) {
	for name, ok := s.Next(); ok; name, ok = s.Next() {
		a.plain(name)
		v := s.Value()
		switch {
		case jsonscan.Name(name, "eventId"):
			a.field(seenEventID, &a.eventID, v)
		case jsonscan.Name(name, "sessionId"):
			a.field(seenSessionID, &a.sessionID, v)
		case jsonscan.Name(name, "callStatus"):
			a.field(seenCallStatus, &a.callStatus, v)
		case jsonscan.Name(name, "source"):
			a.field(seenSource, &a.source, v)
		case jsonscan.Name(name, "destination"):
			a.field(seenDestination, &a.destination, v)
		case jsonscan.Name(name, "clientActionId"):
			a.field(seenResume, &a.resume, v)
		case jsonscan.Name(name, "eventData"):
			a.once(seenEventData)
			a.eventData = v
		}
	}
}

func (a *action) field(bit uint16, dst *string, v []byte) {
	a.once(bit)
	a.str(dst, v)
}

func (a *action) str(dst *string, v []byte) {
	s, ok := jsonscan.String(v)
	if !ok {
		a.odd = true
	}
	*dst = s
}

// fastData is eventData as an object: nil when absent or null. An object of
// plain string members, the usual {"dtmf":"1"}, is built directly; other
// objects are decoded; any other value is for the strict path.
func fastData(raw []byte) (map[string]any, bool) {
	switch jsonscan.Kind(raw) {
	case 0, 'n':
		return nil, true
	case '{':
	default:
		return nil, false
	}
	m := make(map[string]any, 2)
	for name, v := range jsonscan.Members(raw) {
		s, isString := jsonscan.String(v)
		key, plain := jsonscan.String(name)
		if !isString || !plain || len(key)+2 != len(name) {
			clear(m)
			if jsonv2.Unmarshal(raw, &m) != nil {
				return nil, false
			}
			return m, true
		}
		m[key] = s
	}
	return m, true
}

// fastDigits reads dtmf: a string, or null or absent (no digits); a
// numeric dtmf goes to the strict path.
func fastDigits(data map[string]any) (*string, bool) {
	switch v := data["dtmf"].(type) {
	case nil:
		return nil, true
	case string:
		if v == "" {
			return nil, true
		}
		return &v, true
	}
	return nil, false
}
