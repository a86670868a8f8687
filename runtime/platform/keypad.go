package platform

// Keypad is implemented by an adapter whose platform collects a capture's
// digits itself and judges each try before it posts anything (8x8's
// sayAndCapture with its noOfTries loop). Tests use it to press keys as a
// caller would, so the webhook the engine receives is the one the platform
// would post: the platform's own judgement of a try lives here, once per
// platform, and never the flow's (accept is the engine's).
type Keypad interface {
	// Press is one try at the capture that reply, the platform answer
	// last rendered, asks for: keys are what the caller pressed ("" is
	// nothing before the timeout) and failed the tries the platform has
	// judged failed since that answer. An error is a press the platform
	// cannot receive (a key it has not, keys after the entry ended) or a
	// reply that asks for no digits.
	Press(reply []byte, failed int, keys string) (Entry, error)
}

// Entry is what the platform does with one try.
type Entry struct {
	// Post is true when the platform posts the capture's answer now:
	// Digits as entered, or nil (nothing captured) after a failed last
	// try. False when the try failed and tries are left: the platform says
	// the capture's failure message and prompts again itself.
	Post   bool
	Digits *string
	// Failed says why the platform judged the try failed ("" when it did
	// not): no input, too few keys, no end key.
	Failed string
	// Says is what the platform says before it prompts again when Post is
	// false (8x8's failureMessage); "" for nothing.
	Says string
}
