package jambonz

import (
	"errors"
	"fmt"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// renderDial is a makeCall: its target (a phone number, a SIP URI or a
// registered user), callerId, timeout and timeLimit in whole seconds, and,
// when the flow continues after the bridged call (outcome blocks), the
// actionHook jambonz posts dial_call_status to.
func renderDial(ev *platform.Event, m platform.MakeCall, resume string) (dial, error) {
	if m.Record {
		return dial{}, errors.New("dial cannot record the call")
	}
	t := target{Type: "phone", Number: m.Number}
	switch m.Target {
	case lplatform.TargetNumber:
	case lplatform.TargetSIP:
		t = target{Type: "sip", SIPURI: m.Number}
	case lplatform.TargetUser:
		t = target{Type: "user", Name: m.Number}
	default:
		return dial{}, fmt.Errorf("dial has no %s target", m.Target)
	}
	d := dial{Verb: "dial", Target: []target{t}, CallerID: m.From, Timeout: seconds(m.Timeout), TimeLimit: seconds(m.Limit)}
	if m.Continues {
		if resume == "" {
			return dial{}, errors.New("a dial with outcomes needs the resume token for its actionHook")
		}
		d.ActionHook = actionURL(ev, resume)
	}
	return d, nil
}

// dialOutcomes maps jambonz's dial_call_status onto the flow's outcomes;
// any other status (canceled, an error) is failed.
var dialOutcomes = map[string]lplatform.DialOutcome{
	"completed": lplatform.DialCompleted,
	"busy":      lplatform.DialBusy,
	"no-answer": lplatform.DialNoAnswer,
	"failed":    lplatform.DialFailed,
}

// dialOutcome is the outcome a dial_call_status reports.
func dialOutcome(status string) lplatform.DialOutcome {
	if o, ok := dialOutcomes[status]; ok {
		return o
	}
	return lplatform.DialFailed
}

// dialStatus is the dial_call_status and dial_sip_status jambonz reports
// for an outcome, for Webhook.
func dialStatus(o lplatform.DialOutcome) (string, int) {
	switch o {
	case lplatform.DialBusy:
		return "busy", 486
	case lplatform.DialNoAnswer:
		return "no-answer", 480
	case lplatform.DialCompleted:
		return "completed", 200
	}
	return "failed", 503
}
