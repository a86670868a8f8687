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
	"net/http"

	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/trigger"
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

// Decode reads a trigger; see trigger.Decode.
func (*Adapter) Decode(body []byte, _ http.Header) (*platform.Event, error) {
	return trigger.Decode(Name, body)
}

// Webhook builds a trigger for tests and `callflow run`; see trigger.Webhook.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) { return trigger.Webhook(Name, c) }
