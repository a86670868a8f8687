// Package platform declares, in one place, what each telephony platform can
// express and within which limits. The checker rejects what a target cannot
// do at compile time; the runtime adapters reuse the same facts to validate
// values that are only known while a call runs, and to bound lookups by the
// platform's answer budget.
//
// Facts come from shared/reference/platforms.md (the vendors' documentation).
package platform

import (
	"encoding/xml"
	"slices"
	"time"
)

// Step names a kind of handler step, as written in .flow source.
type Step string

const (
	Say      Step = "say"
	Play     Step = "play"
	Capture  Step = "capture"
	MakeCall Step = "makeCall"
	Agent    Step = "agent"
	IVR      Step = "ivr"
	Set      Step = "set"
	Hangup   Step = "hangup"
	Goto     Step = "goto"
	If       Step = "if"
	Switch   Step = "switch"
	Callback Step = "callback"
	Campaign Step = "campaign"
	Do       Step = "do"
	Return   Step = "return"
	Post     Step = "post" // sent by the server, so every platform has it
)

// Platform is one target's capabilities and limits.
type Platform struct {
	Name    string
	Vendor  string // what the platform is, for messages
	Trigger bool   // a trigger API (callback, callbot) rather than a phone webhook
	Steps   []Step // what a handler may contain

	// End is what reaching the end of a handler that did not end the call
	// means on the platform.
	End End

	// Budget is the default time the runtime has to answer a webhook, lookups
	// included; MaxBudget is the most an operator may configure.
	Budget, MaxBudget time.Duration

	Limits Limits

	// Retry is what the platform's own capture retry loop can do; the
	// runtime asks for one try at a time where it falls short.
	Retry RetryLoop
}

// MaxTwiML is the most bytes of a TwiML document Twilio takes.
const MaxTwiML = 64 << 10

// RetryLoop is what a platform's own capture retry loop can do (8x8's
// noOfTries). The zero value is no loop: the runtime asks for each try.
type RetryLoop struct {
	Retries       bool // the platform repeats a failed try itself
	VariesPrompt  bool // with another prompt and message on each try
	TellsOutcomes bool // and says whether the last try was silent or wrong
	ChecksValues  bool // and checks an entry against a list of valid values
}

// CaptureNeeds is what a capture asks of a retry loop (language.md 8.1).
type CaptureNeeds struct {
	VariesPrompt  bool // several prompt or message values, or noinput/nomatch messages
	TellsOutcomes bool // noinput/nomatch messages or on blocks
	ChecksValues  bool // an accept list
}

// Covers reports whether the loop can run every try of a capture with
// these needs, so that the caller gets exactly its tries.
func (l RetryLoop) Covers(n CaptureNeeds) bool {
	return l.Retries && (l.VariesPrompt || !n.VariesPrompt) &&
		(l.TellsOutcomes || !n.TellsOutcomes) && (l.ChecksValues || !n.ChecksValues)
}

// End is what a platform does when a handler ends without ending the call
// (language.md §5): the runtime adds it to the answer, the graph labels it
// and the checker warns where a flow leaves it implicit.
type End uint8

const (
	// EndNothing: nothing more is sent (a trigger's answer is complete).
	EndNothing End = iota
	// EndHangup: the runtime hangs up, and the checker warns about a
	// handler that can end without saying so.
	EndHangup
	// EndKeepBound: the call keeps the agent or IVR its number is bound to.
	EndKeepBound
)

// String says what the end of a handler does, for the graph's labels.
func (e End) String() string {
	switch e {
	case EndHangup:
		return "hang up"
	case EndKeepBound:
		return "keep bound agent/IVR"
	}
	return "nothing more to send"
}

// Limits are value ranges a platform enforces. A zero range means no limit;
// in Timeout, DigitTimeout, IDs and Repeat a zero bound is open on that side.
type Limits struct {
	MaxText      int              // characters of say text and prompts
	TextRequired bool             // say text and capture prompts must not be empty
	Repeat       [2]int           // say/play repetition
	Speed        [2]float64       // TTS speed
	Digits       [2]int           // capture digits
	Timeout      [2]time.Duration // capture timeout, the whole entry
	DigitTimeout [2]time.Duration // capture digit_timeout, between keys
	EndKeys      []string         // keys that may finish entry; nil: any
	NeedsVoice   bool             // say and capture need a voice profile
	PlayExts     []string         // allowed audio file extensions
	E164Dial     bool             // makeCall numbers must be E.164
	NoDialRecord bool             // makeCall cannot record the bridged call
	IDs          [2]int64         // agent and ivr ids
	Voices       []string         // allowed voice names, when the platform has a fixed set
	NeedsContact bool             // a campaign needs at least one contact
	BothLegs     bool             // a callback needs legs A and B, each with a number to call
	// NationalRegion is the country (ISO 3166 alpha-2) whose numbers a
	// contact's phone is sent for in national form, as the platform's own
	// examples write them; numbers written any other way are sent as given.
	NationalRegion string
	// The steps of language.md §8.6 and their values.
	PlayHTTP      bool             // play URLs must be absolute http(s) URLs, whatever they end in
	SIPURIs       bool             // makeCall sip targets must be sip: or sips: URIs
	DialLimit     [2]time.Duration // makeCall limit, the longest a bridged call may last
	RecordMax     [2]time.Duration // record max, the longest recording
	RecordSilence [2]time.Duration // record silence, the silence that ends a recording
	// Answer bounds one answer's document: the known texts of the steps
	// between two waits must fit in it together.
	Answer AnswerLimit
}

