package eightbyeight

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path"
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
// maxDigits when entry does not end on "#", digitTimeout not below
// overallTimeout, a playFile URL that is not http(s) or not .wav/.mp3,
// makeCall numbers that are not E.164, an action 8x8 does not have (agent,
// ivr, callback, campaign), or any action after a capture or a hangup.
func (*Adapter) Render(ev *platform.Event, r *platform.Response) (platform.Reply, error) {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: empty}, nil
	}
	out := callflow{}
	var actions []platform.Action
	if r != nil {
		out.ClientActionID = r.Resume
		actions = r.Actions
	}
	out.Callflow = make([]step, 0, max(len(actions), 1))
	var callee string
	if ev != nil {
		callee = ev.Callee
	}
	for i, a := range actions {
		if i > 0 {
			switch prev := out.Callflow[i-1].Action; prev {
			case "sayAndCapture", "hangup":
				return platform.Reply{}, &LimitError{Index: i, Action: actionName(a), Msg: "comes after " + prev + ", which must be the last action"}
			}
		}
		s, err := render(a, callee)
		if err != nil {
			err.Index = i
			return platform.Reply{}, err
		}
		out.Callflow = append(out.Callflow, s)
	}
	if len(out.Callflow) == 0 {
		out.Callflow = []step{{Action: "hangup"}}
	}
	return platform.Reply{Status: http.StatusOK, Body: out.encode()}, nil
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

// render turns one action into an 8x8 step; the error's Index is left to
// the caller.
func render(a platform.Action, callee string) (step, *LimitError) {
	switch x := a.(type) {
	case platform.Say:
		return renderSay(x)
	case *platform.Say:
		if x != nil {
			return renderSay(*x)
		}
	case platform.Play:
		return renderPlay(x)
	case *platform.Play:
		if x != nil {
			return renderPlay(*x)
		}
	case platform.Capture:
		return renderCapture(x)
	case *platform.Capture:
		if x != nil {
			return renderCapture(*x)
		}
	case platform.MakeCall:
		return renderMakeCall(x, callee)
	case *platform.MakeCall:
		if x != nil {
			return renderMakeCall(*x, callee)
		}
	case platform.Hangup, *platform.Hangup, platform.KeepBound, *platform.KeepBound:
		return step{Action: "hangup"}, nil
	case nil:
		return step{}, &LimitError{Action: "<nil>", Msg: "no action"}
	default:
		return step{}, &LimitError{Action: actionName(a), Msg: "not supported by 8x8 (it has say, playFile, sayAndCapture, makeCall and hangup)"}
	}
	return step{}, &LimitError{Action: actionName(a), Msg: "no action (nil pointer)"}
}

func renderSay(s platform.Say) (step, *LimitError) {
	const act = "say"
	p := &sayParams{Text: s.Text, VoiceProfile: s.Voice}
	var err *LimitError
	if err = checkText(act, "text", s.Text, true); err != nil {
		return step{}, err
	}
	if err = checkVoice(act, s.Voice); err != nil {
		return step{}, err
	}
	if p.Repetition, err = repeat(act, s.Repeat); err != nil {
		return step{}, err
	}
	if p.Speed, err = ttsSpeed(act, s.Speed); err != nil {
		return step{}, err
	}
	return step{Action: act, Params: p}, nil
}

func renderPlay(pl platform.Play) (step, *LimitError) {
	const act = "playFile"
	p := &playParams{FileURL: pl.URL}
	if msg := checkURL(pl.URL); msg != "" {
		return step{}, &LimitError{Action: act, Field: "fileUrl", Msg: msg}
	}
	var err *LimitError
	if p.Repetition, err = repeat(act, pl.Repeat); err != nil {
		return step{}, err
	}
	return step{Action: act, Params: p}, nil
}

