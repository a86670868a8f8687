package twilio

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// Webhook builds a form body as Twilio would post it to the voice URL for
// an inbound call (Digits nil and not NoInput) or to a <Gather>'s action
// URL when the entry ended.
//
// CallSid is c.Session ("CA" and 32 hex digits, random for a new call
// without one; a capture answer must have one); AccountSid is derived from
// the called number, so one number's calls share an account. A new call is
// CallStatus ringing; capture input is in-progress with Digits (omitted
// when nothing was entered) and the token in the resume parameter: Twilio
// carries it in the action URL's query, but a webhook built without a URL
// carries it in the form, which the decoder reads alike, with c.Delivery,
// else a random nonce, as the step's nonce (two builds are two
// deliveries). c.Data's entries
// are added as parameters (formatted with %v) where they do not replace
// one set here. Delivery, At and Bound are not used: Twilio's requests
// carry no delivery id or time.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) {
	input := c.Digits != nil || c.NoInput || c.DialOutcome != "" || c.Recorded
	sid := c.Session
	if sid == "" {
		if input {
			return nil, errors.New("twilio: a capture answer needs the call's CallSid")
		}
		var b [16]byte
		rand.Read(b[:])
		sid = "CA" + hex.EncodeToString(b[:])
	}
	f := url.Values{}
	for k, v := range c.Data {
		f.Set(k, fmt.Sprint(v))
	}
	acct := sha256.Sum256([]byte("AccountSid\x00" + c.Callee))
	for k, v := range map[string]string{
		"CallSid": sid, "AccountSid": "AC" + hex.EncodeToString(acct[:16]), "ApiVersion": "2010-04-01",
		"Direction": "inbound", "CallStatus": "ringing",
		"From": c.Caller, "Caller": c.Caller, "To": c.Callee, "Called": c.Callee,
	} {
		f.Set(k, v)
	}
	if input {
		f.Set("CallStatus", "in-progress")
		f.Set(ResumeParam, c.Resume+"."+stepNonce(c.Delivery))
		if c.Digits != nil && *c.Digits != "" && !c.NoInput {
			f.Set("Digits", *c.Digits)
		}
		if c.DialOutcome != "" {
			f.Set("DialCallStatus", dialStatus[c.DialOutcome])
			f.Set("DialCallSid", "CA"+hex.EncodeToString(acct[16:]))
		}
		if c.Recorded && c.RecordingURL != "" { // nothing recorded: the <Redirect>, without one
			f.Set("RecordingUrl", c.RecordingURL)
			f.Set("RecordingSid", "RE"+hex.EncodeToString(acct[16:]))
		}
	}
	return []byte(f.Encode()), nil
}

// dialStatus is the DialCallStatus Twilio reports for each outcome.
var dialStatus = map[lplatform.DialOutcome]string{
	lplatform.DialBusy: "busy", lplatform.DialNoAnswer: "no-answer",
	lplatform.DialFailed: "failed", lplatform.DialCompleted: "completed",
}

// stepNonce is the nonce of a built action parameter: delivery, else random.
func stepNonce(delivery string) string {
	if delivery != "" {
		return delivery
	}
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
