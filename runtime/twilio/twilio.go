// Package twilio is the adapter for Twilio Programmable Voice: TwiML
// answers to form-encoded webhooks (reference platforms.md section 5).
//
// Twilio requests the number's voice URL when a call arrives, with the
// call's parameters (CallSid, From, To, CallStatus, Direction, …) in a
// form-encoded POST body or, for a GET, in the query. The answer is a TwiML
// document, <Response> and its verbs. A capture becomes a <Gather> whose
// action URL, on this server, carries the engine's signed resume token in
// its `resume` parameter: Twilio requests that URL with the digits
// (Digits, FinishedOnKey) when the entry ends, or with none when the caller
// entered nothing (actionOnEmptyResult), and the call resumes there. The
// end of a handler is <Hangup/>. Status callbacks (CallStatus completed,
// busy, failed, no-answer, canceled) free the call's session; other
// callbacks are acknowledged.
//
// Every request carries X-Twilio-Signature, the Base64 HMAC-SHA1, keyed
// with the account's auth token, of the public URL Twilio requested
// followed by each POST parameter's name and value, sorted by name; the
// declaration verifies it when an auth token is configured.
package twilio

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform name used in flows and URLs.
const Name = "twilio"

// ResumeParam is the action URL's parameter holding the resume token.
const ResumeParam = "resume"

// Adapter is the Twilio adapter. It holds no state and is safe for
// concurrent use.
type Adapter struct{}

var (
	_ platform.Adapter        = (*Adapter)(nil)
	_ platform.RequestDecoder = (*Adapter)(nil)
	_ platform.Keypad         = (*Adapter)(nil)
)

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Name returns "twilio".
func (*Adapter) Name() string { return Name }

// limits are Twilio's value ranges, shared with the checker.
var limits = lplatform.MustLookup(Name).Limits
