package trigger

import (
	"github.com/callflow/callflow/runtime/platform"
)

// Decode reads a trigger, {"id":"…","from":"…","to":"…","data":{…}}, into a
// platform.Trigger event: id (a non-empty string of at most platform.MaxID
// bytes, the sender's idempotency key) is both Session and Delivery, from is
// Caller, to is Callee (both required strings, possibly empty, of at most
// platform.MaxNumber bytes), and data, an optional object, is Data (an empty
// map when absent or null). Other fields reach flows through Event.Raw.
// Numbers decode exactly (platform.Number). Every problem is a
// *platform.DecodeError naming the field. The header is not used.
func Decode(platformName string, body []byte) (*platform.Event, error) {
	raw, err := platform.DecodeObject(body)
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
	if err := platform.CheckID("id", id); err != nil {
		return nil, err
	}
	from, err := str(raw, "from")
	if err != nil {
		return nil, err
	}
	to, err := str(raw, "to")
	if err != nil {
		return nil, err
	}
	if err := platform.CheckNumber("from", from); err != nil {
		return nil, err
	}
	if err := platform.CheckNumber("to", to); err != nil {
		return nil, err
	}
	data := map[string]any{}
	switch d := raw["data"].(type) {
	case nil:
	case map[string]any:
		data = d
	default:
		return nil, &platform.DecodeError{Field: "data", Msg: "must be an object, not " + platform.JSONType(d)}
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

// str reads a required string.
func str(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", &platform.DecodeError{Field: key, Msg: "missing"}
	}
	s, ok := v.(string)
	if !ok {
		return "", &platform.DecodeError{Field: key, Msg: "must be a string, not " + platform.JSONType(v)}
	}
	return s, nil
}
