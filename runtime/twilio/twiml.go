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
	Prompt              []any
}

type dial struct {
	XMLName  xml.Name `xml:"Dial"`
	CallerID string   `xml:"callerId,attr,omitempty"`
	Record   string   `xml:"record,attr,omitempty"`
	Number   *number
}

type number struct {
	XMLName xml.Name `xml:"Number"`
	Text    string   `xml:",chardata"`
}

type hangup struct {
	XMLName xml.Name `xml:"Hangup"`
}
