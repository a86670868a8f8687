package eightbyeight

import (
	"bytes"
	"io"
	"sync"
	"unsafe"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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

// The fields of action.raw: the strings the event keeps, cut from the
// body; then two strings only compared, as written, and eventData.
const (
	fieldEventID = iota
	fieldSessionID
	fieldSource
	fieldDestination
	fieldResume
	fieldDtmf // eventData.dtmf, when eventData is {"dtmf":"…"}
	numStrings
)

const (
	fieldEventType = numStrings + iota
	fieldCallStatus
	fieldEventData
	numFields
)

// withDigits is an event with room for its digits: Event.Digits points into
// the same allocation, one fewer per ACTION_COMPLETED step.
type withDigits struct {
	ev     platform.Event
	digits string
}

// decodeFast decodes a well-formed CALL_ACTION webhook, or reports false so
// the strict path can decode the rest or say precisely what is wrong. One
// pass validates the body and yields the fields, raw: scan's for plain
// ASCII bodies, else jsontext's decoder (syntax and UTF-8; checking every
// name for duplicates cost a third of validating, so both check the names
// they keep themselves). Fields in any other shape (null, numbers for
// strings, a string eventData, a numeric dtmf, escaped or repeated names,
// an eventType or callStatus with escapes: they are compared as written)
// are the strict path's.
func decodeFast(body []byte) (*platform.Event, bool) {
	var a action
	plain := a.scan(body)
	if !plain {
		a = action{}
		if !a.read(body) {
			return nil, false
		}
	}
	if a.odd || !a.payload || string(a.raw[fieldEventType]) != `"`+EventCallAction+`"` {
		return nil, false
	}
	var kind platform.Kind
	switch string(a.raw[fieldCallStatus]) {
	case `"` + StatusCallReceived + `"`:
		kind = platform.CallStarted
	case `"` + StatusActionCompleted + `"`:
		kind = platform.Input
	default:
		return nil, false
	}
	str, ok := a.strings(plain)
	if !ok || str[fieldSessionID] == "" || str[fieldEventID] == "" {
		return nil, false
	}
	if checkIDs(str[fieldSessionID], str[fieldEventID], str[fieldResume]) != nil || len(str[fieldDtmf]) > platform.MaxID ||
		checkNumbers(EventCallAction, str[fieldSource], str[fieldDestination]) != nil {
		return nil, false // the strict path names the field
	}
	in := &withDigits{ev: platform.Event{Kind: kind, Platform: Name, Session: str[fieldSessionID], Delivery: str[fieldEventID],
		Caller: str[fieldSource], Callee: str[fieldDestination], Body: body}}
	ev := &in.ev
	var dtmf *string
	if a.raw[fieldDtmf] != nil {
		if in.digits = str[fieldDtmf]; in.digits != "" {
			dtmf = &in.digits
		}
	} else if ev.Data, dtmf, ok = fastData(a.raw[fieldEventData]); !ok || dtmf != nil && len(*dtmf) > platform.MaxID {
		return nil, false
	}
	if kind == platform.Input {
		ev.Resume, ev.Digits = str[fieldResume], dtmf
	}
	return ev, true
}

// reader is a decoder reading a body in place: jsontext reads a
// bytes.Buffer without copying it, so the raw values it returns are slices
// of the body. Readers are pooled: a decoder is a few hundred bytes of
// state, more than the rest of a webhook's decoding allocates.
type reader struct {
	buf bytes.Buffer
	dec jsontext.Decoder
}

var readers = sync.Pool{New: func() any { return new(reader) }}

var allowDuplicates = jsontext.AllowDuplicateNames(true)

// read reads the body's fields, reporting whether it is one valid JSON
// object.
func (a *action) read(body []byte) bool {
	r := readers.Get().(*reader)
	defer func() {
		r.buf = bytes.Buffer{} // let the body go
		r.dec.Reset(&r.buf)
		readers.Put(r)
	}()
	r.buf = *bytes.NewBuffer(body)
	r.dec.Reset(&r.buf, allowDuplicates)
	d := &r.dec
	if !enter(d) {
		return false
	}
	for d.PeekKind() == '"' {
		if !a.top(d) {
			return false
		}
	}
	if !leave(d) {
		return false
	}
	_, err := d.ReadToken()
	return err == io.EOF
}

// enter reads the start of an object; leave its end, after its members.
func enter(d *jsontext.Decoder) bool {
	t, err := d.ReadToken()
	return err == nil && t.Kind() == '{'
}

func leave(d *jsontext.Decoder) bool {
	t, err := d.ReadToken()
	return err == nil && t.Kind() == '}'
}

// top reads a member of the webhook.
func (a *action) top(d *jsontext.Decoder) bool {
	name, err := d.ReadValue()
	if err != nil {
		return false
	}
	a.plain(name)
	switch string(name) {
	case `"eventType"`:
		return a.value(d, fieldEventType)
	case `"payload"`:
		if a.enterPayload(d.PeekKind() == '{') {
			return a.readPayload(d)
		}
	}
	_, err = d.ReadValue()
	return err == nil
}

func (a *action) readPayload(d *jsontext.Decoder) bool {
	if !enter(d) {
		return false
	}
	for d.PeekKind() == '"' {
		name, err := d.ReadValue()
		if err != nil {
			return false
		}
		a.plain(name)
		if f := payloadField(name); f >= 0 {
			if !a.value(d, f) {
				return false
			}
		} else if _, err := d.ReadValue(); err != nil {
			return false
		}
	}
	return leave(d)
}

// enterPayload notes a payload member, an object or not, and reports
// whether to read its members: a payload that is not an object, or a
// second one, is the strict path's.
func (a *action) enterPayload(isObject bool) bool {
	a.odd = a.odd || a.payload || !isObject
	a.payload = a.payload || isObject
	return isObject
}

// payloadField is the field a payload member is kept as, -1 for the
// members the fast path does not read.
func payloadField(name []byte) int {
	if k := payloadNames.Index(name); k >= 0 {
		return payloadFields[k]
	}
	return -1
}

// value reads the value of a field.
func (a *action) value(d *jsontext.Decoder, field int) bool {
	v, err := d.ReadValue()
	if err != nil {
		return false
	}
	a.set(field, v)
	return true
}

// set keeps a field's value; a field read before makes the action odd: the
// strict path reads the last of repeated names, the scan the first. An
// eventData that holds only dtmf gives that field too.
func (a *action) set(field int, v []byte) {
	if a.seen&(1<<field) != 0 {
		a.odd = true
	}
	a.seen |= 1 << field
	a.raw[field] = v
	if field == fieldEventData {
		a.raw[fieldDtmf] = onlyDtmf(v)
	}
}

// plain marks the action odd when a name has an escape: "\u0073ource" is
// source to the strict path, and the scan matches names as written.
func (a *action) plain(name []byte) {
	if bytes.IndexByte(name, '\\') >= 0 {
		a.odd = true
	}
}

// strings returns the string fields ("" when absent), cut from the body
// itself: the event is a view of the webhook, and the engine copies what
// it keeps after it (platform.Event). Only a string with escapes is
// unquoted into memory of its own. ok is false when a field is not a
// string. plain says the scan read them, which takes only strings without
// escapes. Copying them all into one allocation was a tenth of the decode
// and, as memory written fresh, about 0.15 µs of each 8x8 webhook.
func (a *action) strings(plain bool) (out [numStrings]string, ok bool) {
	for f, v := range a.raw[:numStrings] {
		switch {
		case v == nil:
		case len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"':
			return out, false
		case len(v) == 2:
		case plain || bytes.IndexByte(v, '\\') < 0:
			out[f] = unsafe.String(&v[1], len(v)-2)
		default: // escapes: unquoted on its own
			u, err := jsontext.AppendUnquote(nil, v)
			if err != nil {
				return out, false
			}
			out[f] = string(u)
		}
	}
	return out, true
}

// onlyDtmf returns the raw dtmf string of an eventData written exactly as
// {"dtmf":"…"} with a plain string, the shape of every capture answer, so
// its string is cut with the others; nil for any other eventData, which
// fastData decodes.
func onlyDtmf(eventData []byte) []byte {
	const prefix = `{"dtmf":`
	v, ok := bytes.CutPrefix(eventData, []byte(prefix))
	if !ok || len(v) < 3 || v[0] != '"' || string(v[len(v)-2:]) != `"}` {
		return nil
	}
	if bytes.ContainsAny(v[1:len(v)-2], `"\`) {
		return nil // more members, or escapes
	}
	return v[:len(v)-1]
}

// fastData is eventData as an object, without dtmf, and the digits dtmf
// holds: nil when absent or null; an object is decoded (onlyDtmf's shape is
// read without this); any other value, or a dtmf that is not a string or
// null, is for the strict path. raw is a valid value as the decoder
// returned it, without leading space.
func fastData(raw []byte) (map[string]any, *string, bool) {
	switch {
	case raw == nil || string(raw) == "null":
		return nil, nil, true
	case raw[0] != '{':
		return nil, nil, false
	}
	var data map[string]any // declared here: Unmarshal's pointer to it escapes
	if jsonv2.Unmarshal(raw, &data) != nil || platform.Inexact(data) {
		return nil, nil, false // a number float64 rounds: the strict path decodes it exactly
	}
	var dtmf *string
	switch v := data["dtmf"].(type) {
	case nil:
	case string:
		if v != "" {
			dtmf = &v
		}
	default:
		return nil, nil, false
	}
	delete(data, "dtmf")
	if len(data) == 0 {
		data = nil
	}
	return data, dtmf, true
}
