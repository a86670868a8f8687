// Package platform is the contract between the engine and the telephony
// adapters. An adapter decodes its platform's webhook into one neutral
// Event, renders the engine's neutral Actions into the platform's JSON, and
// answers with the platform's safe fallback when the flow cannot run. Each
// adapter is a self-contained package below this one; the capabilities and
// limits the checker enforces come from lang/platform, shared with them.
package platform

import (
	"net/http"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
)

// Kind says what a webhook means.
type Kind uint8

const (
	CallStarted Kind = iota + 1 // a new inbound call: run the rules
	Input                       // the answer to a pending capture, record or makeCall with outcome blocks
	CallEnded                   // the call is over: free the session
	Status                      // information only: acknowledge
	Trigger                     // a callback/callbot request: run the rules
)

// Event is a decoded webhook. Its strings may share the body's memory: an
// adapter may cut them out of the webhook rather than copy them (8x8's
// does), so the body must not change while the event is in use. The
// engine copies what it keeps after the webhook.
type Event struct {
	Kind     Kind
	Platform string
	// Session is the platform's call or session id; for triggers the
	// trigger id. Sessions are keyed by platform and Session.
	Session string
	// Delivery identifies this delivery for idempotency: a retried webhook
	// carries the same Delivery and gets the same answer.
	Delivery string
	Caller   string
	Callee   string
	Digits   *string // Input: the digits, nil when nothing was captured
	Resume   string  // Input: the resume token the previous answer set
	// DialOutcome is, on Input answering a MakeCall with Continues, how
	// the bridged call ended: the adapter maps its platform's status
	// (Twilio's DialCallStatus, jambonz's dial_call_status, a Vonage
	// connect event) onto busy, noanswer, failed or completed. The engine
	// resumes in that outcome's block; an Input for such a makeCall without
	// one is an error (the safe fallback).
	DialOutcome lplatform.DialOutcome
	// RecordingURL is, on Input answering a Record, the recording's URL
	// (Twilio's RecordingUrl, Vonage's recording_url); "" when nothing was
	// recorded. The engine sets the record's variable to it.
	RecordingURL string
	// Data is what the event carries besides: a trigger's payload; 8x8's
	// eventData without dtmf, which is Digits (nil when nothing else).
	Data map[string]any
	// Raw is the whole webhook, the `event` of expressions. An adapter may
	// leave it nil and set Body instead: RawJSON then decodes it on first
	// use, so webhooks of flows that never read `event` skip that work.
	Raw   map[string]any
	Body  []byte
	Bound Bound // tencent: what the number is bound to now
	// Request is the HTTP request, for an adapter that decoded it with
	// DecodeRequest and renders action URLs from it; nil otherwise.
	Request *Inbound
}

// RawJSON returns the whole webhook as a map, decoding Body on first use
// with numbers decoded exactly (Number), as the strict paths decode them.
func (e *Event) RawJSON() map[string]any {
	if e.Raw == nil && e.Body != nil {
		e.Raw, _ = DecodeObject(e.Body)
	}
	return e.Raw
}

// Bound is the agent or IVR a Tencent number is already bound to; 0 is none.
type Bound struct {
	AgentID, IVRID int64
}

// Action is one thing the engine asks the platform to do.
type Action interface{ action() }

// Say speaks text.
type Say struct {
	Text     string
	Voice    string
	Speed    float64 // 0 means the platform's default
	Repeat   int     // 0 means once
	Language string  // the TTS language, such as "en-GB"; "" means the platform's default
}

// Play plays an audio file.
type Play struct {
	URL    string
	Repeat int
}

// Capture prompts for digits; it is always the last action of a response.
type Capture struct {
	Prompt                string
	Audio                 bool // Prompt is the URL of audio to play, not text to say
	BargeIn               bool // a key pressed during the prompt interrupts it
	Voice                 string
	Speed                 float64
	MinDigits, MaxDigits  int
	End                   string // "#" completes on hash; "" means entry ends at MaxDigits
	Timeout, DigitTimeout time.Duration
	Tries                 int
	Success, Failure      string
}

// MakeCall bridges the call to Number: a phone number, or the SIP URI,
// user or queue name Target says.
type MakeCall struct {
	Number, From string
	Record       bool
	Target       lplatform.DialTarget
	Timeout      time.Duration // how long the target may ring; 0: the platform's default
	Limit        time.Duration // the longest the bridged call may last; 0: no limit
	// Continues says the flow goes on after the bridged call ends: the
	// action is the last of the response, Response.Resume is set, and the
	// platform must tell how the call ended in an Input event carrying
	// that token and Event.DialOutcome. Without it the makeCall ends the
	// handler, as in version 1.
	Continues bool
}