func renderCapture(c platform.Capture) (step, *LimitError) {
	const act = "sayAndCapture"
	p := &captureParams{PromptMessage: c.Prompt, VoiceProfile: c.Voice, SuccessMessage: c.Success, FailureMessage: c.Failure}
	var err *LimitError
	if err = checkText(act, "promptMessage", c.Prompt, true); err != nil {
		return step{}, err
	}
	if err = checkText(act, "successMessage", c.Success, false); err != nil {
		return step{}, err
	}
	if err = checkText(act, "failureMessage", c.Failure, false); err != nil {
		return step{}, err
	}
	if err = checkVoice(act, c.Voice); err != nil {
		return step{}, err
	}
	if p.Speed, err = ttsSpeed(act, c.Speed); err != nil {
		return step{}, err
	}

	switch c.End {
	case "#":
		p.CompleteOnHash = true
	case "":
	default:
		return step{}, &LimitError{Action: act, Field: "completeOnHash", Msg: "end key " + platform.Quote(c.End) + ` is not supported: 8x8 can only end entry on "#"`}
	}
	lo, hi := limits.Digits[0], limits.Digits[1]
	p.MaxDigits = c.MaxDigits
	switch {
	case c.MaxDigits == 0 && p.CompleteOnHash:
		p.MaxDigits = DefaultMaxDigitsOnEnd
	case c.MaxDigits == 0:
		return step{}, &LimitError{Action: act, Field: "maxDigits", Msg: `required when entry does not end on "#" (completeOnHash false)`}
	case c.MaxDigits < lo || c.MaxDigits > hi:
		return step{}, &LimitError{Action: act, Field: "maxDigits", Msg: fmt.Sprintf("%d is outside %d..%d", c.MaxDigits, lo, hi)}
	}
	p.MinDigits = c.MinDigits
	if p.MinDigits == 0 {
		p.MinDigits = lo
	}
	if p.MinDigits < lo || p.MinDigits > p.MaxDigits {
		return step{}, &LimitError{Action: act, Field: "minDigits", Msg: fmt.Sprintf("%d is outside %d..%d (maxDigits)", p.MinDigits, lo, p.MaxDigits)}
	}

	overall := c.Timeout
	switch {
	case overall == 0:
		overall = DefaultOverallTimeout
	case overall < time.Millisecond:
		return step{}, &LimitError{Action: act, Field: "overallTimeout", Msg: fmt.Sprintf("%v is not a positive number of milliseconds", overall)}
	}
	digit := c.DigitTimeout
	switch {
	case digit == 0:
		digit = min(MaxDefaultDigitWait, overall/2)
		if digit < time.Millisecond {
			return step{}, &LimitError{Action: act, Field: "overallTimeout", Msg: fmt.Sprintf("%v leaves no room for a digitTimeout below it", overall)}
		}
	case digit < time.Millisecond:
		return step{}, &LimitError{Action: act, Field: "digitTimeout", Msg: fmt.Sprintf("%v is not a positive number of milliseconds", digit)}
	}
	p.OverallTimeout, p.DigitTimeout = overall.Milliseconds(), digit.Milliseconds()
	if p.DigitTimeout >= p.OverallTimeout {
		return step{}, &LimitError{Action: act, Field: "digitTimeout", Msg: fmt.Sprintf("%dms must be less than overallTimeout %dms", p.DigitTimeout, p.OverallTimeout)}
	}

	switch {
	case c.Tries == 0:
		p.NoOfTries = DefaultTries
	case c.Tries < 0:
		return step{}, &LimitError{Action: act, Field: "noOfTries", Msg: fmt.Sprintf("%d is not a positive number of tries", c.Tries)}
	default:
		p.NoOfTries = c.Tries
	}
	return step{Action: act, Params: p}, nil
}

func renderMakeCall(m platform.MakeCall, callee string) (step, *LimitError) {
	const act = "makeCall"
	p := &makeCallParams{Source: m.From, Destination: m.Number, CallRecording: m.Record}
	if p.Source == "" {
		p.Source = callee
	}
	if !e164.MatchString(p.Destination) {
		return step{}, &LimitError{Action: act, Field: "destination", Msg: platform.Quote(p.Destination) + " is not an E.164 number (+ and 7 to 15 digits)"}
	}
	if p.Source == "" {
		return step{}, &LimitError{Action: act, Field: "source", Msg: "missing: no from number and no called number to default to"}
	}
	if !e164.MatchString(p.Source) {
		return step{}, &LimitError{Action: act, Field: "source", Msg: platform.Quote(p.Source) + " is not an E.164 number (+ and 7 to 15 digits)"}
	}
	return step{Action: act, Params: p}, nil
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
	if n := utf8.RuneCountInString(s); limits.MaxText > 0 && n > limits.MaxText {
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

// checkURL says what is wrong with a playFile URL, or "".
func checkURL(s string) string {
	if s == "" {
		return "missing"
	}
	u, err := url.Parse(s)
	if err != nil {
		return platform.Quote(s) + " is not a URL"
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return platform.Quote(s) + " is not an http or https URL"
	}
	if ext := strings.ToLower(path.Ext(u.Path)); !slices.Contains(limits.PlayExts, ext) {
		return platform.Quote(s) + " does not end in " + strings.Join(limits.PlayExts, " or ")
	}
	return ""
}

// Fallback is the safe answer: the apology said with the voice when both
// are set (and within 8x8's limits), then hangup; no clientActionId. A
// session summary or call status gets 200 {} as always.
func (*Adapter) Fallback(ev *platform.Event, opts platform.FallbackOptions) platform.Reply {
	if ev != nil && (ev.Kind == platform.CallEnded || ev.Kind == platform.Status) {
		return platform.Reply{Status: http.StatusOK, Body: empty}
	}
	var out callflow
	if opts.Apology != "" && opts.Voice != "" {
		if s, err := renderSay(platform.Say{Text: opts.Apology, Voice: opts.Voice}); err == nil {
			out.Callflow = append(out.Callflow, s)
		}
	}
	out.Callflow = append(out.Callflow, step{Action: "hangup"})
	return platform.Reply{Status: http.StatusOK, Body: out.encode()}
}
