package vonage

// The NCCO actions the adapter writes, in Vonage's field names. Fields are
// in the order Vonage's reference lists them; zero values Vonage defaults
// are omitted.

type talk struct {
	Action   string `json:"action"` // "talk"
	Text     string `json:"text"`
	Language string `json:"language,omitempty"`
	Style    *int   `json:"style,omitempty"`
	Loop     int    `json:"loop,omitempty"` // 0 would be "forever": omitted means once
	BargeIn  bool   `json:"bargeIn,omitempty"`
}

type stream struct {
	Action    string   `json:"action"` // "stream"
	StreamURL []string `json:"streamUrl"`
	Loop      int      `json:"loop,omitempty"`
	BargeIn   bool     `json:"bargeIn,omitempty"`
}

type input struct {
	Action      string   `json:"action"` // "input"
	Type        []string `json:"type"`
	DTMF        dtmf     `json:"dtmf"`
	EventURL    []string `json:"eventUrl"`
	EventMethod string   `json:"eventMethod"`
}

type dtmf struct {
	MaxDigits    int  `json:"maxDigits"`
	TimeOut      int  `json:"timeOut"` // seconds of silence before the result is sent
	SubmitOnHash bool `json:"submitOnHash"`
}

type connect struct {
	Action    string     `json:"action"` // "connect"
	From      string     `json:"from,omitempty"`
	Endpoint  []endpoint `json:"endpoint"`
	Timeout   int        `json:"timeout,omitempty"` // seconds it may ring
	Limit     int        `json:"limit,omitempty"`   // seconds the call may last
	EventType string     `json:"eventType,omitempty"`
	EventURL  []string   `json:"eventUrl,omitempty"`
}

type endpoint struct {
	Type   string `json:"type"` // phone, sip, app
	Number string `json:"number,omitempty"`
	URI    string `json:"uri,omitempty"`
	User   string `json:"user,omitempty"`
}

// record is a makeCall's recording of the call: the record action alone.
type record struct {
	Action string `json:"action"` // "record"
}

// recordAction is a record step: it waits for the recording, whose URL
// Vonage posts to eventUrl.
type recordAction struct {
	Action       string   `json:"action"` // "record"
	EndOnSilence int      `json:"endOnSilence,omitempty"`
	EndOnKey     string   `json:"endOnKey,omitempty"`
	TimeOut      int      `json:"timeOut,omitempty"`
	BeepStart    bool     `json:"beepStart,omitempty"`
	EventURL     []string `json:"eventUrl"`
	EventMethod  string   `json:"eventMethod"`
}
