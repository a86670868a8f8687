package eightbyeight

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/callflow/callflow/runtime/platform"
)

// Values Render emits where the engine leaves a field at its zero value.
// 8x8's guide and OpenAPI disagree on several defaults, so Render always
// sends explicit values.
const (
	DefaultSpeed          = 1.0
	DefaultRepeat         = 1
	DefaultOverallTimeout = 30 * time.Second
	MaxDefaultDigitWait   = 5 * time.Second // digitTimeout: this, or half the overall timeout if less
	DefaultMaxDigitsOnEnd = 25              // maxDigits when entry ends on "#"
	DefaultTries          = 1
)

// LimitError is an action 8x8 would reject, found when the response is
// rendered: a value only known at run time is out of 8x8's limits. The
// engine answers the safe fallback instead.
type LimitError struct {
	Index  int    // position in Response.Actions
	Action string // 8x8 action: say, playFile, sayAndCapture, makeCall, hangup
	Field  string // 8x8 parameter, "" for the action as a whole
	Msg    string
}

// ActionIndex is Index, for platform.FailedAction.
func (e *LimitError) ActionIndex() int { return e.Index }

func (e *LimitError) Error() string {
	at := e.Action
	if e.Field != "" {
		at += "." + e.Field
	}
	return fmt.Sprintf("8x8: callflow[%d] %s: %s", e.Index, at, e.Msg)
}

var empty = []byte("{}")

// Render answers a webhook. A session summary or call status gets 200 {}.
// Otherwise the actions become a callflow, in order, with r.Resume as
// clientActionId (omitted when empty); no actions at all is [hangup], since
// the end of a handler hangs up on 8x8. KeepBound, which 8x8 cannot express,
// is a hangup. Nothing is added after the actions given: the engine ends a
// handler that runs off its end with Hangup.
//
// Zero values take the defaults above (speed 1.0, repetition 1, …); a
// makeCall without From calls from ev.Callee, the virtual number the caller
// dialled. Values 8x8 would reject are a *LimitError naming the action and
// parameter: text and prompts over 3000 characters or empty, repetition
// outside 1..3, speed outside 0.5..2.0, no voice profile, maxDigits outside
// 1..25, minDigits outside 1..maxDigits, an end key other than "#", no
// maxDigits when entry does not end on "#", overallTimeout under 2ms,
// digitTimeout under 1ms or not below overallTimeout (lang/platform's
// limits, which the checker applies to what it knows), a playFile URL that is not http(s) or not .wav/.mp3,
// makeCall numbers that are not E.164, an action 8x8 does not have (agent,
// ivr, callback, campaign), or any action after a capture or a hangup.
func (*Adapter) Render(ev *platform.Event, r *platform.Response) (platform.Reply, error) {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: empty}, nil
	}
	var actions []platform.Action
	var resume, callee string
	if r != nil {
		resume, actions = r.Resume, r.Actions
	}
	if ev != nil {
		callee = ev.Callee
	}
	// Most answers are appended on the stack and copied once to an
	// allocation of their size: answerSize rounds up for numbers and
	// escapes, and a buffer made on the heap was cleared before it was
	// written, as a copy's is not.
	if n := answerSize(resume, actions, callee); n > stackAnswer {
		b, err := appendAnswer(make([]byte, 0, n), resume, actions, callee)
		return reply(b, err)
	}
	var stack [stackAnswer]byte
	b, err := appendAnswer(stack[:0], resume, actions, callee)
	return reply(bytes.Clone(b), err)
}

func reply(body []byte, err error) (platform.Reply, error) {
	if err != nil {
		return platform.Reply{}, err
	}
	return platform.Reply{Status: http.StatusOK, Body: body}, nil
}

// stackAnswer is the longest answer appended on the stack: support.flow's
// are 200 to 550 bytes.
const stackAnswer = 1024