// KeepsBound reports whether reaching the end of a handler keeps the route
// the called number is bound to (tencent's agent or IVR), so a test may
// `expect keep`.
func (p *Platform) KeepsBound() bool { return p.End == EndKeepBound }

// Supports reports whether the platform can express step s.
func (p *Platform) Supports(s Step) bool { return slices.Contains(p.Steps, s) }

// control steps happen on the server, so every platform has them.
var control = []Step{Set, Goto, If, Switch, Do, Return, Post}

var all = []*Platform{
	{
		Name: "tencent", Vendor: "Tencent Cloud Contact Center inbound routing",
		Steps: append([]Step{Agent, IVR, Hangup}, control...), End: EndKeepBound,
		Budget: 3 * time.Second, MaxBudget: 4500 * time.Millisecond,
		Limits: Limits{IDs: [2]int64{1, 0}}, // OverrideAIAgentId and OverrideIvrId are positive
	},
	{
		Name: "8x8", Vendor: "8x8 voice call actions",
		Steps: append([]Step{Say, Play, Capture, MakeCall, Hangup}, control...), End: EndHangup,
		Budget: 4 * time.Second, MaxBudget: 8 * time.Second,
		Limits: Limits{
			MaxText: 3000, TextRequired: true, Repeat: [2]int{1, 3}, Speed: [2]float64{0.5, 2.0}, Digits: [2]int{1, 25},
			// digitTimeout and overallTimeout are whole milliseconds, at
			// least 1, and digitTimeout is less than overallTimeout: the
			// shortest entry 8x8 takes is 2ms with 1ms between keys.
			Timeout: [2]time.Duration{2 * time.Millisecond, 0}, DigitTimeout: [2]time.Duration{time.Millisecond, 0},
			EndKeys:    []string{"#"}, // completeOnHash is the only end key 8x8 has
			NeedsVoice: true, PlayExts: []string{".wav", ".mp3"}, E164Dial: true,
		},
		// noOfTries repeats one prompt and one failureMessage, checks only
		// the entry's length, and ends with dtmf null however the last try
		// failed.
		Retry: RetryLoop{Retries: true},
	},
	{
		Name: "callback", Vendor: "two-leg callback API", Trigger: true,
		Steps:  append([]Step{Callback}, control...),
		Budget: 10 * time.Second, MaxBudget: 30 * time.Second,
		Limits: Limits{BothLegs: true},
	},
	{
		Name: "callbot", Vendor: "OMICall callbot API", Trigger: true,
		Steps:  append([]Step{Campaign}, control...),
		Budget: 10 * time.Second, MaxBudget: 30 * time.Second,
		Limits: Limits{
			Speed:          [2]float64{-3, 3},
			Voices:         []string{"northern_female_ngocanh", "southern_female_honganh", "southern_male_tienhuy"},
			NeedsContact:   true,
			NationalRegion: "VN", // OMICall's examples write 0988888888
		},
	},
	{
		Name: "jambonz", Vendor: "jambonz voice application webhooks",
		// Everything of §8.6 but record (jambonz has no recording verb)
		// and queue targets (dial has none).
		Steps: append([]Step{Say, Play, Capture, MakeCall, Hangup, Pause, DialOutcomeBlocks, DialTimeout, DialLimit,
			DialSIP, DialUser, PromptAudio, BargeIn, SayLanguage}, control...), End: EndHangup,
		Budget: 4 * time.Second, MaxBudget: 10 * time.Second,
		Limits: Limits{
			// gather's timeout is whole seconds (rendered rounded up): an
			// entry shorter than a second cannot be asked for.
			Timeout: [2]time.Duration{time.Second, 0},
			// dial has no recording attribute.
			NoDialRecord: true,
		},
	},
	{
		// Twilio waits 15 s for a TwiML answer (its voice webhook
		// timeout); the caller hears silence meanwhile, so the default is
		// far shorter, and the most leaves a second for the network.
		Name: "twilio", Vendor: "Twilio Programmable Voice (TwiML)",
		Steps: append([]Step{Say, Play, Capture, MakeCall, Hangup, Pause, Record,
			DialOutcomeBlocks, DialTimeout, DialLimit, DialSIP, DialUser, DialQueue,
			PromptAudio, BargeIn, SayLanguage}, control...), End: EndHangup,
		Budget: 5 * time.Second, MaxBudget: 14 * time.Second,
		Limits: Limits{
			// A TwiML document is at most 64 KB: no text longer than the
			// smallest document around it can ever be sent.
			MaxText: MaxTwiML - len("<Response><Say></Say></Response>"),
			// The texts of one answer share its document: the XML
			// declaration and <Response> around them, each escaped, in
			// an element of its own (<Say>, <Play>).
			Answer: AnswerLimit{Max: MaxTwiML, Frame: len(xml.Header + "<Response></Response>"), Element: len("<Say></Say>"), Text: xmlTextBytes},
			// Speed is SSML <prosody rate>, 20%..200%.
			Speed: [2]float64{0.2, 2.0},
			// loop: once or more (its 0, until the call ends, is not a
			// number of times).
			Repeat: [2]int{1, 0},
			// Gather's timeout is whole seconds, at least 1.
			Timeout: [2]time.Duration{time.Second, 0}, DigitTimeout: [2]time.Duration{time.Second, 0},
			EndKeys:  []string{"#", "*", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
			E164Dial: true,
			// <Play> fetches any absolute http(s) URL; <Sip> takes a
			// sip: or sips: URI.
			PlayHTTP: true, SIPURIs: true,
		},
	},
	{
		Name: "vonage", Vendor: "Vonage Voice API (NCCO)",
		Steps: append([]Step{Say, Play, Capture, MakeCall, Hangup, Pause, Record, DialOutcomeBlocks, DialTimeout, DialLimit,
			DialSIP, DialUser, PromptAudio, BargeIn, SayLanguage}, control...), End: EndHangup,
		// The answer webhook's socket timeout is 1 to 5 s (the application's
		// advanced settings): 3 s fits the usual setting, 5 s the most.
		Budget: 3 * time.Second, MaxBudget: 5 * time.Second,
		Limits: Limits{
			MaxText: 1500, TextRequired: true, // talk text, SSML excluded
			// loop: once or more (0 loops until the call ends).
			Repeat: [2]int{1, 0},
			Digits: [2]int{1, 20}, Timeout: [2]time.Duration{0, 10 * time.Second}, // input dtmf maxDigits, timeOut
			EndKeys:  []string{"#"}, // submitOnHash is Vonage's one end key
			PlayExts: []string{".mp3", ".wav"}, E164Dial: true,
			// a sip endpoint's uri; connect limit; record timeOut and
			// endOnSilence.
			SIPURIs:       true,
			DialLimit:     [2]time.Duration{0, 2 * time.Hour},
			RecordMax:     [2]time.Duration{3 * time.Second, 2 * time.Hour},
			RecordSilence: [2]time.Duration{3 * time.Second, 10 * time.Second},
		},
	},
}

// All returns every platform, in a stable order.
func All() []*Platform { return all }

// Names lists the platform names.
func Names() []string {
	out := make([]string, len(all))
	for i, p := range all {
		out[i] = p.Name
	}
	return out
}

// Lookup returns the platform with the given name.
func Lookup(name string) (*Platform, bool) {
	for _, p := range all {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// MustLookup returns the platform with the given name, and panics when
// there is none: for an adapter's package variables, so a platform the
// runtime has an adapter for and this package does not declare fails at
// start, not on a call.
func MustLookup(name string) *Platform {
	p, ok := Lookup(name)
	if !ok {
		panic("lang/platform does not declare " + name)
	}
	return p
}

// KeepingBound lists the platforms where the end of a handler keeps the
// number's bound route (Platform.KeepsBound).
func KeepingBound() []string {
	var out []string
	for _, p := range all {
		if p.KeepsBound() {
			out = append(out, p.Name)
		}
	}
	return out
}

// Supporting lists the platforms that can express step s.
func Supporting(s Step) []string {
	var out []string
	for _, p := range all {
		if p.Supports(s) {
			out = append(out, p.Name)
		}
	}
	return out
}

// Add declares a platform outside this package: a test's platform, or an
// embedder's. It returns a function that removes it again (for a test's
// Cleanup), or ok false when a platform of that name exists. Call it
// before flows compile (from TestMain or init): the list is read without
// locks.
func Add(p *Platform) (remove func(), ok bool) {
	if _, dup := Lookup(p.Name); dup {
		return nil, false
	}
	all = append(all, p)
	return func() {
		all = slices.DeleteFunc(all, func(q *Platform) bool { return q == p })
	}, true
}
