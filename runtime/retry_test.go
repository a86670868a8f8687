package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime"
)

// retryMenu has every part of the capture retry model (language.md 8.1):
// a shorter re-prompt, a message per outcome and try, and on blocks.
const retryMenu = `flow retry
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> main

handler main {
  capture choice {
    prompt  "Welcome. Press 1 for sales or 2 for support.", "Press 1 or 2."
    digits  1
    accept  "1", "2"
    tries   3
    noinput "I did not hear anything.", "Please press a key now."
    nomatch "That is not an option."
    on noinput { say "No input. Goodbye."; hangup }
    on nomatch { say "No match. Goodbye."; hangup }
  }
  say "You chose ${choice}."
  hangup
}
`

// answer8x8 is an 8x8 answer as "action:text" per call action, with the
// sayAndCapture's prompt and noOfTries.
func answer8x8(t *testing.T, res *runtime.Result) []string {
	t.Helper()
	var a struct {
		Callflow []struct {
			Action string         `json:"action"`
			Params map[string]any `json:"params"`
		} `json:"callflow"`
	}
	if err := json.Unmarshal(res.Reply.Body, &a); err != nil {
		t.Fatalf("%v: %s", err, res.Reply.Body)
	}
	var out []string
	for _, c := range a.Callflow {
		switch c.Action {
		case "say":
			out = append(out, "say:"+toString(c.Params["text"]))
		case "sayAndCapture":
			out = append(out, fmt.Sprintf("capture:%s (tries %v, min %v, failure %q)", toString(c.Params["promptMessage"]),
				c.Params["noOfTries"], c.Params["minDigits"], toString(c.Params["failureMessage"])))
		default:
			out = append(out, c.Action)
		}
	}
	return out
}

// Each outcome through real-shaped 8x8 webhooks: dtmf null is no input, a
// wrong key or a wrong length is no match. The caller gets exactly 3 tries
// in every mix, each asked alone (noOfTries 1), with the try's prompt and
// the message of how the try before ended; the last try's outcome picks the
// on block.
func TestRetryOutcomesThroughWebhooks(t *testing.T) {
	const (
		first  = `capture:Welcome. Press 1 for sales or 2 for support. (tries 1, min 1, failure "")`
		second = `capture:Press 1 or 2. (tries 1, min 1, failure "")`
	)
	tests := []struct {
		name    string
		entries []string // "" is dtmf null
		want    [][]string
	}{
		{"valid at once", []string{"2"}, [][]string{{"say:You chose 2.", "hangup"}}},
		{"silence, silence, silence", []string{"", "", ""}, [][]string{
			{"say:I did not hear anything.", second},
			{"say:Please press a key now.", second},
			{"say:Please press a key now.", "say:No input. Goodbye.", "hangup"}}},
		{"wrong, wrong, wrong", []string{"7", "8", "9"}, [][]string{
			{"say:That is not an option.", second},
			{"say:That is not an option.", second},
			{"say:That is not an option.", "say:No match. Goodbye.", "hangup"}}},
		{"wrong, silence, then too long", []string{"7", "", "12"}, [][]string{
			{"say:That is not an option.", second},
			{"say:Please press a key now.", second},
			{"say:That is not an option.", "say:No match. Goodbye.", "hangup"}}},
		{"silence, wrong, silence", []string{"", "0", ""}, [][]string{
			{"say:I did not hear anything.", second},
			{"say:That is not an option.", second},
			{"say:Please press a key now.", "say:No input. Goodbye.", "hangup"}}},
		{"silence then valid on the last try", []string{"", "5", "1"}, [][]string{
			{"say:I did not hear anything.", second},
			{"say:That is not an option.", second},
			{"say:You chose 1.", "hangup"}}},
	}
	eng := newEngine(t, compile(t, "retry.flow", retryMenu))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCall8x8(t, eng, fmt.Sprintf("retry-%d", i), inHours)
			if got := answer8x8(t, c.start()); strings.Join(got, "|") != first {
				t.Fatalf("first answer %v, want the first prompt alone", got)
			}
			captures := 1
			for n, e := range tt.entries {
				var res *runtime.Result
				if e == "" {
					res = c.silence()
				} else {
					res = c.press(e)
				}
				if res.Outcome != runtime.Answered {
					t.Fatalf("entry %d: %s (%v)", n+1, res.Outcome, res.Err)
				}
				got := answer8x8(t, res)
				if strings.Join(got, "|") != strings.Join(tt.want[n], "|") {
					t.Errorf("after entry %d (%q):\n got %v\nwant %v", n+1, e, got, tt.want[n])
				}
				if strings.HasPrefix(got[len(got)-1], "capture:") {
					captures++
				}
			}
			if tries := max(len(tt.entries), 1); captures != tries {
				t.Errorf("the caller was asked %d times, want %d", captures, tries)
			}
		})
	}
}