// appendAnswer appends the answer to b, checking each action.
func appendAnswer(b []byte, resume string, actions []platform.Action, callee string) ([]byte, error) {
	b = appendHead(b, resume)
	prev := ""
	for i, a := range actions {
		if prev == "sayAndCapture" || prev == "hangup" {
			return nil, &LimitError{Index: i, Action: actionName(a), Msg: "comes after " + prev + ", which must be the last action"}
		}
		if i > 0 {
			b = append(b, ',')
		}
		var err *LimitError
		if b, err = render(b, a, callee); err != nil {
			err.Index = i
			return nil, err
		}
		prev = actionName(a)
	}
	if len(actions) == 0 {
		b = appendHangup(b)
	}
	return appendTail(b), nil
}

// answerSize is about the length of the answer's JSON, so its buffer is
// allocated once.
func answerSize(resume string, actions []platform.Action, callee string) int {
	n := headSize + len(resume)
	for _, a := range actions {
		switch x := a.(type) {
		case platform.Say:
			n += saySize + len(x.Text) + len(x.Voice)
		case platform.Capture:
			n += captureSize + len(x.Prompt) + len(x.Success) + len(x.Failure) + len(x.Voice)
		case platform.Play:
			n += playSize + len(x.URL)
		case platform.MakeCall:
			n += makeCallSize + len(x.From) + len(x.Number) + len(callee)
		default:
			n += hangupSize
		}
	}
	return n
}

// actionName is the 8x8 action a neutral action becomes, for messages.
func actionName(a platform.Action) string {
	switch a.(type) {
	case platform.Say, *platform.Say:
		return "say"
	case platform.Play, *platform.Play:
		return "playFile"
	case platform.Capture, *platform.Capture:
		return "sayAndCapture"
	case platform.MakeCall, *platform.MakeCall:
		return "makeCall"
	case platform.Hangup, *platform.Hangup, platform.KeepBound, *platform.KeepBound:
		return "hangup"
	case nil:
		return "<nil>"
	}
	return strings.ToLower(strings.TrimPrefix(fmt.Sprintf("%T", a), "platform."))
}

// render appends one action as an 8x8 step; the error's Index is left to
// the caller.
func render(b []byte, a platform.Action, callee string) ([]byte, *LimitError) {
	switch x := a.(type) {
	case platform.Say:
		return renderSay(b, x)
	case *platform.Say:
		if x != nil {
			return renderSay(b, *x)
		}
	case platform.Play:
		return renderPlay(b, x)
	case *platform.Play:
		if x != nil {
			return renderPlay(b, *x)
		}
	case platform.Capture:
		return renderCapture(b, x)
	case *platform.Capture:
		if x != nil {
			return renderCapture(b, *x)
		}
	case platform.MakeCall:
		return renderMakeCall(b, x, callee)
	case *platform.MakeCall:
		if x != nil {
			return renderMakeCall(b, *x, callee)
		}
	case platform.Hangup, *platform.Hangup, platform.KeepBound, *platform.KeepBound:
		return appendHangup(b), nil
	case nil:
		return b, &LimitError{Action: "<nil>", Msg: "no action"}
	default:
		return b, &LimitError{Action: actionName(a), Msg: "not supported by 8x8 (it has say, playFile, sayAndCapture, makeCall and hangup)"}
	}
	return b, &LimitError{Action: actionName(a), Msg: "no action (nil pointer)"}
}

func renderSay(b []byte, s platform.Say) ([]byte, *LimitError) {
	const act = "say"
	p := sayParams{Text: s.Text, VoiceProfile: s.Voice}
	var err *LimitError
	if err = checkText(act, "text", s.Text, true); err != nil {
		return b, err
	}
	if err = checkVoice(act, s.Voice); err != nil {
		return b, err
	}
	if p.Repetition, err = repeat(act, s.Repeat); err != nil {
		return b, err
	}
	if p.Speed, err = ttsSpeed(act, s.Speed); err != nil {
		return b, err
	}
	return p.appendStep(b), nil
}

