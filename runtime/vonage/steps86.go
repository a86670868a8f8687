package vonage

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// The steps of language.md §8.6 as NCCO actions.

// Vonage's ranges, declared in lang/platform's row and checked here for
// what the checker cannot see (computed values): a recording lasts 3 s to
// 2 h (record timeOut), ends on 3 to 10 s of silence (endOnSilence); a
// bridged call lasts at most 2 h (connect limit).
var (
	minRecord, maxRecord   = limits.RecordMax[0], limits.RecordMax[1]
	minSilence, maxSilence = limits.RecordSilence[0], limits.RecordSilence[1]
	maxCallLimit           = limits.DialLimit[1]
)

const (
	maxBreak       = 10 * time.Second // the longest SSML break Vonage takes
	CallParam      = "call"           // the call's uuid in an eventUrl whose webhooks name another leg or none
	statusAnswered = "answered"
)

// pauseTalk is a pause as a talk holding only SSML breaks, none longer
// than Vonage takes.
func pauseTalk(p platform.Pause) (talk, *LimitError) {
	if p.Length <= 0 {
		return talk{}, &LimitError{Action: "talk", Field: "text", Msg: fmt.Sprintf("a pause of %v is no pause", p.Length)}
	}
	var b strings.Builder
	b.WriteString("<speak>")
	for left := p.Length; left > 0; left -= maxBreak {
		fmt.Fprintf(&b, `<break time="%dms"/>`, min(left, maxBreak).Milliseconds())
	}
	b.WriteString("</speak>")
	return talk{Action: "talk", Text: b.String()}, nil
}

// seconds is d in whole seconds, rounded up.
func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

func (rd *renderer) record(r platform.Record) *LimitError {
	const act = "record"
	rec := recordAction{Action: act, BeepStart: r.Beep, EventMethod: "POST",
		EventURL: []string{rd.actionURL(rd.resumeQuery(true))}}
	if r.End != "" {
		if len(r.End) != 1 || !isKey(rune(r.End[0])) {
			return &LimitError{Action: act, Field: "endOnKey", Msg: platform.Quote(r.End) + " is not one keypad key"}
		}
		rec.EndOnKey = r.End
	}
	if r.Max != 0 {
		if r.Max < minRecord || r.Max > maxRecord {
			return &LimitError{Action: act, Field: "timeOut", Msg: fmt.Sprintf("%v is outside %v..%v", r.Max, minRecord, maxRecord)}
		}
		rec.TimeOut = seconds(r.Max)
	}
	if r.Silence != 0 {
		if r.Silence < minSilence || r.Silence > maxSilence {
			return &LimitError{Action: act, Field: "endOnSilence", Msg: fmt.Sprintf("%v is outside %v..%v", r.Silence, minSilence, maxSilence)}
		}
		rec.EndOnSilence = seconds(r.Silence)
	}
	rd.ncco = append(rd.ncco, rec)
	rd.last = act
	return nil
}

// resumeQuery is the query of an eventUrl that continues the call: the
// resume token, the answer's mark and, when the webhooks it gets name
// another leg (connect) or none (record), the call's uuid.
func (rd *renderer) resumeQuery(withCall bool) url.Values {
	q := url.Values{ResumeParam: {rd.resume}}
	if rd.ev != nil && rd.ev.Delivery != "" {
		q.Set(SeqParam, seqMark(rd.ev.Delivery))
	}
	if withCall && rd.ev != nil && rd.ev.Session != "" {
		q.Set(CallParam, rd.ev.Session)
	}
	return q
}

// dialEndpoint is a makeCall's target as a connect endpoint.
func dialEndpoint(m platform.MakeCall) (endpoint, *LimitError) {
	const act = "connect"
	switch m.Target {
	case lplatform.TargetNumber:
		if !e164.MatchString(m.Number) {
			return endpoint{}, &LimitError{Action: act, Field: "endpoint.number", Msg: platform.Quote(m.Number) + " is not an E.164 number (+ and 7 to 15 digits)"}
		}
		return endpoint{Type: "phone", Number: bare(m.Number)}, nil
	case lplatform.TargetSIP:
		if !strings.HasPrefix(m.Number, "sip:") && !strings.HasPrefix(m.Number, "sips:") {
			return endpoint{}, &LimitError{Action: act, Field: "endpoint.uri", Msg: platform.Quote(m.Number) + ` is not a SIP URI ("sip:user@host")`}
		}
		return endpoint{Type: "sip", URI: m.Number}, nil
	case lplatform.TargetUser:
		if m.Number == "" {
			return endpoint{}, &LimitError{Action: act, Field: "endpoint.user", Msg: "missing"}
		}
		return endpoint{Type: "app", User: m.Number}, nil
	}
	return endpoint{}, &LimitError{Action: act, Field: "endpoint", Msg: "a " + string(m.Target) + " target is not supported by vonage (it connects phone, sip and app endpoints)"}
}

// dialOutcome maps the status of a connect's leg onto a makeCall's
// outcome; false for a status on the way (started, ringing, answered).
func dialOutcome(status string) (lplatform.DialOutcome, bool) {
	switch status {
	case "busy", "rejected":
		return lplatform.DialBusy, true
	case "timeout", "unanswered", "cancelled":
		return lplatform.DialNoAnswer, true
	case "failed":
		return lplatform.DialFailed, true
	case "completed":
		return lplatform.DialCompleted, true
	}
	return "", false
}

// dialStatus is the status Vonage reports for an outcome, for Webhook.
func dialStatus(o lplatform.DialOutcome) string {
	switch o {
	case lplatform.DialNoAnswer:
		return "timeout"
	case "":
		return statusAnswered
	}
	return string(o)
}
