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
	"net/http"

	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/trigger"
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

// Decode reads a trigger; see trigger.Decode.
func (*Adapter) Decode(body []byte, _ http.Header) (*platform.Event, error) {
	return trigger.Decode(Name, body)
}

// Webhook builds a trigger for tests and `callflow run`; see trigger.Webhook.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) { return trigger.Webhook(Name, c) }
