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

type inputSpeech struct {
	Results []any `json:"results"`
}

type inputDTMF struct {
	Digits   string `json:"digits"`
	TimedOut bool   `json:"timed_out"`
}

// Webhook builds a webhook as Vonage would send it for an inbound call.
//
// Digits nil and not NoInput is a new call: the answer webhook as a POST
// (answer_method POST), with c.Data as custom_data. Otherwise it is an
// input action's result: dtmf {digits: *Digits, timed_out: true when
// nothing was entered} (NoInput is nothing entered), and c.Resume in the
// body's "resume" member, which Decode reads when there is no request URL.
//
// Numbers are written as Vonage writes them, without "+". uuid is
// c.Session (a new call without one gets a random id; an input result must
// have one); conversation_uuid is derived from it. timestamp is c.At, else
// now. c.Delivery and Bound are not used: Vonage's retries repeat the uuid.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) {
	input := c.Digits != nil || c.NoInput
	session := c.Session
	if session == "" {
		if input {
			return nil, errors.New("vonage: an input result needs the call's uuid")
		}
		session = platform.RandomUUID()
	}
	conv := "CON-" + platform.HashUUID("conversation\x00"+session)
	var w any
	if input {
		in := inputHook{Speech: inputSpeech{Results: []any{}}, From: bare(c.Caller), To: bare(c.Callee),
			UUID: session, ConversationUUID: conv, Resume: c.Resume}
		at := c.At
		if at.IsZero() {
			at = time.Now()
		}
		in.Timestamp = at.UTC().Format("2006-01-02T15:04:05.000Z")
		if c.Digits != nil && !c.NoInput {
			in.DTMF.Digits = *c.Digits
		}
		in.DTMF.TimedOut = in.DTMF.Digits == ""
		w = in
	} else {
		w = answerHook{To: bare(c.Callee), From: bare(c.Caller), UUID: session, ConversationUUID: conv,
			RegionURL: "https://api-eu-1.vonage.com", CustomData: c.Data}
	}
	b, err := platform.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("vonage: %w", err)
	}
	return b, nil
}