func renderPlay(b []byte, pl platform.Play) ([]byte, *LimitError) {
	const act = "playFile"
	p := playParams{FileURL: pl.URL}
	if msg := platform.CheckAudioURL(pl.URL, limits.PlayExts); msg != "" {
		return b, &LimitError{Action: act, Field: "fileUrl", Msg: msg}
	}
	var err *LimitError
	if p.Repetition, err = repeat(act, pl.Repeat); err != nil {
		return b, err
	}
	return p.appendStep(b), nil
}

func renderCapture(b []byte, c platform.Capture) ([]byte, *LimitError) {
	const act = "sayAndCapture"
	p := captureParams{PromptMessage: c.Prompt, VoiceProfile: c.Voice, SuccessMessage: c.Success, FailureMessage: c.Failure}
	var err *LimitError
	if err = checkText(act, "promptMessage", c.Prompt, true); err != nil {
		return b, err
	}
	if err = checkText(act, "successMessage", c.Success, false); err != nil {
		return b, err
	}
	if err = checkText(act, "failureMessage", c.Failure, false); err != nil {
		return b, err
	}
	if err = checkVoice(act, c.Voice); err != nil {
		return b, err
	}
	if p.Speed, err = ttsSpeed(act, c.Speed); err != nil {
		return b, err
	}

	if c.End != "" && !slices.Contains(limits.EndKeys, c.End) {
		return b, &LimitError{Action: act, Field: "completeOnHash", Msg: "end key " + platform.Quote(c.End) + ` is not supported: 8x8 can only end entry on "#"`}
	}
	p.CompleteOnHash = c.End == "#" // completeOnHash is 8x8's one end key
	lo, hi := limits.Digits[0], limits.Digits[1]
	p.MaxDigits = c.MaxDigits
	switch {
	case c.MaxDigits == 0 && p.CompleteOnHash:
		p.MaxDigits = DefaultMaxDigitsOnEnd
	case c.MaxDigits == 0:
		return b, &LimitError{Action: act, Field: "maxDigits", Msg: `required when entry does not end on "#" (completeOnHash false)`}
	case c.MaxDigits < lo || c.MaxDigits > hi:
		return b, &LimitError{Action: act, Field: "maxDigits", Msg: fmt.Sprintf("%d is outside %d..%d", c.MaxDigits, lo, hi)}
	}
	p.MinDigits = c.MinDigits
	if p.MinDigits == 0 {
		p.MinDigits = lo
	}
	if p.MinDigits < lo || p.MinDigits > p.MaxDigits {
		return b, &LimitError{Action: act, Field: "minDigits", Msg: fmt.Sprintf("%d is outside %d..%d (maxDigits)", p.MinDigits, lo, p.MaxDigits)}
	}

	overall := c.Timeout
	switch {
	case overall == 0:
		overall = DefaultOverallTimeout
	case overall < limits.Timeout[0]:
		return b, &LimitError{Action: act, Field: "overallTimeout", Msg: fmt.Sprintf("%v is shorter than %v", overall, limits.Timeout[0])}
	}
	digit := c.DigitTimeout
	switch {
	case digit == 0:
		digit = min(MaxDefaultDigitWait, overall/2)
		if digit < limits.DigitTimeout[0] {
			return b, &LimitError{Action: act, Field: "overallTimeout", Msg: fmt.Sprintf("%v leaves no room for a digitTimeout below it", overall)}
		}
	case digit < limits.DigitTimeout[0]:
		return b, &LimitError{Action: act, Field: "digitTimeout", Msg: fmt.Sprintf("%v is shorter than %v", digit, limits.DigitTimeout[0])}
	}
	p.OverallTimeout, p.DigitTimeout = overall.Milliseconds(), digit.Milliseconds()
	if p.DigitTimeout >= p.OverallTimeout {
		return b, &LimitError{Action: act, Field: "digitTimeout", Msg: fmt.Sprintf("%dms must be less than overallTimeout %dms", p.DigitTimeout, p.OverallTimeout)}
	}

	switch {
	case c.Tries == 0:
		p.NoOfTries = DefaultTries
	case c.Tries < 0:
		return b, &LimitError{Action: act, Field: "noOfTries", Msg: fmt.Sprintf("%d is not a positive number of tries", c.Tries)}
	default:
		p.NoOfTries = c.Tries
	}
	return p.appendStep(b), nil
}

