package runtime_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/internal/testplatform"
	"github.com/callflow/callflow/runtime/platform"
)

const voicemailFlow = `flow voicemail
target waiter

otherwise -> main

handler main {
  say "Connecting you." language "en-GB"
  pause 1500ms
  makeCall sip "sip:desk@example.com" timeout 20s limit 1h {
    on busy { say "The desk is busy." }
    on noanswer {
      say "Please leave a message."
      record message {
        max 60s
        beep
      }
      say "We saved ${message}."
      hangup
    }
  }
  say "Goodbye."
  hangup
}
`

// waiterCall drives one call of the waiter platform through an engine.
type waiterCall struct {
	t      *testing.T
	eng    *runtime.Engine
	id     string
	n      int
	resume string
}

func (c *waiterCall) send(pc platform.Call) *runtime.Result {
	c.t.Helper()
	c.n++
	pc.Session, pc.Delivery, pc.Caller, pc.Callee = c.id, fmt.Sprintf("%s-%d", c.id, c.n), "+6591234567", "+6512345678"
	if c.n > 1 {
		pc.Resume = c.resume
	}
	body, err := testplatform.Adapter{}.Webhook(pc)
	if err != nil {
		c.t.Fatal(err)
	}
	res := serve(c.t, c.eng, &runtime.Request{Platform: testplatform.Name, Flow: "voicemail", Body: body})
	if res.Response != nil {
		c.resume = res.Response.Resume
	}
	return res
}

func actions(t *testing.T, res *runtime.Result) []platform.Action {
	t.Helper()
	if res.Outcome != runtime.Answered || res.Response == nil {
		t.Fatalf("outcome %s (%v), want answered", res.Outcome, res.Err)
	}
	return res.Response.Actions
}

func sameActions(t *testing.T, step string, got, want []platform.Action) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", step, got, want)
	}
}

// A makeCall with outcome blocks waits like a capture and resumes in the
// block of the outcome the platform reports, or after the blocks when that
// outcome has none; a record waits and resumes with its variable holding
// the recording's URL. Each path runs with the in-memory store and with a
// store that keeps sessions as JSON, as a shared store does.
func TestDialOutcomesAndRecord(t *testing.T) {
	testplatform.Add(t)
	prog := compile(t, "voicemail.flow", voicemailFlow)
	dial := platform.MakeCall{Number: "sip:desk@example.com", Target: lplatform.TargetSIP,
		Timeout: 20 * time.Second, Limit: time.Hour, Continues: true}
	start := []platform.Action{platform.Say{Text: "Connecting you.", Language: "en-GB"}, platform.Pause{Length: 1500 * time.Millisecond}, dial}
	bye := []platform.Action{platform.Say{Text: "Goodbye."}, platform.Hangup{}}
	for name, store := range map[string]func() runtime.SessionStore{
		"memory": func() runtime.SessionStore { return runtime.NewMemoryStore() },
		"json":   func() runtime.SessionStore { return newJSONStore() },
	} {
		t.Run(name, func(t *testing.T) {
			eng := newEngine(t, prog, runtime.WithPlatform(&testplatform.Declaration), runtime.WithStore(store()))
			call := func(id string) *waiterCall {
				c := &waiterCall{t: t, eng: eng, id: id}
				sameActions(t, "start", actions(t, c.send(platform.Call{})), start)
				if c.resume == "" {
					t.Fatal("the makeCall with outcome blocks set no resume token")
				}
				return c
			}

			busy := call("busy")
			sameActions(t, "busy", actions(t, busy.send(platform.Call{DialOutcome: lplatform.DialBusy})),
				append([]platform.Action{platform.Say{Text: "The desk is busy."}}, bye...))

			completed := call("completed") // no block: on after the blocks
			sameActions(t, "completed", actions(t, completed.send(platform.Call{DialOutcome: lplatform.DialCompleted})), bye)

			vm := call("voicemail")
			sameActions(t, "noanswer", actions(t, vm.send(platform.Call{DialOutcome: lplatform.DialNoAnswer})),
				[]platform.Action{platform.Say{Text: "Please leave a message."}, platform.Record{Max: time.Minute, Beep: true}})
			res := vm.send(platform.Call{Recorded: true, RecordingURL: "https://rec.example.com/r1.wav"})
			sameActions(t, "recorded", actions(t, res),
				[]platform.Action{platform.Say{Text: "We saved https://rec.example.com/r1.wav."}, platform.Hangup{}})
			if got := res.Session.Vars["message"]; got != "https://rec.example.com/r1.wav" {
				t.Errorf("message = %v, want the recording's URL", got)
			}
		})
	}
}

