package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The helpers below are shared by the adapters: one way to encode answers,
// to read a body that must be a JSON object, and to word decode errors.

// Marshal encodes v as compact JSON, leaving <, > and & as they are (Chinese
// and Vietnamese text and URLs pass through) and without the trailing
// newline json.Encoder adds.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// DecodeObject parses a body that must be one JSON object, with numbers
// decoded exactly (Number); every problem is a *DecodeError.
func DecodeObject(body []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &DecodeError{Msg: "empty body"}
	}
	v, err := DecodeJSON(body)
	if err != nil {
		var de *DecodeError
		if errors.As(err, &de) {
			return nil, de
		}
		return nil, &DecodeError{Msg: "not JSON: " + err.Error()}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &DecodeError{Msg: "must be a JSON object, not " + JSONType(v)}
	}
	return m, nil
}

// JSONType names the JSON type of a decoded value, for error messages.
func JSONType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64, int64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Quote quotes s for a message, shortened to 64 characters so a huge value
// cannot flood logs.
func Quote(s string) string {
	const max = 64
	if r := []rune(s); len(r) > max {
		b, _ := Marshal(string(r[:max]))
		return string(b) + "…"
	}
	b, _ := Marshal(s)
	return string(b)
}

// ErrorBody is the JSON error every 4xx/5xx answer carries:
// {"error":{"code":…,"message":…}}.
func ErrorBody(code, message string) []byte {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	e.Error.Code, e.Error.Message = code, message
	b, _ := Marshal(e) // two strings always encode
	return b
}

// ActionName names an action for messages.
func ActionName(a Action) string {
	switch a.(type) {
	case Say:
		return "say"
	case Play:
		return "play"
	case Capture:
		return "capture"
	case MakeCall:
		return "makeCall"
	case Agent:
		return "agent"
	case IVR:
		return "ivr"
	case Hangup:
		return "hangup"
	case KeepBound:
		return "keep the bound route"
	case Callback:
		return "callback"
	case Campaign:
		return "campaign"
	case nil:
		return "nil action"
	}
	return fmt.Sprintf("%T", a)
}
