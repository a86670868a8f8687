package jambonz

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/callflow/callflow/runtime/platform"
)

// webhookFields are a webhook's top-level fields, from a JSON body or a
// query.
type webhookFields map[string]any

// str is a field as text: a string as it is, a number as written, anything
// else (absent, null, an object) "".
func (f webhookFields) str(name string) string {
	switch v := f[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case json.Number:
		return string(v)
	}
	return ""
}

// fields reads the webhook's fields: a GET's query (each name's first
// value), or a POST's JSON object. raw is what flows see as `event`.
func fields(in *platform.Inbound) (webhookFields, map[string]any, error) {
	if in.Method == http.MethodGet {
		q, err := in.Form()
		if err != nil {
			return nil, nil, err
		}
		raw := make(map[string]any, len(q))
		for k, vs := range q {
			if k != ResumeParam && k != AfterParam {
				raw[k] = vs[0]
			}
		}
		return raw, raw, nil
	}
	m, err := platform.DecodeObject(in.Body)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range []string{"call_sid", "from", "to", "call_status", "reason", "digits", "dial_call_status"} {
		switch v := m[name].(type) {
		case nil, string:
		default:
			return nil, nil, &platform.DecodeError{Field: name, Msg: "must be a string, not " + platform.JSONType(v)}
		}
	}
	return m, m, nil
}
