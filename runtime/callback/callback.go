// Package callback is the adapter for the two-leg callback API
// (DataTechLabs "Voice Callback via API", seed 001, reference platforms.md
// section 2).
//
// It is a trigger, not a phone webhook: a web form, CRM or SMS gateway posts
//
//	{"id":"…","from":"…","to":"…","data":{…}}
//
// and the flow decides whether to request a call-back. The answer is the
// request for the platform, as an envelope that `callflow run` prints and
// the server answers with (200):
//
//	{"method":"POST","path":"/voice/call/callback","body":{"leg_A":{"to":…,"from":…},"leg_B":{"to":…,"from":…}}}
//
// A flow that declines sends nothing: 204 with no body. When the flow cannot
// run, the fallback is 503 with a JSON error, and nothing is sent.
package callback

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform name used in flows and URLs.
const Name = "callback"

// Method and Path are where the platform takes a callback request.
const (
	Method = "POST"
	Path   = "/voice/call/callback"
)

// Adapter is the callback adapter. It holds no state and is safe for
// concurrent use.
type Adapter struct{}

var _ platform.Adapter = (*Adapter)(nil)

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Name returns "callback".
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