// Pause is silence on the line.
type Pause struct{ Length time.Duration }

// Record records the caller; it is always the last action of a response,
// with Response.Resume set. The platform answers with an Input event
// carrying that token and Event.RecordingURL. Zero durations and an empty
// End are the platform's defaults.
type Record struct {
	Max, Silence time.Duration // the longest recording; the silence that ends it
	End          string        // a key that ends it
	Beep         bool          // a beep before recording
}

// Agent hands the call to an AI agent.
type Agent struct{ ID int64 }

// IVR hands the call to an IVR.
type IVR struct{ ID int64 }

// Hangup ends the call.
type Hangup struct{}

// KeepBound keeps the route the number is bound to (Tencent's end of handler).
type KeepBound struct{}

// Callback requests a two-leg call.
type Callback struct{ A, B Leg }

// Leg is one leg of a callback.
type Leg struct{ To, From string }

// Campaign starts an outbound callbot session.
type Campaign struct {
	Name, Script, CID, Voice string
	Speed                    float64 // 0 is the platform's default
	Retry                    int
	RetryEvery               time.Duration
	Batch                    int
	BatchEvery               time.Duration
	SendTime                 *time.Time // nil: now
	Dedupe                   string
	AutoPause                bool
	Contacts                 []Contact
}

// Contact is one person a campaign calls.
type Contact struct {
	Phone, Email, Code string
	Vars               map[string]any
}

func (Say) action()       {}
func (Play) action()      {}
func (Capture) action()   {}
func (MakeCall) action()  {}
func (Agent) action()     {}
func (IVR) action()       {}
func (Hangup) action()    {}
func (KeepBound) action() {}
func (Callback) action()  {}
func (Campaign) action()  {}
func (Pause) action()     {}
func (Record) action()    {}

// Var is a session variable rendered for the platform (Tencent Variables).
type Var struct{ Key, Value string }

// Response is what the engine decided for one webhook.
type Response struct {
	Actions []Action
	Vars    []Var  // every variable set on the path, in order first set
	Resume  string // the token to echo back with the next webhook (8x8)
}

// Reply is a rendered HTTP answer.
type Reply struct {
	Status int
	Body   []byte // nil for no body (204)
	// By is who gave the reply. It is kept with a delivery's answer, so a
	// copy answered from the store is logged with the flow, version and
	// handler of the first; nil when no flow answered (an ack, a refusal).
	By *Answerer
}

// Answerer is the flow version, and the handler in it, that answered a
// webhook. The engine makes one per handler of a loaded version and
// shares it among the answers it gave.
type Answerer struct {
	Flow, Version, Handler string
}

// Adapter is one platform.
type Adapter interface {
	// Name is the platform name used in flows and URLs: tencent, 8x8, …
	Name() string
	// Decode reads a webhook. A body it cannot understand is a *DecodeError.
	Decode(body []byte, header http.Header) (*Event, error)
	// Render turns the engine's response into the platform's answer. An
	// error about one action names it (FailedAction).
	Render(ev *Event, r *Response) (Reply, error)
	// Fallback is the safe answer when the flow cannot run for an event
	// that was understood.
	Fallback(ev *Event, opts FallbackOptions) Reply
	// Webhook builds a real-shaped webhook for tests and `callflow run`:
	// a new call (digits nil) or the answer to a capture.
	Webhook(c Call) ([]byte, error)
}

// FallbackOptions configure safe fallbacks.
type FallbackOptions struct {
	Apology string // 8x8: said before hanging up, when Voice is set
	Voice   string
}

// Call describes a webhook to build.
type Call struct {
	Session, Delivery string
	Caller, Callee    string
	At                time.Time
	Data              map[string]any
	Bound             Bound
	Resume            string  // the token of the pending capture, record or makeCall
	Digits            *string // nil: a new call; non-nil: capture input ("" = none)
	NoInput           bool    // capture input with nothing entered (dtmf null)
	// DialOutcome, when set, makes the webhook the platform's report of
	// how a bridged call ended (a Dial action's request), for the
	// makeCall waiting with Resume.
	DialOutcome lplatform.DialOutcome
	// Recorded makes the webhook the end of a recording (a Record
	// action's request) for the record waiting with Resume, with
	// RecordingURL its URL ("" when nothing was recorded).
	Recorded     bool
	RecordingURL string
}

// DecodeError is a webhook that cannot be understood; it names the field.
type DecodeError struct {
	Field string // JSON path, such as "payload.eventData"
	Msg   string
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}
