package jambonz

// The verbs of an answer, as the official verb schema (npm
// @jambonz/verb-specifications, specs.json) names their properties. Fields
// are left out when empty, so jambonz's own defaults apply.

type say struct {
	Verb        string       `json:"verb,omitempty"` // "" when nested in a gather
	Text        string       `json:"text"`
	Synthesizer *synthesizer `json:"synthesizer,omitempty"`
	Loop        int          `json:"loop,omitempty"`
}

type synthesizer struct {
	Vendor   string `json:"vendor"`
	Language string `json:"language,omitempty"`
	Voice    string `json:"voice,omitempty"`
}

type play struct {
	Verb string `json:"verb,omitempty"` // "" when nested in a gather
	URL  string `json:"url"`
	Loop int    `json:"loop,omitempty"`
}

type gather struct {
	Verb              string   `json:"verb"`
	Input             []string `json:"input"`
	NumDigits         int      `json:"numDigits,omitempty"`
	MinDigits         int      `json:"minDigits,omitempty"`
	MaxDigits         int      `json:"maxDigits,omitempty"`
	FinishOnKey       string   `json:"finishOnKey,omitempty"`
	Timeout           int      `json:"timeout,omitempty"`
	InterDigitTimeout int      `json:"interDigitTimeout,omitempty"`
	DTMFBargein       bool     `json:"dtmfBargein,omitempty"`
	Say               *say     `json:"say,omitempty"`
	Play              *play    `json:"play,omitempty"`
	ActionHook        string   `json:"actionHook"`
}

type dial struct {
	Verb       string   `json:"verb"`
	Target     []target `json:"target"`
	CallerID   string   `json:"callerId,omitempty"`
	Timeout    int      `json:"timeout,omitempty"`
	TimeLimit  int      `json:"timeLimit,omitempty"`
	ActionHook string   `json:"actionHook,omitempty"`
}

type target struct {
	Type   string `json:"type"`
	Number string `json:"number,omitempty"` // phone
	SIPURI string `json:"sipUri,omitempty"` // sip
	Name   string `json:"name,omitempty"`   // user
}

type pause struct {
	Verb   string `json:"verb"`
	Length int    `json:"length"`
}

type hangup struct {
	Verb string `json:"verb"`
}
