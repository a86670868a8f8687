package ast

import "github.com/callflow/callflow/lang/source"

// Block is a braced list of steps.
type Block struct {
	Base
	Steps []Step
}

// Step is one statement of a handler.
type Step interface {
	Node
	step()
}

// Say is `say TEXT [voice V] [speed N] [repeat N] [language L]`.
type Say struct {
	Base
	Text                 *Expr
	Voice, Speed, Repeat *Expr // nil when absent
	Language             *Expr // the TTS language, where a platform takes it apart from the voice; nil when absent
}

// Play is `play URL [repeat N]`.
type Play struct {
	Base
	URL    *Expr
	Repeat *Expr
}

// Capture is `capture VAR { OPTIONS }`.
type Capture struct {
	Base
	Var     *Ident
	Options []*Option
	Close   source.Span // the closing brace
}

// MakeCall is `makeCall [sip|user|queue] EXPR [from EXPR] [record]
// [timeout D] [limit D] [{ on OUTCOME { … } … }]`.
type MakeCall struct {
	Base
	Kind     *Ident // sip, user or queue; nil when Number is a phone number
	Number   *Expr  // the target: a number, SIP URI, user or queue name
	From     *Expr
	Record   bool
	Timeout  *Duration     // how long the target may ring; nil: the platform's default
	Limit    *Duration     // the longest the bridged call may last; nil: no limit
	Outcomes *OutcomeBlock // nil: the makeCall ends the handler
}

// Agent is `agent EXPR`.
type Agent struct {
	Base
	ID *Expr
}

// IVR is `ivr EXPR`.
type IVR struct {
	Base
	ID *Expr
}

// Set is `set VAR = EXPR`.
type Set struct {
	Base
	Var   *Ident
	Value *Expr
}

// Hangup is `hangup`.
type Hangup struct {
	Base
}

// Goto is `goto HANDLER`.
type Goto struct {
	Base
	Handler *Ident
}

// If is `if EXPR { … } else if EXPR { … } else { … }`.
type If struct {
	Base
	Branches []*Branch
	Else     *Block // nil when absent
}

// Branch is one condition and its block.
type Branch struct {
	Base
	Cond *Expr
	Body *Block
}

// Switch is `switch EXPR { case V[, V…] { … } … else { … } }`.
type Switch struct {
	Base
	Value *Expr
	Cases []*Case
	Else  *Block
	Close source.Span // the closing brace
}

// Case is `case V[, V…] { … }`.
type Case struct {
	Base
	Values []*Expr
	Body   *Block
}

// Callback is `callback { leg A to EXPR from EXPR  leg B to EXPR from EXPR }`.
type Callback struct {
	Base
	Legs  []*Leg
	Close source.Span // the closing brace
}

// Leg is one leg of a two-leg call.
type Leg struct {
	Base
	Name *Ident // A or B
	To   *Expr
	From *Expr
}

// Campaign is `campaign TEXT { OPTIONS }`.
type Campaign struct {
	Base
	Name    *Expr
	Options []*Option
	Close   source.Span // the closing brace
}

// Option is one line of a capture or campaign block: a word, its values, an
// optional `every D`, and for `contact` a nested block. An `on OUTCOME { … }`
// block of a capture is an Option named on, with Outcome and Body.
type Option struct {
	Base
	Name    *Ident
	Args    []Arg
	Value   *Expr // a second value without a comma: header NAME VALUE
	Every   *Duration
	Block   []*Option
	Close   source.Span // the nested block's closing brace, when there is one
	Outcome *Ident      // on blocks: noinput or nomatch
	Body    *Block      // on blocks: the steps
}

// Arg is an option value: *Expr, *Duration, *Range, or *Ident (into VAR).
type Arg interface {
	Node
	arg()
}

func (*Say) step()      {}
func (*Play) step()     {}
func (*Capture) step()  {}
func (*MakeCall) step() {}
func (*Agent) step()    {}
func (*IVR) step()      {}
func (*Set) step()      {}
func (*Hangup) step()   {}
func (*Goto) step()     {}
func (*If) step()       {}
func (*Switch) step()   {}
func (*Callback) step() {}
func (*Campaign) step() {}

func (*Expr) arg()     {}
func (*Duration) arg() {}
func (*Range) arg()    {}
func (*Ident) arg()    {} // the variable of a post's into

// Keyword is the word a step is written with: say, capture, makeCall, ….
func Keyword(s Step) string {
	switch s.(type) {
	case *Say:
		return "say"
	case *Play:
		return "play"
	case *Capture:
		return "capture"
	case *MakeCall:
		return "makeCall"
	case *Agent:
		return "agent"
	case *IVR:
		return "ivr"
	case *Set:
		return "set"
	case *Hangup:
		return "hangup"
	case *Goto:
		return "goto"
	case *If:
		return "if"
	case *Switch:
		return "switch"
	case *Callback:
		return "callback"
	case *Campaign:
		return "campaign"
	case *Do:
		return "do"
	case *Return:
		return "return"
	case *On:
		return "on"
	case *Post:
		return "post"
	case *Pause:
		return "pause"
	case *Record:
		return "record"
	}
	return ""
}