// An Input for a waiting makeCall that names no outcome, or one the
// language does not have, gets the safe fallback with bad-event, and the
// call still waits for a good one.
func TestDialOutcomeMissing(t *testing.T) {
	testplatform.Add(t)
	eng := newEngine(t, compile(t, "voicemail.flow", voicemailFlow), runtime.WithPlatform(&testplatform.Declaration))
	c := &waiterCall{t: t, eng: eng, id: "bad"}
	c.send(platform.Call{})
	resume := c.resume
	for _, o := range []lplatform.DialOutcome{"", "rejected"} {
		res := c.send(platform.Call{DialOutcome: o})
		var re *runtime.Error
		if res.Outcome != runtime.Fallback || !errors.As(res.Err, &re) || re.Code != "bad-event" {
			t.Fatalf("outcome %q: %s (%v), want the fallback with bad-event", o, res.Outcome, res.Err)
		}
		c.resume = resume
	}
	sameActions(t, "busy after", actions(t, c.send(platform.Call{DialOutcome: lplatform.DialBusy})),
		[]platform.Action{platform.Say{Text: "The desk is busy."}, platform.Say{Text: "Goodbye."}, platform.Hangup{}})
}

// A capture's audio prompt reaches the platform as a URL to play, with
// bargein; the next try's text prompt as text.
func TestCaptureAudioPrompt(t *testing.T) {
	testplatform.Add(t)
	prog := compile(t, "voicemail.flow", `flow voicemail
target waiter

otherwise -> main

handler main {
  capture choice {
    prompt play "https://example.com/menu.wav", "Press 1."
    digits 1
    bargein
    tries 2
  }
  hangup
}
`)
	eng := newEngine(t, prog, runtime.WithPlatform(&testplatform.Declaration))
	c := &waiterCall{t: t, eng: eng, id: "menu"}
	first := actions(t, c.send(platform.Call{}))
	if a, ok := first[0].(platform.Capture); !ok || a.Prompt != "https://example.com/menu.wav" || !a.Audio || !a.BargeIn {
		t.Fatalf("first try = %+v, want the audio prompt with bargein", first)
	}
	none := ""
	second := actions(t, c.send(platform.Call{Digits: &none}))
	if a, ok := second[len(second)-1].(platform.Capture); !ok || a.Prompt != "Press 1." || a.Audio {
		t.Fatalf("second try = %+v, want the text prompt", second)
	}
}

// A stored session may wait at a capture, a record or a makeCall with
// outcome blocks, and nowhere else: CheckSession refuses any other step.
func TestCheckSessionWaitingSteps(t *testing.T) {
	testplatform.Add(t)
	f := compile(t, "voicemail.flow", voicemailFlow).Flow("voicemail")
	for pc, in := range f.Handlers["main"].Code {
		err := runtime.CheckSession(f, &runtime.Session{Handler: "main", PC: pc})
		kind := fmt.Sprintf("%T", in)
		waits := kind == "*ir.Record" || kind == "*ir.MakeCall"
		if waits != (err == nil) {
			t.Errorf("pc %d (%s): CheckSession = %v", pc, kind, err)
		}
	}
}
