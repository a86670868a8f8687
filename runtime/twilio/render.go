package twilio

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/phone"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// DefaultTimeout is Gather's timeout when the capture gives none
// (Twilio's own default).
const DefaultTimeout = 5 * time.Second

// LimitError is an action Twilio would reject, found when the response is
// rendered: a value only known at run time is out of Twilio's limits, or
// the document grew past 64 KB. The engine answers the safe fallback.
type LimitError struct {
	Index int    // position in Response.Actions
	Verb  string // TwiML verb: Say, Play, Gather, Dial, Hangup
	Field string // its attribute, "" for the verb as a whole
	Msg   string
}

// ActionIndex is Index, for platform.FailedAction.
func (e *LimitError) ActionIndex() int { return e.Index }

func (e *LimitError) Error() string {
	at := e.Verb
	if e.Field != "" {
		at += "@" + e.Field
	}
	return fmt.Sprintf("twilio: action %d <%s>: %s", e.Index, at, e.Msg)
}

const (
	head = xml.Header + "<Response>"
	tail = "</Response>"
)

// Render answers a webhook with a TwiML document. A status callback or the
// end of a call gets an empty <Response>. Otherwise each action becomes
// its verb, in order; no actions at all is <Hangup/> (the end of a handler
// hangs up on Twilio). A capture is a <Gather> whose action URL carries
// r.Resume (see Gather); it and a hangup must be the last action.
//
// Values Twilio would reject are a *LimitError naming the action: a
// negative repeat, a speed outside 0.2..2.0, a play URL that is not
// http(s), a makeCall number that is not E.164, an action Twilio does not
// have (agent, ivr, callback, campaign), and a document over 64 KB (the
// action that took it over).
func (*Adapter) Render(ev *platform.Event, r *platform.Response) (platform.Reply, error) {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return reply([]byte(head + tail)), nil
	}
	var actions []platform.Action
	resume := ""
	if r != nil {
		actions, resume = r.Actions, r.Resume
	}
	if len(actions) == 0 {
		actions = []platform.Action{platform.Hangup{}}
	}
	var buf bytes.Buffer
	buf.WriteString(head)
	enc := xml.NewEncoder(&buf)
	last := ""
	for i, a := range actions {
		if last != "" {
			return platform.Reply{}, &LimitError{Index: i, Verb: verbName(a), Msg: "comes after <" + last + ">, which must be the last verb"}
		}
		v, err := verb(ev, a, resume)
		if err != nil {
			err.Index = i
			return platform.Reply{}, err
		}
		if e := enc.Encode(v); e != nil {
			return platform.Reply{}, &LimitError{Index: i, Verb: verbName(a), Msg: e.Error()}
		}
		if buf.Len()+len(tail) > lplatform.MaxTwiML {
			return platform.Reply{}, &LimitError{Index: i, Verb: verbName(a),
				Msg: fmt.Sprintf("takes the TwiML document to %d bytes, over Twilio's limit of %d", buf.Len()+len(tail), lplatform.MaxTwiML)}
		}
		last = ends(v)
		if rec, ok := v.(record); ok {
			enc.Encode(redirect{Method: http.MethodPost, URL: rec.Action})
		}
	}
	buf.WriteString(tail)
	return reply(buf.Bytes()), nil
}

// ends is the verb v when nothing may follow it: a <Gather>, a <Record>
// or a <Dial> that the call resumes after, and <Hangup>; "" otherwise.
func ends(v any) string {
	switch v := v.(type) {
	case gather:
		return "Gather"
	case record:
		return "Record"
	case hangup:
		return "Hangup"
	case dial:
		if v.Action != "" {
			return "Dial"
		}
	}
	return ""
}

func reply(b []byte) platform.Reply { return platform.Reply{Status: http.StatusOK, Body: b} }

// verbName is the verb an action becomes, for messages.
func verbName(a platform.Action) string {
	switch a.(type) {
	case platform.Say:
		return "Say"
	case platform.Play:
		return "Play"
	case platform.Capture:
		return "Gather"
	case platform.MakeCall:
		return "Dial"
	case platform.Hangup, platform.KeepBound:
		return "Hangup"
	case platform.Pause:
		return "Pause"
	case platform.Record:
		return "Record"
	}
	return platform.ActionName(a)
}

// verb is the TwiML of one action; the error's Index is left to the caller.
func verb(ev *platform.Event, a platform.Action, resume string) (any, *LimitError) {
	switch a := a.(type) {
	case platform.Say:
		return sayVerb(a.Text, a.Voice, a.Language, a.Speed, a.Repeat)
	case platform.Pause:
		return pauseVerb(a)
	case platform.Record:
		return recordVerb(ev, a, resume)
	case platform.Play:
		return playVerb(a.URL, a.Repeat)
	case platform.Capture:
		return gatherVerb(ev, a, resume)
	case platform.MakeCall:
		return dialVerb(ev, a, resume)
	case platform.Hangup, platform.KeepBound: // Twilio has no bound route to keep
		return hangup{}, nil
	}
	return nil, &LimitError{Verb: verbName(a), Msg: "not supported by Twilio (it has say, play, pause, capture, record, makeCall and hangup)"}
}

