package grammar

import plexer "github.com/alecthomas/participle/v2/lexer"

// Step is one handler statement.
type Step struct {
	Pos      plexer.Position
	Say      *Say      `  @@`
	Play     *Play     `| @@`
	Capture  *Capture  `| @@`
	MakeCall *MakeCall `| @@`
	Agent    *Agent    `| @@`
	IVR      *IVR      `| @@`
	Set      *Set      `| @@`
	Hangup   *Hangup   `| @@`
	Goto     *Goto     `| @@`
	If       *If       `| @@`
	Switch   *Switch   `| @@`
	Callback *Callback `| @@`
	Campaign *Campaign `| @@`
}

type Say struct {
	Text *Expr     `"say" @@`
	Mods []*SayMod `@@*`
}

// SayMod is one of voice, speed and repeat after a say or play.
type SayMod struct {
	Pos   plexer.Position
	Key   string `@( "voice" | "speed" | "repeat" )`
	Value *Expr  `@@`
}

type Play struct {
	URL  *Expr     `"play" @@`
	Mods []*SayMod `@@*`
}

type Capture struct {
	Var  *Ident    `"capture" @@`
	Opts *OptBlock `@@`
}

// OptBlock is the braced option list of capture, campaign and contact.
type OptBlock struct {
	Pos     plexer.Position
	Options []*Option `"{" ( Newline | ";" | @@ )*`
	Close   *Brace    `@@`
}

// Option is `word [value, …] [every D] [{ … }]`.
type Option struct {
	Pos   plexer.Position
	Name  *Ident    `@@`
	Args  []*Arg    `( @@ ( "," @@ )* )?`
	Every *Dur      `( "every" @@ )?`
	Block *OptBlock `@@?`
}

// Arg is an option value.
type Arg struct {
	Pos   plexer.Position
	Dur   *Dur   `  @@`
	Range *Range `| @@`
	Expr  *Expr  `| @@`
}

// Range is a digit range such as 4..10.
type Range struct {
	Min string `@Int ".."`
	Max string `@Int`
}

type MakeCall struct {
	Number *Expr `"makeCall" @@`
	From   *Expr `( "from" @@ )?`
	Record bool  `@"record"?`
}

type Agent struct {
	ID *Expr `"agent" @@`
}

type IVR struct {
	ID *Expr `"ivr" @@`
}

type Set struct {
	Var   *Ident `"set" @@ "="`
	Value *Expr  `@@`
}

type Hangup struct {
	Kw string `@"hangup"`
}

type Goto struct {
	Handler *Ident `"goto" @@`
}

type If struct {
	Cond *Expr       `"if" @@`
	Body *Block      `@@`
	Else *ElseClause `( "else" @@ )?`
}

// ElseClause is what follows else: another if, or a block.
type ElseClause struct {
	If    *If    `  @@`
	Block *Block `| @@`
}

type Switch struct {
	Value *Expr   `"switch" @@ "{"`
	Cases []*Case `( Newline | ";" | @@ )*`
	Else  *Block  `( "else" @@ )?`
	Close *Brace  `( Newline | ";" )* @@`
}

type Case struct {
	Pos    plexer.Position
	Values []*Expr `"case" @@ ( "," @@ )*`
	Body   *Block  `@@`
}

type Callback struct {
	Legs  []*Leg `"callback" "{" ( Newline | ";" | @@ )*`
	Close *Brace `@@`
}

type Leg struct {
	Pos  plexer.Position
	Name *Ident `"leg" @@`
	To   *Expr  `"to" @@`
	From *Expr  `"from" @@`
}

type Campaign struct {
	Name *Expr     `"campaign" @@`
	Opts *OptBlock `@@`
}
