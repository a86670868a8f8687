// Package vonage is the adapter for the Vonage Voice API, whose answers are
// NCCOs (Nexmo Call Control Objects): JSON arrays of actions. The
// platform's name is "vonage".
//
// Vonage asks the application's answer URL for an NCCO when a call is
// answered (GET with the parameters in the query by default, or POST JSON):
// to, from (or from_user), uuid and conversation_uuid. An NCCO runs its
// actions in order and the call ends when it runs out, so there is no
// hang-up action: a hangup step ends the NCCO. A capture is a talk (the
// prompt) and an input action whose eventUrl is this server's URL carrying
// the engine's signed resume token; Vonage posts the caller's digits there
// (dtmf.digits and dtmf.timed_out, or the older top-level dtmf and
// timed_out) and the NCCO answered replaces the rest of the call. Call
// events (started, ringing, answered, completed, …) go to the
// application's event URL and get 200 {}; completed frees the session. A
// record step and a makeCall with outcome blocks wait the same way, on the
// eventUrl of a record action (recording_url) and of a synchronous connect
// (the bridged leg's final status); those URLs also carry the call's uuid,
// which their webhooks do not.
//
// Signed webhooks carry `Authorization: Bearer JWT`, signed HS256 with the
// account's signature secret, whose payload_hash claim is the SHA-256 of
// the body; they are verified when the secret is configured.
package vonage

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform name used in flows and URLs.
const Name = "vonage"

// Adapter is the Vonage adapter. It holds no state and is safe for
// concurrent use.
type Adapter struct{}

var (
	_ platform.Adapter        = (*Adapter)(nil)
	_ platform.RequestDecoder = (*Adapter)(nil)
	_ platform.Keypad         = (*Adapter)(nil)
)

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Name returns "vonage".
func (*Adapter) Name() string { return Name }

// limits are Vonage's value ranges, shared with the checker.
var limits = lplatform.MustLookup(Name).Limits