func sayVerb(text, voice, language string, speed float64, repeat int) (say, *LimitError) {
	s := say{Voice: voice, Language: language, Text: text}
	var err *LimitError
	if s.Loop, err = loop("Say", repeat); err != nil {
		return s, err
	}
	if n := utf8.RuneCountInString(text); n > limits.MaxText {
		return s, &LimitError{Verb: "Say", Msg: fmt.Sprintf("%d characters, over the limit of %d", n, limits.MaxText)}
	}
	if speed == 0 || speed == 1 {
		return s, nil
	}
	if lo, hi := limits.Speed[0], limits.Speed[1]; math.IsNaN(speed) || speed < lo || speed > hi {
		return s, &LimitError{Verb: "Say", Field: "prosody rate", Msg: fmt.Sprintf("speed %g is outside %g..%g", speed, lo, hi)}
	}
	s.Prosody, s.Text = &prosody{Rate: strconv.Itoa(int(math.Round(speed*100))) + "%", Text: text}, ""
	return s, nil
}

func playVerb(u string, repeat int) (play, *LimitError) {
	p := play{URL: u}
	var err *LimitError
	if p.Loop, err = loop("Play", repeat); err != nil {
		return p, err
	}
	if pu, e := url.Parse(u); e != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return p, &LimitError{Verb: "Play", Msg: platform.Quote(u) + " is not an http or https URL"}
	}
	return p, nil
}

// loop is the loop attribute of a repeat: omitted (once) for 0 and 1.
func loop(verb string, repeat int) (int, *LimitError) {
	switch {
	case repeat < 0:
		return 0, &LimitError{Verb: verb, Field: "loop", Msg: fmt.Sprintf("repeat %d is not a number of times", repeat)}
	case repeat <= 1:
		return 0, nil
	}
	return repeat, nil
}

// gatherVerb is a capture: one try of DTMF entry with the prompt nested,
// posting to the action URL even when nothing was entered. timeout is
// Twilio's one wait, for the first key as for each next one, whole
// seconds rounded up: the capture's timeout (a caller needs it to start),
// else its digit_timeout, else 5 s. numDigits is the most digits
// (entry ends there); finishOnKey the end key, "" for none.
func gatherVerb(ev *platform.Event, c platform.Capture, resume string) (gather, *LimitError) {
	g := gather{Input: "dtmf", NumDigits: c.MaxDigits, FinishOnKey: c.End, Action: actionURL(ev, resume),
		Method: http.MethodPost, ActionOnEmptyResult: true, BargeIn: c.BargeIn}
	wait := DefaultTimeout
	if c.Timeout > 0 {
		wait = c.Timeout
	} else if c.DigitTimeout > 0 {
		wait = c.DigitTimeout
	}
	g.Timeout = int((wait + time.Second - 1) / time.Second)
	if c.End != "" && (len(c.End) != 1 || !strings.Contains(keys, c.End)) {
		return g, &LimitError{Verb: "Gather", Field: "finishOnKey", Msg: "end key " + platform.Quote(c.End) + " is not one key of 0-9, * or #"}
	}
	if c.MaxDigits < 0 {
		return g, &LimitError{Verb: "Gather", Field: "numDigits", Msg: fmt.Sprintf("%d is not a number of digits", c.MaxDigits)}
	}
	switch {
	case c.Prompt != "" && c.Audio:
		p, err := playVerb(c.Prompt, 0)
		if err != nil {
			err.Verb = "Gather/Play"
			return g, err
		}
		g.Prompt = []any{p}
	case c.Prompt != "":
		p, err := sayVerb(c.Prompt, c.Voice, "", c.Speed, 0)
		if err != nil {
			err.Verb = "Gather/Say"
			return g, err
		}
		g.Prompt = []any{p}
	}
	return g, nil
}

// actionURL is where Twilio posts a capture's digits: the path it
// requested, on the public URL, with only the resume token as query (a
// GET's parameters are not carried on). Without the request (`callflow
// run` and `callflow test`) it is relative, "?resume=…", which Twilio
// resolves against the URL it requested.
//
// The parameter is the token, a dot and a nonce derived from the request
// being answered, so the action of each answer differs even where the
// token does not (two tries of a capture whose token expires in the same
// second): Twilio repeats a request to the same URL only when the
// connection failed, and the decoder's delivery id, CallSid and the
// parameter, then tells a repeat from the next try.
func actionURL(ev *platform.Event, resume string) string {
	q := url.Values{ResumeParam: {resume + "." + nonce(ev)}}
	if ev == nil || ev.Request == nil || ev.Request.URL == nil {
		return "?" + q.Encode()
	}
	in := ev.Request
	path := in.URL.Path
	if in.Base != nil {
		path = strings.TrimPrefix(path, strings.TrimRight(in.Base.Path, "/"))
	}
	return in.ActionURL(path, q)
}

