package twilio

import "encoding/xml"

// The TwiML verbs the adapter writes, marshalled with encoding/xml, which
// escapes every text and attribute.

type say struct {
	XMLName  xml.Name `xml:"Say"`
	Voice    string   `xml:"voice,attr,omitempty"`
	Language string   `xml:"language,attr,omitempty"`
	Loop     int      `xml:"loop,attr,omitempty"`
	Text     string   `xml:",chardata"`
	Prosody  *prosody `xml:"prosody,omitempty"`
}

// prosody is the SSML that sets a speaking rate inside <Say>.
type prosody struct {
	Rate string `xml:"rate,attr"`
	Text string `xml:",chardata"`
}

type play struct {
	XMLName xml.Name `xml:"Play"`
	Loop    int      `xml:"loop,attr,omitempty"`
	URL     string   `xml:",chardata"`
}

// gather always writes finishOnKey, since "" (no end key) differs from
// leaving it out (Twilio's default, "#").
type gather struct {
	XMLName             xml.Name `xml:"Gather"`
	Input               string   `xml:"input,attr"`
	NumDigits           int      `xml:"numDigits,attr,omitempty"`
	FinishOnKey         string   `xml:"finishOnKey,attr"`
	Timeout             int      `xml:"timeout,attr"`
	Action              string   `xml:"action,attr"`
	Method              string   `xml:"method,attr"`
	ActionOnEmptyResult bool     `xml:"actionOnEmptyResult,attr"`
	BargeIn             bool     `xml:"bargeIn,attr"`
	Prompt              []any
}

type dial struct {
	XMLName   xml.Name `xml:"Dial"`
	CallerID  string   `xml:"callerId,attr,omitempty"`
	Timeout   int      `xml:"timeout,attr,omitempty"`
	TimeLimit int      `xml:"timeLimit,attr,omitempty"`
	Record    string   `xml:"record,attr,omitempty"`
	Action    string   `xml:"action,attr,omitempty"`
	Method    string   `xml:"method,attr,omitempty"`
	Noun      noun
}

// noun is what <Dial> calls: <Number>, <Sip>, <Client> or <Queue>.
type noun struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

type pause struct {
	XMLName xml.Name `xml:"Pause"`
	Length  int      `xml:"length,attr"`
}

// record always writes playBeep, since Twilio beeps unless told not to.
type record struct {
	XMLName     xml.Name `xml:"Record"`
	MaxLength   int      `xml:"maxLength,attr,omitempty"`
	Timeout     int      `xml:"timeout,attr,omitempty"`
	FinishOnKey string   `xml:"finishOnKey,attr,omitempty"`
	PlayBeep    bool     `xml:"playBeep,attr"`
	Action      string   `xml:"action,attr"`
	Method      string   `xml:"method,attr"`
}

// redirect follows a <Record>: when nothing was recorded Twilio goes on to
// the next verb without requesting the action URL; the redirect requests
// it then, without a RecordingUrl, and the call goes on with the record's
// variable empty.
type redirect struct {
	XMLName xml.Name `xml:"Redirect"`
	Method  string   `xml:"method,attr"`
	URL     string   `xml:",chardata"`
}

type hangup struct {
	XMLName xml.Name `xml:"Hangup"`
}
