package eightbyeight

import (
	"bytes"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/callflow/callflow/runtime/internal/jsonscan"
	"github.com/callflow/callflow/runtime/platform"
)

// action is what the fast path reads of a CALL_ACTION webhook. Every step
// of an 8x8 call arrives as one, about 550 bytes of which the engine needs
// eight fields; the map of the whole body is built only for flows that read
// `event`.
type action struct {
	raw     [numFields][]byte // raw JSON values; nil when absent
	payload bool
	odd     bool   // something the fast path does not take: leave it to the strict path
	seen    uint16 // the fields read, as bits 1<<field
}

// The fields of action.raw; all but eventData must be strings.
const (
	fieldEventType = iota
	fieldEventID
	fieldSessionID
	fieldCallStatus
	fieldSource
	fieldDestination
	fieldResume
	fieldDtmf // eventData.dtmf, when eventData is {"dtmf":"…"}
	fieldEventData
	numFields
	numStrings = fieldEventData
)

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
	str, ok := a.strings()
	if !ok || a.odd || !a.payload || str[fieldEventType] != EventCallAction || str[fieldSessionID] == "" || str[fieldEventID] == "" {
		return nil, false
	}
	ev := &platform.Event{Platform: Name, Session: str[fieldSessionID], Delivery: str[fieldEventID],
		Caller: str[fieldSource], Callee: str[fieldDestination], Body: body}
	if a.raw[fieldDtmf] != nil {
		ev.Data = map[string]any{"dtmf": str[fieldDtmf]}
	} else if ev.Data, ok = fastData(a.raw[fieldEventData]); !ok {
		return nil, false
	}
	switch str[fieldCallStatus] {
	case StatusCallReceived:
		ev.Kind = platform.CallStarted
	case StatusActionCompleted:
		ev.Kind, ev.Resume = platform.Input, str[fieldResume]
		if ev.Digits, ok = fastDigits(ev.Data); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	return ev, true
}

var allowDuplicates = jsontext.AllowDuplicateNames(true)

func (a *action) read(body []byte) {
	s := jsonscan.NewScanner(body)
	if !s.Enter() {
		return
	}
	for name, ok := s.Next(); ok; name, ok = s.Next() {
		a.plain(name)
		switch string(name) {
		case `"eventType"`:
			a.set(fieldEventType, s.Value())
		case `"payload"`:
			if a.payload {
				a.odd = true // repeated
			}
			if a.payload = s.Enter(); a.payload {
				a.readPayload(s)
			} else {
				a.odd = true
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
		switch string(name) {
		case `"eventId"`:
			a.set(fieldEventID, v)
		case `"sessionId"`:
			a.set(fieldSessionID, v)
		case `"callStatus"`:
			a.set(fieldCallStatus, v)
		case `"source"`:
			a.set(fieldSource, v)
		case `"destination"`:
			a.set(fieldDestination, v)
		case `"clientActionId"`:
			a.set(fieldResume, v)
		case `"eventData"`:
			a.set(fieldEventData, v)
			a.raw[fieldDtmf] = onlyDtmf(v)
		}
	}
}

// set keeps a field's value; a field read before makes the action odd: the
// strict path reads the last of repeated names, the scan the first.
func (a *action) set(field int, v []byte) {
	if a.seen&(1<<field) != 0 {
		a.odd = true
	}
	a.seen |= 1 << field
	a.raw[field] = v
}

// plain marks the action odd when a name has an escape: "\u0073ource" is
// source to the strict path, and the scan matches names as written.
func (a *action) plain(name []byte) {
	if bytes.IndexByte(name, '\\') >= 0 {
		a.odd = true
	}
}

// strings returns the string fields ("" when absent), all cut from one
// allocation; ok is false when one is not a string.
func (a *action) strings() (out [numStrings]string, ok bool) {
	var b strings.Builder
	n := 0
	for _, v := range a.raw[:numStrings] {
		n += len(v)
	}
	b.Grow(n)
	var ends [numStrings]int
	for f, v := range a.raw[:numStrings] {
		switch {
		case v == nil:
		case len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"':
			return out, false
		case bytes.IndexByte(v, '\\') < 0:
			b.Write(v[1 : len(v)-1])
		default: // escapes: unquoted on its own
			if out[f], ok = jsonscan.String(v); !ok {
				return out, false
			}
		}
		ends[f] = b.Len()
	}
	all, start := b.String(), 0
	for f, end := range ends {
		if end > start {
			out[f] = all[start:end]
		}
		start = end
	}
	return out, true
}

// onlyDtmf returns the raw dtmf string of an eventData that holds only
// that, the shape of every capture answer, so its string is cut with the
// others; nil for any other eventData.
func onlyDtmf(eventData []byte) []byte {
	var dtmf []byte
	for name, v := range jsonscan.Members(eventData) {
		if dtmf != nil || string(name) != `"dtmf"` || jsonscan.Kind(v) != '"' {
			return nil
		}
		dtmf = v
	}
	return dtmf
}

// fastData is eventData as an object: nil when absent or null; an object
// is decoded (onlyDtmf's shape is built without this); any other value is
// for the strict path.
func fastData(raw []byte) (map[string]any, bool) {
	switch jsonscan.Kind(raw) {
	case 0, 'n':
		return nil, true
	case '{':
	default:
		return nil, false
	}
	var m map[string]any
	if jsonv2.Unmarshal(raw, &m) != nil {
		return nil, false
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
