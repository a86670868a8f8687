package trigger

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/callflow/callflow/runtime/platform"
)

// Decode reads a trigger, {"id":"…","from":"…","to":"…","data":{…}}, into a
// platform.Trigger event: id (a non-empty string, the sender's idempotency
// key) is both Session and Delivery, from is Caller, to is Callee (both
// required strings, possibly empty), and data, an optional object, is Data
// (an empty map when absent or null). Other fields reach flows through
// Event.Raw. Numbers decode as float64. Every problem is a
// *platform.DecodeError naming the field. The header is not used.
func Decode(platformName string, body []byte) (*platform.Event, error) {
	raw, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	id, err := str(raw, "id")
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, &platform.DecodeError{Field: "id", Msg: "must not be empty"}
	}
	from, err := str(raw, "from")
	if err != nil {
		return nil, err
	}
	to, err := str(raw, "to")
	if err != nil {
		return nil, err
	}
	data := map[string]any{}
	switch d := raw["data"].(type) {
	case nil:
	case map[string]any:
		data = d
	default:
		return nil, &platform.DecodeError{Field: "data", Msg: "must be an object, not " + JSONType(d)}
	}
	return &platform.Event{
		Kind:     platform.Trigger,
		Platform: platformName,
		Session:  id,
		Delivery: id,
		Caller:   from,
		Callee:   to,
		Data:     data,
		Raw:      raw,
	}, nil
}

// decodeObject parses a body that must be one JSON object.
func decodeObject(body []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &platform.DecodeError{Msg: "empty body"}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) { // a number out of float64's range
			return nil, &platform.DecodeError{Field: te.Field, Msg: "number out of range"}
		}
		return nil, &platform.DecodeError{Msg: "not JSON: " + err.Error()}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &platform.DecodeError{Msg: "must be a JSON object, not " + JSONType(v)}
	}
	return m, nil
}

// str reads a required string.
func str(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", &platform.DecodeError{Field: key, Msg: "missing"}
	}
	s, ok := v.(string)
	if !ok {
		return "", &platform.DecodeError{Field: key, Msg: "must be a string, not " + JSONType(v)}
	}
	return s, nil
}
