package vonage

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// DefaultTimeOut is the input's timeOut, in seconds, when a capture leaves
// its timeout at zero: Vonage's own default.
const DefaultTimeOut = 3

// LimitError is an action Vonage would reject, found when the response is
// rendered: a value only known at run time is out of Vonage's limits.
// Render returns it in a *platform.ActionError naming the action's index;
// the engine answers the safe fallback instead.
type LimitError struct {
	Action string // NCCO action: talk, stream, input, connect, record
	Field  string // its field, "" for the action as a whole
	Msg    string
}

func (e *LimitError) Error() string {
	at := e.Action
	if e.Field != "" {
		at += "." + e.Field
	}
	return "vonage: " + at + ": " + e.Msg
}

var empty = []byte("{}")

// Render answers a webhook. A call event gets 200 {}. Otherwise the
// actions become an NCCO, in order: say a talk, pause a talk of SSML
// breaks, play a stream, capture its prompt (a talk, or a stream with
// prompt play) and an input whose eventUrl carries r.Resume, record a
// record action whose eventUrl does too, makeCall a connect (after a
// record action when it records; synchronous, with an eventUrl, when the
// flow waits for its outcome). Vonage ends the call when the NCCO runs
// out, so hangup, and the end of a handler, end the NCCO; nothing may
// follow them, nor an input, a record or a connect that waits. No actions
// at all is [].
//
// Values Vonage would reject are a *LimitError naming the action and field
// in a *platform.ActionError naming the action's index (lang/platform's
// limits, which the checker applies to what it knows): text empty or over
// 1,500 characters, a negative repeat, a stream URL that is not http(s) or
// not .mp3/.wav, an input timeOut over 10 s, an end key other than "#",
// connect numbers that are not E.164, a SIP target that is not a SIP URI, a
// queue target, a limit over 2 h, a recording's timeOut outside 3 s..2 h or
// endOnSilence outside 3..10 s, an action Vonage does not have (agent, ivr,
// callback, campaign).
func (*Adapter) Render(ev *platform.Event, r *platform.Response) (platform.Reply, error) {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: empty}, nil
	}
	var actions []platform.Action
	if r != nil {
		actions = r.Actions
	}
	rd := renderer{ev: ev, ncco: make([]any, 0, len(actions)+1)}
	if r != nil {
		rd.resume = r.Resume
	}
	for i, a := range actions {
		var err error
		if rd.last != "" {
			err = &LimitError{Action: platform.ActionName(a), Msg: "comes after " + rd.last + ", which ends the NCCO"}
		} else if le := rd.action(a); le != nil {
			err = le
		}
		if err != nil {
			return platform.Reply{}, &platform.ActionError{Index: i, Err: err}
		}
	}
	b, err := platform.Marshal(rd.ncco)
	if err != nil {
		return platform.Reply{}, fmt.Errorf("vonage: %w", err)
	}
	return platform.Reply{Status: http.StatusOK, Body: b}, nil
}

// renderer builds one NCCO.
type renderer struct {
	ev     *platform.Event
	resume string
	ncco   []any
	last   string // what ended the NCCO: "hangup" or "input"; "" while open
}

// action appends one action.
func (rd *renderer) action(a platform.Action) *LimitError {
	switch x := a.(type) {
	case platform.Say:
		t, err := sayTalk("talk", x.Text, x.Voice, x.Repeat)
		if err != nil {
			return err
		}
		if x.Language != "" {
			t.Language = x.Language
		}
		rd.ncco = append(rd.ncco, t)
	case platform.Pause:
		t, err := pauseTalk(x)
		if err != nil {
			return err
		}
		rd.ncco = append(rd.ncco, t)
	case platform.Record:
		return rd.record(x)
	case platform.Play:
		s, err := playStream(x.URL, x.Repeat)
		if err != nil {
			return err
		}
		rd.ncco = append(rd.ncco, s)
	case platform.Capture:
		return rd.capture(x)
	case platform.MakeCall:
		return rd.makeCall(x)
	case platform.Hangup, platform.KeepBound:
		rd.last = "hangup"
	case nil:
		return &LimitError{Action: "<nil>", Msg: "no action"}
	default:
		return &LimitError{Action: platform.ActionName(a), Msg: "not supported by vonage (it has talk, stream, input and connect)"}
	}
	return nil
}

