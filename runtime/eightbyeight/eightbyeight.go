// Package eightbyeight is the adapter for 8x8 CPaaS Voice call actions
// (seed 002, reference platforms.md section 3). The platform's name is "8x8".
//
// 8x8 posts a Voice Call Action (VCA) webhook when an inbound call arrives
// (callStatus CALL_RECEIVED) and again each time a sayAndCapture finishes
// (ACTION_COMPLETED, with the digits in eventData.dtmf); the answer is a
// callflow, a list of actions. The clientActionId of an answer is echoed in
// the next VCA of the call: the engine puts its signed resume token there
// (package token) and gets it back as Event.Resume. When the call is over 8x8
// posts a Voice Session Summary (SESSION_SUMMARY); call-status webhooks
// (CALL_STATUS) are information only. Both are answered 200 {}.
//
// Captures: 8x8 itself repeats a sayAndCapture up to noOfTries times when
// the caller enters nothing or a wrong number of digits (playing
// failureMessage between tries), and reports only the end result. So an
// ACTION_COMPLETED with dtmf null (Event.Digits nil) means every one of the
// noOfTries attempts failed: the capture is over with nothing entered. A
// non-null dtmf is one successful entry as far as 8x8 is concerned; whether
// it is an accepted value is the engine's business.
package eightbyeight

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform name used in flows and URLs.
const Name = "8x8"

// Webhook event types and VCA call statuses.
const (
	EventCallAction     = "CALL_ACTION"     // VCA: a call to answer with a callflow
	EventSessionSummary = "SESSION_SUMMARY" // VSS: the session is over
	EventCallStatus     = "CALL_STATUS"     // VCS: a status update, information only

	StatusCallReceived    = "CALL_RECEIVED"    // a new inbound call
	StatusActionCompleted = "ACTION_COMPLETED" // the previous callflow (a capture) finished
)

// Adapter is the 8x8 adapter. It holds no state and is safe for concurrent
// use.
type Adapter struct{}

var _ platform.Adapter = (*Adapter)(nil)

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Name returns "8x8".
func (*Adapter) Name() string { return Name }

// limits are 8x8's value ranges, shared with the checker.
var limits = lplatform.MustLookup(Name).Limits