// A capture that needs neither runtime validation nor varied prompts keeps
// 8x8's own loop: one sayAndCapture with noOfTries = tries and the failure
// message, and dtmf null after it means every try is spent.
func TestRetryKeepsThePlatformLoop(t *testing.T) {
	eng := newEngine(t, compile(t, "loop.flow", `flow loop
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  capture pin {
    prompt  "Enter your PIN."
    digits  4
    tries   3
    failure "That did not work."
  }
  say "PIN ${pin == "" ? "none" : pin}."
  hangup
}
`))
	c := newCall8x8(t, eng, "loop-1", inHours)
	if got := answer8x8(t, c.start()); strings.Join(got, "|") != `capture:Enter your PIN. (tries 3, min 4, failure "That did not work.")` {
		t.Fatalf("first answer %v, want one sayAndCapture with 8x8's loop", got)
	}
	if got := answer8x8(t, c.silence()); strings.Join(got, "|") != "say:PIN none.|hangup" {
		t.Errorf("after dtmf null: %v, want the tries spent and the handler going on", got)
	}
	c = newCall8x8(t, eng, "loop-2", inHours)
	c.start()
	if got := answer8x8(t, c.press("1234")); strings.Join(got, "|") != "say:PIN 1234.|hangup" {
		t.Errorf("after 1234: %v", got)
	}
}

// The try counter is in the session: through a store that keeps sessions
// as JSON, the third try is still the last.
func TestRetryTryCounterThroughJSONStore(t *testing.T) {
	store := newJSONStore()
	eng := newEngine(t, compile(t, "retry.flow", retryMenu), runtime.WithStore(store))
	c := newCall8x8(t, eng, "retry-json", inHours)
	c.start()
	c.press("7")
	if res := c.silence(); res.Session == nil || res.Session.Try != 3 {
		t.Fatalf("after two tries the session's try is %v, want 3", res.Session)
	}
	got := answer8x8(t, c.press("8"))
	if strings.Join(got, "|") != "say:That is not an option.|say:No match. Goodbye.|hangup" {
		t.Errorf("third try: %v, want the on nomatch block", got)
	}
}

// Asked one try at a time, the platform cannot know an entry was valid
// (accept is checked here), so success is said by the runtime after it,
// never sent as successMessage where a wrong key would hear it too.
func TestRetrySuccessSaidAfterTheCheck(t *testing.T) {
	eng := newEngine(t, compile(t, "ok.flow", `flow ok
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  capture choice {
    prompt  "Press 1 or 2."
    digits  1
    accept  "1", "2"
    tries   2
    success "Thank you."
  }
  hangup
}
`))
	c := newCall8x8(t, eng, "ok-1", inHours)
	if res := c.start(); strings.Contains(string(res.Reply.Body), "successMessage") {
		t.Errorf("one try at a time sent a successMessage: %s", res.Reply.Body)
	}
	if got := answer8x8(t, c.press("3")); strings.Contains(strings.Join(got, "|"), "Thank you.") {
		t.Errorf("a wrong key heard the success message: %v", got)
	}
	if got := answer8x8(t, c.press("2")); strings.Join(got, "|") != "say:Thank you.|hangup" {
		t.Errorf("a valid key: %v, want the success message, then the handler", got)
	}
}

// TestTraceNotesARefusedEntry: judge builds its note on a refused entry
// only when the webhook is traced, and the note says what it said when it
// was built for every webhook.
func TestTraceNotesARefusedEntry(t *testing.T) {
	eng := benchEngine(t, benchShipped(t))
	ctx := context.Background()
	res, err := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: bench8x8(t, "trace-1", 0, "", nil)})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct{ press, note string }{
		{"7", `entry "7" is not accepted`},
		{"12", `entry "12" has the wrong length`},
	} {
		res, err = eng.Serve(ctx, &runtime.Request{Platform: "8x8", Trace: true,
			Body: bench8x8(t, "trace-1", i+1, benchResume(t, res.Reply.Body), &c.press)})
		if err != nil || res.Trace == nil {
			t.Fatalf("press %s: %v, trace %v", c.press, err, res.Trace)
		}
		found := false
		for _, e := range res.Trace.Entries {
			found = found || e.Kind == "note" && e.Text == c.note
		}
		if !found {
			t.Errorf("press %s: no note %q in the trace:\n%s", c.press, c.note, res.Trace)
		}
	}
}