// sayTalk is a talk of text in voice, loop times (0 is once).
func sayTalk(act, text, voice string, loop int) (talk, *LimitError) {
	t := talk{Action: "talk", Text: text}
	if err := checkText(act, "text", text); err != nil {
		return t, err
	}
	var err *LimitError
	if t.Loop, err = loopOf(act, loop); err != nil {
		return t, err
	}
	t.Language, t.Style = talkVoice(voice)
	return t, nil
}

func playStream(u string, loop int) (stream, *LimitError) {
	s := stream{Action: "stream", StreamURL: []string{u}}
	if msg := platform.CheckAudioURL(u, limits.PlayExts); msg != "" {
		return s, &LimitError{Action: "stream", Field: "streamUrl", Msg: msg}
	}
	var err *LimitError
	s.Loop, err = loopOf("stream", loop)
	return s, err
}

// capture is the prompt, a talk or (prompt play) a stream, which a key
// interrupts with bargein, and the input.
func (rd *renderer) capture(c platform.Capture) *LimitError {
	var prompt any
	if c.Audio {
		s, err := playStream(c.Prompt, 0)
		if err != nil {
			return err
		}
		s.BargeIn = c.BargeIn
		prompt = s
	} else {
		t, err := sayTalk("talk", c.Prompt, c.Voice, 0)
		if err != nil {
			err.Field = "text (the capture's prompt)"
			return err
		}
		t.BargeIn = c.BargeIn
		prompt = t
	}
	in := input{Action: "input", Type: []string{"dtmf"}, EventMethod: http.MethodPost, EventURL: []string{rd.actionURL(rd.resumeQuery(false))}}
	var err *LimitError
	if in.DTMF, err = dtmfOf(c); err != nil {
		return err
	}
	rd.ncco = append(rd.ncco, prompt, in)
	rd.last = "input"
	return nil
}

// dtmfOf is a capture's input settings. A capture's digits are known at
// compile time and checked there against Vonage's 1..20, so more than 20
// is the language's default (any length): Vonage's most, 20. The timeOut
// is the capture's timeout in whole seconds, rounded up; Vonage waits that
// long for each key, so digit_timeout has no part in it.
func dtmfOf(c platform.Capture) (dtmf, *LimitError) {
	const act = "input"
	d := dtmf{MaxDigits: c.MaxDigits, SubmitOnHash: c.End == "#"}
	if c.End != "" && !slices.Contains(limits.EndKeys, c.End) {
		return d, &LimitError{Action: act, Field: "dtmf.submitOnHash", Msg: "end key " + platform.Quote(c.End) + ` is not supported: Vonage can only end entry on "#"`}
	}
	if hi := limits.Digits[1]; d.MaxDigits <= 0 || d.MaxDigits > hi {
		d.MaxDigits = hi
	}
	switch {
	case c.Timeout < 0:
		return d, &LimitError{Action: act, Field: "dtmf.timeOut", Msg: fmt.Sprintf("%v is negative", c.Timeout)}
	case c.Timeout == 0:
		d.TimeOut = DefaultTimeOut
	case c.Timeout > limits.Timeout[1]:
		return d, &LimitError{Action: act, Field: "dtmf.timeOut", Msg: fmt.Sprintf("%v is longer than %v", c.Timeout, limits.Timeout[1])}
	default:
		d.TimeOut = int((c.Timeout + time.Second - 1) / time.Second)
	}
	return d, nil
}

