package vonage

import (
	"net/http"
	"regexp"

	"github.com/callflow/callflow/runtime/platform"
)

// Query parameters of an input action's eventUrl: the engine's resume
// token, and the answer's sequence mark (seqMark), which tells a retried
// post from the next try at the same capture (whose token is the same).
const (
	ResumeParam = "resume"
	SeqParam    = "seq"
)

// Call event statuses that matter here; the others (started, ringing,
// answered, …) are acknowledged.
const statusCompleted = "completed"

// Decode reads a webhook from its body alone, as a POST. With no request
// URL (`callflow run` and `callflow test`), the resume token an eventUrl
// would carry is read from the body's "resume" member, where Webhook
// writes it; over HTTP only the URL's counts.
func (a *Adapter) Decode(body []byte, header http.Header) (*platform.Event, error) {
	return a.DecodeRequest(&platform.Inbound{Method: http.MethodPost, Header: header, Body: body})
}

// DecodeRequest reads a webhook. Its parameters are the query's for a GET
// and the JSON body's for a POST, and tell what it is:
//
//   - a status member: a call event; "completed" ends the call (the
//     session is freed), any other is information only;
//   - a resume token (the eventUrl's query), a dtmf or a speech member: the
//     result of an input action. Digits are dtmf.digits, or the older
//     top-level dtmf string; nothing entered (timed out) is "". The
//     delivery id is uuid, the token and the eventUrl's seq, so a retried
//     post gets the same answer (`callflow run` and `test`, which have no
//     URL and no retries, have none); a result without a token gets the
//     safe fallback;
//   - to and uuid: the answer webhook, a new call. from is the caller (or
//     from_user for a call from the Client SDK).
//   - any other webhook naming a call (uuid or conversation_uuid): a call
//     event, acknowledged.
//
// Numbers Vonage writes as bare digits ("447700900000") become E.164 with
// "+", as flows and the other platforms write them. Every problem is a
// *platform.DecodeError naming the parameter.
func (*Adapter) DecodeRequest(in *platform.Inbound) (*platform.Event, error) {
	p, err := params(in)
	if err != nil {
		return nil, err
	}
	ev := &platform.Event{Platform: Name, Request: in, Raw: p.raw}
	if ev.Resume, err = str(ResumeParam, p.resume); err != nil {
		return nil, err
	}
	status, err := p.str("status")
	if err != nil {
		return nil, err
	}
	_, hasDTMF := p.raw["dtmf"]
	_, hasSpeech := p.raw["speech"]
	_, hasRecording := p.raw["recording_url"]
	switch {
	case status != "" && ev.Resume != "":
		return dialEvent(ev, p, status)
	case status != "":
		return callEvent(ev, p, status)
	case hasRecording && ev.Resume != "":
		return recordEvent(ev, p)
	case ev.Resume != "" || hasDTMF || hasSpeech:
		return inputEvent(ev, p)
	}
	to, err := p.str("to")
	if err != nil {
		return nil, err
	}
	if to == "" {
		return callEvent(ev, p, "")
	}
	return answerEvent(ev, p)
}

func answerEvent(ev *platform.Event, p *parameters) (*platform.Event, error) {
	var err error
	ev.Kind = platform.CallStarted
	if ev.Session, err = p.id("uuid", true); err != nil {
		return nil, err
	}
	ev.Delivery = ev.Session // a retried answer webhook is the same call's
	if err := p.parties(ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// parties reads the called number (to) and the caller (from, or from_user
// for a call from the Client SDK) where the webhook has them.
func (p *parameters) parties(ev *platform.Event) error {
	to, err := p.str("to")
	if err != nil {
		return err
	}
	if ev.Callee, err = number("to", to); err != nil {
		return err
	}
	field := "from"
	from, err := p.str(field)
	if err != nil {
		return err
	}
	if from == "" {
		field = "from_user"
		if from, err = p.str(field); err != nil {
			return err
		}
	}
	ev.Caller, err = number(field, from)
	return err
}

// resumed fills what every webhook on an eventUrl has: the call, the
// delivery id, the parties when it names them.
func resumed(ev *platform.Event, p *parameters) error {
	var err error
	ev.Kind = platform.Input
	if ev.Session, err = p.session(); err != nil {
		return err
	}
	if err := platform.CheckID(ResumeParam, ev.Resume); err != nil {
		return err
	}
	if p.seq != "" {
		if err := platform.CheckID(SeqParam, p.seq); err != nil {
			return err
		}
		ev.Delivery = ev.Session + "|" + ev.Resume + "|" + p.seq
	}
	return nil
}

// dialEvent is an event of a connect's bridged leg, on its eventUrl: the
// final one says how the bridged call ended; the others (started,
// ringing, answered) are acknowledged.
func dialEvent(ev *platform.Event, p *parameters, status string) (*platform.Event, error) {
	if err := resumed(ev, p); err != nil {
		return nil, err
	}
	o, final := dialOutcome(status)
	if !final {
		ev.Kind, ev.Delivery, ev.Resume = platform.Status, "", ""
		return ev, nil
	}
	ev.DialOutcome = o
	return ev, nil
}

// recordEvent is a finished recording, on its eventUrl: recording_url
// ("" when nothing was recorded).
func recordEvent(ev *platform.Event, p *parameters) (*platform.Event, error) {
	if err := resumed(ev, p); err != nil {
		return nil, err
	}
	var err error
	ev.RecordingURL, err = p.str("recording_url")
	if err != nil {
		return nil, err
	}
	if len(ev.RecordingURL) > platform.MaxLogValue*4 {
		return nil, &platform.DecodeError{Field: "recording_url", Msg: "is longer than a recording's URL can be"}
	}
	return ev, nil
}

func inputEvent(ev *platform.Event, p *parameters) (*platform.Event, error) {
	if err := resumed(ev, p); err != nil {
		return nil, err
	}
	if err := p.parties(ev); err != nil {
		return nil, err
	}
	d, err := p.digits()
	if err != nil {
		return nil, err
	}
	ev.Digits = &d
	return ev, nil
}

func callEvent(ev *platform.Event, p *parameters, status string) (*platform.Event, error) {
	var err error
	ev.Kind = platform.Status
	if ev.Session, err = p.id("uuid", status == statusCompleted); err != nil {
		return nil, err
	}
	if ev.Session == "" {
		conv, err := p.id("conversation_uuid", false)
		if err != nil {
			return nil, err
		}
		if conv == "" {
			return nil, &platform.DecodeError{Field: "uuid", Msg: "is missing: not a Vonage webhook (an answer webhook has to and uuid, a call event uuid and status)"}
		}
	}
	if status == statusCompleted {
		ev.Kind = platform.CallEnded
	}
	return ev, nil
}

// bareNumber is a phone number as Vonage writes it: E.164 without "+".
var bareNumber = regexp.MustCompile(`^[1-9][0-9]{6,14}$`)

// number is a calling or called number, with "+" added to bare E.164
// digits; anything else (a SIP URI, a Client SDK user, "Unknown") as sent.
func number(field, s string) (string, error) {
	if err := platform.CheckNumber(field, s); err != nil {
		return "", err
	}
	if bareNumber.MatchString(s) {
		return "+" + s, nil
	}
	return s, nil
}
