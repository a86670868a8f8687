package ast

import "github.com/callflow/callflow/lang/source"

// Pause is `pause D`: silence on the line for D.
type Pause struct {
	Base
	Length *Duration
}

// Record is `record VAR { max D  silence D  end "#"  beep }`: record the
// caller; VAR holds the recording's URL when the recording ends, and the
// call continues after the step.
type Record struct {
	Base
	Var     *Ident
	Options []*Option
	Close   source.Span // the closing brace
}

// OutcomeBlock is the braced `{ on busy {…} on noanswer {…} … }` after a
// makeCall: the handler continues in the block of the bridged call's
// outcome, or after the makeCall when that outcome has none.
type OutcomeBlock struct {
	Base
	Outcomes []*Outcome
	Close    source.Span
}

// Outcome is `on OUTCOME { … }` inside a makeCall's outcome block: busy,
// noanswer, failed or completed.
type Outcome struct {
	Base
	Name *Ident
	Body *Block
}

// Audio is `play URL` as a capture prompt's value: audio rather than text.
type Audio struct {
	Base
	URL *Expr
}

func (*Pause) step()  {}
func (*Record) step() {}
func (*Audio) arg()   {}