// dialVerb bridges the call. With outcome blocks (Continues) its action URL
// carries the resume token and Twilio requests it with DialCallStatus when
// the bridged call ends; without, the document ends after it.
func dialVerb(ev *platform.Event, m platform.MakeCall, resume string) (dial, *LimitError) {
	d := dial{CallerID: m.From, Timeout: seconds(m.Timeout), TimeLimit: seconds(m.Limit)}
	if m.Record {
		d.Record = "record-from-answer"
	}
	if m.Continues {
		d.Action, d.Method = actionURL(ev, resume), http.MethodPost
	}
	var err *LimitError
	if d.Noun, err = dialNoun(m); err != nil {
		return d, err
	}
	if m.Timeout < 0 || m.Limit < 0 {
		return d, &LimitError{Verb: "Dial", Msg: "a negative timeout or limit"}
	}
	if m.From != "" && !phone.IsE164(m.From) {
		return d, &LimitError{Verb: "Dial", Field: "callerId", Msg: platform.Quote(m.From) + " is not an E.164 number (+ and 7 to 15 digits)"}
	}
	return d, nil
}

// dialNoun is the <Dial> noun of a makeCall's target.
func dialNoun(m platform.MakeCall) (noun, *LimitError) {
	switch m.Target {
	case lplatform.TargetNumber:
		if !phone.IsE164(m.Number) {
			return noun{}, &LimitError{Verb: "Dial", Field: "Number", Msg: platform.Quote(m.Number) + " is not an E.164 number (+ and 7 to 15 digits)"}
		}
		return noun{XMLName: xml.Name{Local: "Number"}, Text: m.Number}, nil
	case lplatform.TargetSIP:
		if l := strings.ToLower(m.Number); !strings.HasPrefix(l, "sip:") && !strings.HasPrefix(l, "sips:") {
			return noun{}, &LimitError{Verb: "Dial", Field: "Sip", Msg: platform.Quote(m.Number) + " is not a sip: URI"}
		}
		return noun{XMLName: xml.Name{Local: "Sip"}, Text: m.Number}, nil
	case lplatform.TargetUser:
		return noun{XMLName: xml.Name{Local: "Client"}, Text: m.Number}, nil
	case lplatform.TargetQueue:
		return noun{XMLName: xml.Name{Local: "Queue"}, Text: m.Number}, nil
	}
	return noun{}, &LimitError{Verb: "Dial", Msg: "target " + platform.Quote(string(m.Target)) + " is not one Twilio dials"}
}

// seconds is d in whole seconds, rounded up; 0 stays 0 (the default).
func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// pauseVerb is silence, in whole seconds rounded up.
func pauseVerb(p platform.Pause) (pause, *LimitError) {
	if p.Length <= 0 {
		return pause{}, &LimitError{Verb: "Pause", Field: "length", Msg: fmt.Sprintf("%v is not a length of silence", p.Length)}
	}
	return pause{Length: seconds(p.Length)}, nil
}

// recordVerb records the caller; its action URL carries the resume token,
// and Render follows it with a <Redirect> to the same URL for a recording
// that caught nothing.
func recordVerb(ev *platform.Event, r platform.Record, resume string) (record, *LimitError) {
	rec := record{MaxLength: seconds(r.Max), Timeout: seconds(r.Silence), FinishOnKey: r.End, PlayBeep: r.Beep,
		Action: actionURL(ev, resume), Method: http.MethodPost}
	if r.End != "" && (len(r.End) != 1 || !strings.Contains(keys, r.End)) {
		return rec, &LimitError{Verb: "Record", Field: "finishOnKey", Msg: "end key " + platform.Quote(r.End) + " is not one key of 0-9, * or #"}
	}
	if r.Max < 0 || r.Silence < 0 {
		return rec, &LimitError{Verb: "Record", Msg: "a negative max or silence"}
	}
	return rec, nil
}

// Fallback is the safe answer: the apology said, in the configured voice
// if any, when one is configured, then <Hangup/>. A status callback or the
// end of a call gets an empty <Response> as always.
func (*Adapter) Fallback(ev *platform.Event, opts platform.FallbackOptions) platform.Reply {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return reply([]byte(head + tail))
	}
	var buf bytes.Buffer
	buf.WriteString(head)
	enc := xml.NewEncoder(&buf)
	if opts.Apology != "" {
		if s, err := sayVerb(opts.Apology, opts.Voice, "", 0, 0); err == nil {
			enc.Encode(s)
		}
	}
	enc.Encode(hangup{})
	buf.WriteString(tail)
	return reply(buf.Bytes())
}

// nonce names the request being answered: its delivery id (CallSid, and
// the previous action's parameter), hashed short.
func nonce(ev *platform.Event) string {
	var id string
	if ev != nil {
		id = ev.Session + "\x00" + ev.Delivery
	}
	sum := sha256.Sum256([]byte(id))
	return base64.RawURLEncoding.EncodeToString(sum[:6])
}