func renderMakeCall(b []byte, m platform.MakeCall, callee string) ([]byte, *LimitError) {
	const act = "makeCall"
	p := makeCallParams{Source: m.From, Destination: m.Number, CallRecording: m.Record}
	if p.Source == "" {
		p.Source = callee
	}
	if !e164.MatchString(p.Destination) {
		return b, &LimitError{Action: act, Field: "destination", Msg: platform.Quote(p.Destination) + " is not an E.164 number (+ and 7 to 15 digits)"}
	}
	if p.Source == "" {
		return b, &LimitError{Action: act, Field: "source", Msg: "missing: no from number and no called number to default to"}
	}
	if !e164.MatchString(p.Source) {
		return b, &LimitError{Action: act, Field: "source", Msg: platform.Quote(p.Source) + " is not an E.164 number (+ and 7 to 15 digits)"}
	}
	return p.appendStep(b), nil
}

// e164 is a number in E.164 form: +, a country code not starting with 0, 7
// to 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func checkText(act, field, s string, required bool) *LimitError {
	if s == "" {
		if required {
			return &LimitError{Action: act, Field: field, Msg: "must not be empty"}
		}
		return nil
	}
	if limits.MaxText <= 0 || len(s) <= limits.MaxText {
		return nil // no more characters than bytes
	}
	if n := utf8.RuneCountInString(s); n > limits.MaxText {
		return &LimitError{Action: act, Field: field, Msg: fmt.Sprintf("%d characters, over the limit of %d", n, limits.MaxText)}
	}
	return nil
}

func checkVoice(act, v string) *LimitError {
	if v == "" && limits.NeedsVoice {
		return &LimitError{Action: act, Field: "voiceProfile", Msg: "missing: 8x8 needs a voice profile"}
	}
	return nil
}

func repeat(act string, n int) (int, *LimitError) {
	if n == 0 {
		return DefaultRepeat, nil
	}
	if lo, hi := limits.Repeat[0], limits.Repeat[1]; n < lo || n > hi {
		return 0, &LimitError{Action: act, Field: "repetition", Msg: fmt.Sprintf("%d is outside %d..%d", n, lo, hi)}
	}
	return n, nil
}

func ttsSpeed(act string, s float64) (speed, *LimitError) {
	if s == 0 {
		return DefaultSpeed, nil
	}
	if lo, hi := limits.Speed[0], limits.Speed[1]; math.IsNaN(s) || s < lo || s > hi {
		return 0, &LimitError{Action: act, Field: "speed", Msg: fmt.Sprintf("%g is outside %g..%g", s, lo, hi)}
	}
	return speed(s), nil
}

// Fallback is the safe answer: the apology said with the voice when both
// are set (and within 8x8's limits), then hangup; no clientActionId. A
// session summary or call status gets 200 {} as always.
func (*Adapter) Fallback(ev *platform.Event, opts platform.FallbackOptions) platform.Reply {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: empty}
	}
	b := appendHead(nil, "")
	if opts.Apology != "" && opts.Voice != "" {
		if said, err := renderSay(b, platform.Say{Text: opts.Apology, Voice: opts.Voice}); err == nil {
			b = append(said, ',')
		}
	}
	return platform.Reply{Status: http.StatusOK, Body: appendTail(appendHangup(b))}
}
