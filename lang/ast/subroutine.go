package ast

// Do is `do HANDLER`: run HANDLER, then continue after the do when it
// reaches its end or a return.
type Do struct {
	Base
	Handler *Ident
}

// Return is `return`: back to the step after the do that ran this handler,
// or the end of the handler when no do did. Value is what was written
// after it, which the checker rejects; nil when nothing was.
type Return struct {
	Base
	Value *Expr
}

// On is `on OUTCOME { … }` written as a step, where no capture holds it:
// the checker reports it (on-outside-capture), so no program has one.
// Inside a capture an on block is an Option with Outcome and Body.
type On struct {
	Base
	Outcome *Ident
	Body    *Block
}

func (*Do) step()     {}
func (*Return) step() {}
func (*On) step()     {}
