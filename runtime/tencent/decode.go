package tencent

import (
	"math"
	"net/http"

	"github.com/callflow/callflow/runtime/platform"
)

// maxExactID is 2^53: a float64 holds every integer below it exactly.
const maxExactID = 1 << 53

// Decode reads a CallInBound webhook:
//
//	{"Event":"CallInBound","SessionId":"…","SdkAppId":1400692008,
//	 "CallInBound":{"AIAgentId":123,"IvrId":0,"Caller":"+86…","Callee":"+86…"}}
//
// Event must be "CallInBound"; SessionId a non-empty string of at most
// platform.MaxID bytes; CallInBound an object whose Caller and Callee are
// strings (possibly empty) of at most platform.MaxNumber bytes. AIAgentId and
// IvrId are optional non-negative integer JSON numbers (absent, null and 0
// all mean none bound). Other fields, SdkAppId included, are not checked and
// reach flows through Event.Raw. Every problem is a *platform.DecodeError
// naming the field. The header is not used.
func (*Adapter) Decode(body []byte, _ http.Header) (*platform.Event, error) {
	if ev, ok := decodeScan(body); ok {
		return ev, nil
	}
	if ev, ok := decodeFast(body); ok {
		return ev, nil
	}
	return decodeStrict(body)
}

// decodeStrict decodes into a map and checks every field in turn, so the
// error names the first one that is wrong.
func decodeStrict(body []byte) (*platform.Event, error) {
	raw, err := platform.DecodeObject(body)
	if err != nil {
		return nil, err
	}
	if err := event(raw); err != nil {
		return nil, err
	}
	session, err := str(raw, "SessionId", "SessionId")
	if err != nil {
		return nil, err
	}
	if session == "" {
		return nil, &platform.DecodeError{Field: "SessionId", Msg: "must not be empty"}
	}
	if err := platform.CheckID("SessionId", session); err != nil {
		return nil, err
	}
	in, ok := raw["CallInBound"]
	if !ok || in == nil {
		return nil, &platform.DecodeError{Field: "CallInBound", Msg: "missing"}
	}
	call, ok := in.(map[string]any)
	if !ok {
		return nil, &platform.DecodeError{Field: "CallInBound", Msg: "must be an object, not " + platform.JSONType(in)}
	}
	caller, err := str(call, "Caller", "CallInBound.Caller")
	if err != nil {
		return nil, err
	}
	callee, err := str(call, "Callee", "CallInBound.Callee")
	if err != nil {
		return nil, err
	}
	agent, err := id(call, "AIAgentId", "CallInBound.AIAgentId")
	if err != nil {
		return nil, err
	}
	ivr, err := id(call, "IvrId", "CallInBound.IvrId")
	if err != nil {
		return nil, err
	}
	if err := platform.CheckNumber("CallInBound.Caller", caller); err != nil {
		return nil, err
	}
	if err := platform.CheckNumber("CallInBound.Callee", callee); err != nil {
		return nil, err
	}
	return &platform.Event{
		Kind:     platform.CallStarted,
		Platform: Name,
		Session:  session,
		Delivery: session,
		Caller:   caller,
		Callee:   callee,
		Raw:      raw,
		Bound:    platform.Bound{AgentID: agent, IVRID: ivr},
	}, nil
}

func event(raw map[string]any) error {
	v, ok := raw["Event"]
	if !ok {
		return &platform.DecodeError{Field: "Event", Msg: "missing"}
	}
	s, ok := v.(string)
	if !ok {
		return &platform.DecodeError{Field: "Event", Msg: "must be a string, not " + platform.JSONType(v)}
	}
	if s != "CallInBound" {
		return &platform.DecodeError{Field: "Event", Msg: "unsupported event " + platform.Quote(s) + `, want "CallInBound"`}
	}
	return nil
}

// str reads a required string.
func str(m map[string]any, key, field string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", &platform.DecodeError{Field: field, Msg: "missing"}
	}
	s, ok := v.(string)
	if !ok {
		return "", &platform.DecodeError{Field: field, Msg: "must be a string, not " + platform.JSONType(v)}
	}
	return s, nil
}

// id reads an optional non-negative integer id; absent and null are 0. The
// id is echoed when the bound route is kept, so it must be exact: an
// integer beyond 2^53 is decoded as an int64 (platform.Number); a float64
// that large came from a fraction or an exponent and may be rounded.
func id(m map[string]any, key, field string) (int64, error) {
	switch v := m[key].(type) {
	case nil:
		return 0, nil
	case int64:
		if v < 0 {
			return 0, &platform.DecodeError{Field: field, Msg: "must be a non-negative integer id"}
		}
		return v, nil
	case float64:
		if v < 0 || v != math.Trunc(v) || v >= maxExactID {
			return 0, &platform.DecodeError{Field: field, Msg: "must be a non-negative integer id, written in digits when 2^53 or more"}
		}
		return int64(v), nil
	default:
		return 0, &platform.DecodeError{Field: field, Msg: "must be a number, not " + platform.JSONType(v)}
	}
}
