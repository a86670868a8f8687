package ir

import (
	"time"

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
}

// Play plays an audio file.
type Play struct {
	Pos
	URL    *Expr
	Repeat *Expr
}

// Capture prompts for digits and suspends the call until they arrive.
type Capture struct {
	Pos
	Var                   string
	Prompt                *Expr
	MinDigits, MaxDigits  int
	End                   string // a key that finishes entry, "" for none
	Timeout, DigitTimeout time.Duration
	Tries                 int
	Accept                []string // valid entries; empty accepts any
	AcceptList            *Expr    // accept from a list computed from the call, checked when the entry comes; nil when Accept says it all
	Success, Failure      *Expr
	Voice, Speed          *Expr
}

// MakeCall bridges the call to a number; it ends the handler.
type MakeCall struct {
	Pos
	Number, From *Expr
	Record       bool
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
