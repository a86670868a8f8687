// Package callbot is the adapter for OMICall's callBot auto-call API
// (VIHAT, seed 003, reference platforms.md section 4).
//
// Like callback it is a trigger: an exam system, CRM or web form posts
//
//	{"id":"…","from":"…","to":"…","data":{…}}
//
// and the flow decides whether to start a callbot campaign. The answer is
// the request for POST [URL]/api/call_bot/execute_by_phone?cid=CID, as an
// envelope that `callflow run` prints and the server answers with (200):
//
//	{"method":"POST","path":"/api/call_bot/execute_by_phone","query":{"cid":"…"},"body":{…}}
//
// A flow that starts no campaign sends nothing: 204 with no body. When the
// flow cannot run, the fallback is 503 with a JSON error, and nothing is
// sent. See Render for how each Campaign field becomes a body field.
package callbot

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform name used in flows and URLs.
const Name = "callbot"

// Method and Path are where OMICall takes a callbot session request.
const (
	Method = "POST"
	Path   = "/api/call_bot/execute_by_phone"
)

// Adapter is the OMICall callbot adapter. It holds no state and is safe for
// concurrent use.
type Adapter struct{}

var _ platform.Adapter = (*Adapter)(nil)

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Name returns "callbot".
func (*Adapter) Name() string { return Name }

// marshal encodes v as compact JSON, leaving <, > and & as they are and
// without the trailing newline json.Encoder adds.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// jsonType names the JSON type of a decoded value, for error messages.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
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
