package ir

import (
	"time"

	"github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
)

// Instr is one instruction of a handler. Steps are instructions; if and
// switch compile to jumps.
type Instr interface {
	Span() source.Span
	Position() *Pos
}

// Pos is embedded in every instruction.
type Pos struct{ At source.Span }

// Span returns where the instruction was written.
func (p Pos) Span() source.Span { return p.At }

// Position returns the instruction's position itself: one word to keep
// where the instruction would take two.
func (p *Pos) Position() *Pos { return p }

// Say speaks text. Voice, Speed and Repeat are nil when neither the step nor
// the file gives them.
type Say struct {
	Pos
	Text                 *Expr
	Voice, Speed, Repeat *Expr
	Language             *Expr // the TTS language, apart from the voice; nil when not given
}

// Play plays an audio file.
type Play struct {
	Pos
	URL    *Expr
	Repeat *Expr
}

// Capture prompts for digits and suspends the call until they arrive.
//
// Prompts, Failures, NoInput and NoMatch hold one value per try: try n
// says the n-th (Nth), the last repeats. OnNoInput and OnNoMatch are the
// first instruction of the on block that runs when the tries are spent
// with that outcome, -1 when there is none (the call then continues at the
// next instruction with Var set to "").
type Capture struct {
	Pos
	Var                   string
	Prompts               []*Expr
	MinDigits, MaxDigits  int
	End                   string // a key that finishes entry, "" for none
	Timeout, DigitTimeout time.Duration
	Tries                 int
	Accept                []string // valid entries; empty accepts any
	AcceptList            *Expr    // accept from a list computed from the call, checked when the entry comes; nil when Accept says it all
	Success               *Expr
	Failures              []*Expr // said after a failed try that NoInput or NoMatch does not cover
	NoInput, NoMatch      []*Expr
	OnNoInput, OnNoMatch  int
	Voice, Speed          *Expr
	// PromptAudio[i] says Prompts[i] is an audio URL to play (`prompt
	// play URL`), not text to say; shorter than Prompts when the rest
	// are text.
	PromptAudio []bool
	BargeIn     bool // a key interrupts the prompt
	// Needs is what a platform's own retry loop must do to run every try
	// of this capture (platform.RetryLoop.Covers).
	Needs platform.CaptureNeeds
}

// Nth is the value of a per-try option for try n (1-based): the n-th, or
// the last when there are fewer; nil when the option is not given.
func Nth(values []*Expr, n int) *Expr {
	if len(values) == 0 {
		return nil
	}
	return values[min(max(n, 1), len(values))-1]
}

// MakeCall bridges the call to Number: a phone number, or a SIP URI, user
// or queue name as Kind says. Without outcome blocks (On is nil) it ends
// the handler; with them the call suspends until the platform reports how
// the bridged call ended, and resumes at On[outcome], or at the next
// instruction when that outcome has no block.
type MakeCall struct {
	Pos
	Kind         platform.DialTarget
	Number, From *Expr
	Record       bool
	Timeout      time.Duration // how long the target may ring; 0: the platform's default
	Limit        time.Duration // the longest the bridged call may last; 0: no limit
	On           map[platform.DialOutcome]int
}

// Continues reports whether the call goes on after the bridged call ends.
func (m *MakeCall) Continues() bool { return m.On != nil }

// Resume is the instruction the call resumes at after outcome o.
func (m *MakeCall) Resume(o platform.DialOutcome, next int) int {
	if to, ok := m.On[o]; ok {
		return to
	}
	return next
}

// Pause is silence on the line.
type Pause struct {
	Pos
	Length time.Duration
}

// Record records the caller and suspends until the recording ends; Var
// then holds the recording's URL and the call continues at the next
// instruction. Zero durations and an empty End are the platform's
// defaults.
type Record struct {
	Pos
	Var          string
	Max, Silence time.Duration // the longest recording; the silence that ends it
	End          string        // a key that ends it, "" for none
	Beep         bool          // a beep before recording starts
}

// Agent hands the call to an AI agent; it ends the handler.
type Agent struct {
	Pos
	ID *Expr
}

// IVR hands the call to an IVR; it ends the handler.
type IVR struct {
	Pos
	ID *Expr
}

// Set assigns a session variable.
type Set struct {
	Pos
	Var   string
	Value *Expr
}

// Hangup ends the call.
type Hangup struct{ Pos }

// Goto continues in another handler.
type Goto struct {
	Pos
	Handler string
}

// Branch jumps to Else when Cond is false, and falls through otherwise.
type Branch struct {
	Pos
	Cond *Expr
	Else int
}

// Jump continues at To.
type Jump struct {
	Pos
	To int
}

// SwitchJump compares Value with each case's literals and jumps to the first
// match, or to Else.
type SwitchJump struct {
	Pos
	Value *Expr
	Cases []SwitchCase
	Else  int
}

// SwitchCase is one case of a switch.
type SwitchCase struct {
	Values []any
	To     int
}

// Callback requests a two-leg call.
type Callback struct {
	Pos
	A, B Leg
}

// Leg is one leg of a callback.
type Leg struct {
	To, From *Expr
}

// Campaign starts an outbound callbot session.
type Campaign struct {
	Pos
	Name          *Expr
	Script, CID   *Expr
	Voice, Speed  *Expr
	Retry         int
	RetryEvery    time.Duration
	Batch         int
	BatchEvery    time.Duration
	At            *Expr // send time; nil means now
	Dedupe        *Expr
	AutoPause     bool
	Contacts      []Contact
	ContactLists  []*Expr // `contacts EXPR`: lists of maps with phone, email, code, vars
	DefaultRegion string
}

// Contact is one `contact EXPR { … }`.
type Contact struct {
	Phone, Email, Code, Vars *Expr
}
