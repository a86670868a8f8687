package platform

// Steps and step features of language.md §8.6. None of the seed platforms
// can express them (8x8's five call actions have no pause, recording,
// bridged-call outcome, non-phone target or audio prompt); a platform
// that can lists them in its Steps, and the checker reports each use on a
// target that does not as unsupported-step, naming the platforms that do.
const (
	Pause  Step = "pause"
	Record Step = "record"

	// DialOutcomes: a makeCall with `on busy|noanswer|failed|completed`
	// blocks, the call continuing after the bridged call ends.
	DialOutcomeBlocks Step = "makeCall outcomes"
	DialTimeout       Step = "makeCall timeout" // how long the target may ring
	DialLimit         Step = "makeCall limit"   // the longest the bridged call may last
	DialSIP           Step = "makeCall sip"     // a SIP URI target
	DialUser          Step = "makeCall user"    // a registered user or client target
	DialQueue         Step = "makeCall queue"   // a call queue target

	PromptAudio Step = "capture prompt play" // an audio prompt in a capture
	BargeIn     Step = "capture bargein"     // a key interrupts the prompt
	SayLanguage Step = "say language"        // the TTS language apart from the voice
)

// DialOutcome is how a bridged call ended, as a makeCall's on blocks name
// it. Each adapter maps its platform's own status onto one of these (a
// Twilio DialCallStatus, a Vonage call event, a jambonz dial_call_status).
type DialOutcome string

const (
	DialBusy      DialOutcome = "busy"      // the target was busy
	DialNoAnswer  DialOutcome = "noanswer"  // it rang until the timeout
	DialFailed    DialOutcome = "failed"    // the call could not be placed
	DialCompleted DialOutcome = "completed" // it was answered, and has ended
)

// DialOutcomes lists every outcome, in the order the language documents them.
func DialOutcomes() []DialOutcome {
	return []DialOutcome{DialBusy, DialNoAnswer, DialFailed, DialCompleted}
}

// DialTarget is what a makeCall calls: a phone number, or the SIP URI,
// user or queue its target word names.
type DialTarget string

const (
	TargetNumber DialTarget = ""      // a phone number
	TargetSIP    DialTarget = "sip"   // a SIP URI: makeCall sip "sip:…"
	TargetUser   DialTarget = "user"  // a registered user or client: makeCall user "alice"
	TargetQueue  DialTarget = "queue" // a call queue: makeCall queue "support"
)
