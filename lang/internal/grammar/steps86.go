package grammar

// Pause is `pause D`: silence on the line.
type Pause struct {
	Length *Dur `parser:"\"pause\" @@"`
}

// Record is `record VAR { max D  silence D  end "#"  beep }`: record the
// caller, VAR holding the recording's URL when it ends.
type Record struct {
	Var  *Ident    `parser:"\"record\" @@"`
	Opts *OptBlock `parser:"@@"`
}
