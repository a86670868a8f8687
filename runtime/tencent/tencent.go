// Package tencent is the adapter for Tencent Cloud Contact Center's inbound
// API calls (seed 000, reference platforms.md section 1).
//
// While a caller hears ringing, the platform posts one CallInBound webhook
// per call and waits for the route: an AI agent, an IVR, or an empty
// CallInBound, on which it hangs up. There is no continuation, so every
// webhook is a platform.CallStarted event; the platform resends the same
// SessionId when it gets no answer within 5 s, so SessionId is both the
// session and the delivery id.
//
// The answer is built by Decide, which the engine may also call to learn
// what Render will send: in particular Decision.KeptNothing reports the case
// the engine should log, a flow that kept the bound route of a number bound
// to nothing, which ends the call.
package tencent

import (
	jsonv2 "github.com/go-json-experiment/json"

	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform name used in flows and URLs.
const Name = "tencent"

// SampleSdkAppID is the application id Webhook puts in the payloads it
// builds: the one in Tencent's documented example.
const SampleSdkAppID = 1400692008

// Adapter is the Tencent Cloud Contact Center adapter. It holds no state and
// is safe for concurrent use.
type Adapter struct{}

var _ platform.Adapter = (*Adapter)(nil)

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Name returns "tencent".
func (*Adapter) Name() string { return Name }

// marshal encodes v as compact JSON, leaving <, > and & as they are and
// without the trailing newline json.Encoder adds.
func marshal(v any) ([]byte, error) {
	return jsonv2.Marshal(v) // HTML is not escaped in v2: Chinese and <> pass through
}
