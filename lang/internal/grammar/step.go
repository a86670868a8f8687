package grammar

import plexer "github.com/alecthomas/participle/v2/lexer"

// Step is one handler statement.
type Step struct {
	Pos      plexer.Position
	Say      *Say      `parser:"  @@"`
	Play     *Play     `parser:"| @@"`
	Capture  *Capture  `parser:"| @@"`
	MakeCall *MakeCall `parser:"| @@"`
	Agent    *Agent    `parser:"| @@"`
	IVR      *IVR      `parser:"| @@"`
	Set      *Set      `parser:"| @@"`
	Hangup   *Hangup   `parser:"| @@"`
	Goto     *Goto     `parser:"| @@"`
	If       *If       `parser:"| @@"`
	Switch   *Switch   `parser:"| @@"`
	Callback *Callback `parser:"| @@"`
	Campaign *Campaign `parser:"| @@"`
	Do       *Do       `parser:"| @@"`
	Return   *Return   `parser:"| @@"`
	On       *On       `parser:"| @@"` // only valid inside a capture; parsed here to say so
	Post     *Post     `parser:"| @@"`
	Pause    *Pause    `parser:"| @@"`
	Record   *Record   `parser:"| @@"`
}

type Say struct {
	Text *Expr     `parser:"\"say\" @@"`
	Mods []*SayMod `parser:"@@*"`
}

// SayMod is one of voice, speed, repeat and language after a say or play.
type SayMod struct {
	Pos   plexer.Position
	Key   string `parser:"@( \"voice\" | \"speed\" | \"repeat\" | \"language\" )"`
	Value *Expr  `parser:"@@"`
}

type Play struct {
	URL  *Expr     `parser:"\"play\" @@"`
	Mods []*SayMod `parser:"@@*"`
}

type Capture struct {
	Var  *Ident    `parser:"\"capture\" @@"`
	Opts *OptBlock `parser:"@@"`
}

// OptBlock is the braced option list of capture, campaign and contact.
type OptBlock struct {
	Pos     plexer.Position
	Options []*Option `parser:"\"{\" ( Newline | \";\" | @@ )*"`
	Close   *Brace    `parser:"@@"`
}

// Option is `word [value, …] [every D] [{ … }]`, or an `on OUTCOME { … }`
// block of steps.
type Option struct {
	Pos   plexer.Position
	On    *On       `parser:"( @@"`
	Name  *Ident    `parser:"| @@"`
	Args  []*Arg    `parser:"  ( @@ ( \",\" @@ )* )?"`
	Value *Expr     `parser:"  ( (?! \"every\" | \"{\") @@ )?"` // header NAME VALUE: a second value without a comma
	Every *Dur      `parser:"  ( \"every\" @@ )?"`
	Block *OptBlock `parser:"  @@? )"`
}

// Arg is an option value; `play URL` is an audio prompt.
type Arg struct {
	Pos   plexer.Position
	Play  *Expr  `parser:"  \"play\" @@"`
	Dur   *Dur   `parser:"| @@"`
	Range *Range `parser:"| @@"`
	Expr  *Expr  `parser:"| @@"`
}

// Range is a digit range such as 4..10, lexed as one token.
type Range struct {
	Text string `parser:"@Range"`
}

// MakeCall is `makeCall TARGET [from EXPR] [record] [timeout D] [limit D]
// [{ on OUTCOME { … } … }]`.
type MakeCall struct {
	Kind     *DialKind `parser:"\"makeCall\" @@?"`
	Number   *Expr     `parser:"@@"`
	From     *Expr     `parser:"( \"from\" @@ )?"`
	Record   bool      `parser:"@\"record\"?"`
	Timeout  *Dur      `parser:"( \"timeout\" @@ )?"`
	Limit    *Dur      `parser:"( \"limit\" @@ )?"`
	Outcomes *Block    `parser:"@@?"` // its steps must be on blocks; the parser says so
}

// DialKind is the word before a makeCall target that is not a number:
// sip, user or queue, a keyword only when an operand follows it, so a
// variable of that name can still be called: `makeCall queue`.
type DialKind struct {
	Pos  plexer.Position
	Word string `parser:"(?= ( \"sip\" | \"user\" | \"queue\" ) (?! \"from\" | \"record\" | \"timeout\" | \"limit\") ( String | Ident | \"(\" ) ) @( \"sip\" | \"user\" | \"queue\" )"`
}

type Agent struct {
	ID *Expr `parser:"\"agent\" @@"`
}

type IVR struct {
	ID *Expr `parser:"\"ivr\" @@"`
}

type Set struct {
	Var   *Ident `parser:"\"set\" @@ \"=\""`
	Value *Expr  `parser:"@@"`
}

type Hangup struct {
	Kw string `parser:"@\"hangup\""`
}

type Goto struct {
	Handler *Ident `parser:"\"goto\" @@"`
}

type If struct {
	Cond *Expr       `parser:"\"if\" @@"`
	Body *Block      `parser:"@@"`
	Else *ElseClause `parser:"( \"else\" @@ )?"`
}

// ElseClause is what follows else: another if, or a block.
type ElseClause struct {
	If    *If    `parser:"  @@"`
	Block *Block `parser:"| @@"`
}

type Switch struct {
	Value *Expr   `parser:"\"switch\" @@ \"{\""`
	Cases []*Case `parser:"( Newline | \";\" | @@ )*"`
	Else  *Block  `parser:"( \"else\" @@ )?"`
	Close *Brace  `parser:"( Newline | \";\" )* @@"`
}

type Case struct {
	Pos    plexer.Position
	Values []*Expr `parser:"\"case\" @@ ( \",\" @@ )*"`
	Body   *Block  `parser:"@@"`
}

type Callback struct {
	Legs  []*Leg `parser:"\"callback\" \"{\" ( Newline | \";\" | @@ )*"`
	Close *Brace `parser:"@@"`
}

type Leg struct {
	Pos  plexer.Position
	Name *Ident `parser:"\"leg\" @@"`
	To   *Expr  `parser:"\"to\" @@"`
	From *Expr  `parser:"\"from\" @@"`
}

type Campaign struct {
	Name *Expr     `parser:"\"campaign\" @@"`
	Opts *OptBlock `parser:"@@"`
}

// Post is `post URL { json …  header NAME VALUE  timeout D  into VAR  else EXPR }`.
type Post struct {
	URL  *Expr     `parser:"\"post\" @@"`
	Opts *OptBlock `parser:"@@"`
}