// makeCall is a connect (after a record action when it records). With
// outcome blocks (Continues) it is synchronous and its eventUrl, carrying
// the resume token, gets the bridged leg's events: the final one tells the
// outcome, and the NCCO answered to it continues the call.
func (rd *renderer) makeCall(m platform.MakeCall) *LimitError {
	const act = "connect"
	ep, err := dialEndpoint(m)
	if err != nil {
		return err
	}
	from := m.From
	if from == "" && rd.ev != nil && e164.MatchString(rd.ev.Callee) {
		from = rd.ev.Callee // the Vonage number the caller dialled
	}
	switch {
	case from == "" && m.Target == lplatform.TargetNumber:
		return &LimitError{Action: act, Field: "from", Msg: "missing: no from number and no called number to default to"}
	case from != "" && !e164.MatchString(from):
		return &LimitError{Action: act, Field: "from", Msg: platform.Quote(from) + " is not an E.164 number (+ and 7 to 15 digits); Vonage shows one of your numbers"}
	}
	c := connect{Action: act, From: bare(from), Endpoint: []endpoint{ep}, Timeout: seconds(m.Timeout)}
	if m.Limit < 0 || m.Limit > maxCallLimit {
		return &LimitError{Action: act, Field: "limit", Msg: fmt.Sprintf("%v is outside 0..%v", m.Limit, maxCallLimit)}
	}
	c.Limit = seconds(m.Limit)
	if m.Continues {
		c.EventType, c.EventURL = "synchronous", []string{rd.actionURL(rd.resumeQuery(true))}
		rd.last = act
	}
	if m.Record {
		rd.ncco = append(rd.ncco, record{Action: "record"}) // records the call until it ends
	}
	rd.ncco = append(rd.ncco, c)
	return nil
}

// seqMark marks an answer's eventUrl with the delivery it answers. Two
// tries at one capture carry the same resume token (it names the capture,
// not the try), so the token alone would make the second try a copy of
// the first; each answer answers another delivery, so its mark differs,
// while a retried post repeats its URL and so its mark.
func seqMark(delivery string) string {
	sum := sha256.Sum256([]byte(delivery))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// e164 is a number in E.164 form: +, a country code not starting with 0, 7
// to 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// bare is an E.164 number as Vonage writes it in NCCOs: without "+".
func bare(n string) string { return strings.TrimPrefix(n, "+") }

// actionURL is the URL of this webhook's route with the query q, for an
// action's eventUrl: on the public base URL when the server knows it.
func (rd *renderer) actionURL(q url.Values) string {
	p := "/hooks/" + Name
	var in *platform.Inbound
	if rd.ev != nil {
		in = rd.ev.Request
	}
	if in == nil {
		return (&url.URL{Path: p, RawQuery: q.Encode()}).String()
	}
	if in.URL != nil {
		p = in.URL.Path
		if in.Base != nil {
			p = strings.TrimPrefix(p, strings.TrimRight(in.Base.Path, "/"))
		}
	}
	return in.ActionURL(p, q)
}

func checkText(act, field, s string) *LimitError {
	if s == "" {
		return &LimitError{Action: act, Field: field, Msg: "must not be empty"}
	}
	if len(s) <= limits.MaxText {
		return nil // no more characters than bytes
	}
	if n := utf8.RuneCountInString(s); n > limits.MaxText {
		return &LimitError{Action: act, Field: field, Msg: fmt.Sprintf("%d characters, over the limit of %d", n, limits.MaxText)}
	}
	return nil
}

// loopOf is a talk's or stream's loop for a repeat count: omitted (once)
// for 0 and 1, since Vonage's loop 0 means forever.
func loopOf(act string, n int) (int, *LimitError) {
	switch {
	case n < 0:
		return 0, &LimitError{Action: act, Field: "loop", Msg: fmt.Sprintf("%d is not a number of times", n)}
	case n <= 1:
		return 0, nil
	}
	return n, nil
}

// Fallback is the safe answer: the apology as a talk when one is
// configured (in its voice, when set and within Vonage's limits), then the
// end of the NCCO, which ends the call. A call event gets 200 {} as always.
func (*Adapter) Fallback(ev *platform.Event, opts platform.FallbackOptions) platform.Reply {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: empty}
	}
	ncco := []any{}
	if opts.Apology != "" {
		if t, err := sayTalk("talk", opts.Apology, opts.Voice, 0); err == nil {
			ncco = append(ncco, t)
		}
	}
	b, _ := platform.Marshal(ncco) // strings and numbers always encode
	return platform.Reply{Status: http.StatusOK, Body: b}
}
