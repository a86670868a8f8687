// Package jambonz is the adapter for jambonz voice applications driven by
// webhooks (reference platforms.md section 7). The platform's name is
// "jambonz".
//
// jambonz calls the application's call hook when a call arrives (a POST
// with a JSON body, or a GET with the same fields in the query): call_sid,
// from, to, direction, call_status. The answer is a JSON array of verbs
// (say, play, gather, dial, hangup). A gather's actionHook is a URL on this
// server carrying the engine's signed resume token in its query
// (resume=…): jambonz posts the result there, with reason dtmfDetected and
// the digits, or a timeout, and the verbs of that answer replace the rest
// of the call's. Call status events go to the application's status hook,
// /hooks/jambonz/status, and are answered 200 {}; a call that completed,
// failed, was busy or not answered frees its session.
//
// When a webhook secret is configured every request must carry
// Jambonz-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "t.body")>,
// within 300 seconds of now (VerifySignature).
package jambonz

import (
	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform name used in flows and URLs.
const Name = "jambonz"

// Adapter is the jambonz adapter. It holds no state and is safe for
// concurrent use.
type Adapter struct{}

var (
	_ platform.Adapter        = (*Adapter)(nil)
	_ platform.RequestDecoder = (*Adapter)(nil)
	_ platform.Keypad         = (*Adapter)(nil)
)

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Name returns "jambonz".
func (*Adapter) Name() string { return Name }
