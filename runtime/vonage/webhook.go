package vonage

import (
	"errors"
	"fmt"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// answerHook is the answer webhook as Vonage posts it (answer_method POST).
type answerHook struct {
	To               string         `json:"to"`
	From             string         `json:"from"`
	UUID             string         `json:"uuid"`
	ConversationUUID string         `json:"conversation_uuid"`
	RegionURL        string         `json:"region_url"`
	CustomData       map[string]any `json:"custom_data,omitempty"`
}

// inputHook is an input action's result as Vonage posts it to the
// eventUrl, with the resume token that URL carries (see Decode).
type inputHook struct {
	Speech           inputSpeech `json:"speech"`
	DTMF             inputDTMF   `json:"dtmf"`
	From             string      `json:"from"`
	To               string      `json:"to"`
	UUID             string      `json:"uuid"`
	ConversationUUID string      `json:"conversation_uuid"`
	Timestamp        string      `json:"timestamp"`
	Resume           string      `json:"resume,omitempty"`
}

// legHook is an event of a connect's bridged leg, posted to the
// connect's eventUrl.
type legHook struct {
	UUID             string `json:"uuid"` // the bridged leg's
	ConversationUUID string `json:"conversation_uuid"`
	Status           string `json:"status"`
	Direction        string `json:"direction"`
	From             string `json:"from"`
	To               string `json:"to"`
	Timestamp        string `json:"timestamp"`
	Resume           string `json:"resume,omitempty"`
	Call             string `json:"call,omitempty"`
}

// recordHook is a finished recording, posted to the record's eventUrl.
type recordHook struct {
	StartTime        string `json:"start_time"`
	RecordingURL     string `json:"recording_url"`
	Size             int    `json:"size"`
	RecordingUUID    string `json:"recording_uuid"`
	EndTime          string `json:"end_time"`
	ConversationUUID string `json:"conversation_uuid"`
	Timestamp        string `json:"timestamp"`
	Resume           string `json:"resume,omitempty"`
	Call             string `json:"call,omitempty"`
}

type inputSpeech struct {
	Results []any `json:"results"`
}

type inputDTMF struct {
	Digits   string `json:"digits"`
	TimedOut bool   `json:"timed_out"`
}

// Webhook builds a webhook as Vonage would send it for an inbound call.
//
// DialOutcome set is the final event of a connect's bridged leg (busy,
// timeout for noanswer, failed, completed); Recorded is a finished
// recording (recording_url c.RecordingURL). Otherwise digits nil and not
// NoInput is a new call: the answer webhook as a POST (answer_method
// POST), with c.Data as custom_data; else an input action's result: dtmf
// {digits: *Digits, timed_out: true when nothing was entered} (NoInput is
// nothing entered). What an eventUrl's query would carry, c.Resume and
// (for the leg and recording events, which do not name the call) the
// call's uuid, is in the body's "resume" and "call" members, which Decode
// reads when there is no request URL.
//
// Numbers are written as Vonage writes them, without "+". uuid is
// c.Session (a new call without one gets a random id; an input result must
// have one); conversation_uuid is derived from it. timestamp is c.At, else
// now. c.Delivery and Bound are not used: Vonage's retries repeat the uuid.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) {
	input := c.Digits != nil || c.NoInput || c.DialOutcome != "" || c.Recorded
	session := c.Session
	if session == "" {
		if input {
			return nil, errors.New("vonage: an input result needs the call's uuid")
		}
		session = platform.RandomUUID()
	}
	conv := "CON-" + platform.HashUUID("conversation\x00"+session)
	at := c.At
	if at.IsZero() {
		at = time.Now()
	}
	stamp := at.UTC().Format("2006-01-02T15:04:05.000Z")
	var w any
	switch {
	case c.DialOutcome != "":
		w = legHook{UUID: platform.HashUUID("leg\x00" + session), ConversationUUID: conv, Status: dialStatus(c.DialOutcome),
			Direction: "outbound", From: bare(c.Callee), To: bare(c.Caller), Timestamp: stamp, Resume: c.Resume, Call: session}
	case c.Recorded:
		w = recordHook{RecordingURL: c.RecordingURL, RecordingUUID: platform.HashUUID("recording\x00" + session),
			ConversationUUID: conv, StartTime: stamp, EndTime: stamp, Timestamp: stamp, Resume: c.Resume, Call: session}
	case input:
		in := inputHook{Speech: inputSpeech{Results: []any{}}, From: bare(c.Caller), To: bare(c.Callee),
			UUID: session, ConversationUUID: conv, Timestamp: stamp, Resume: c.Resume}
		if c.Digits != nil && !c.NoInput {
			in.DTMF.Digits = *c.Digits
		}
		in.DTMF.TimedOut = in.DTMF.Digits == ""
		w = in
	default:
		w = answerHook{To: bare(c.Callee), From: bare(c.Caller), UUID: session, ConversationUUID: conv,
			RegionURL: "https://api-eu-1.vonage.com", CustomData: c.Data}
	}
	b, err := platform.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("vonage: %w", err)
	}
	return b, nil
}
