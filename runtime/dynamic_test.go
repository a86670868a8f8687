package runtime_test

import (
	"bytes"
	"testing"

	"github.com/callflow/callflow/runtime"
)

// The file's voice and speed may be computed from the call: a caller who
// picks French hears a French voice in every step without its own; a
// speed outside 8x8's limits found only at run time is the safe fallback.
func TestFileVoiceAndSpeedPerStep(t *testing.T) {
	prog := compile(t, "voices.flow", `flow voices
target 8x8
number "+6512345678"
voice language == "2" ? "fr-FR-Julie" : "en-US-ZiraRUS"
speed language == "3" ? 9 : 1.0
otherwise -> main
handler main {
  set language = "1"
  capture language { prompt "Press 2 for French."; digits 1; tries 1 }
  say "Bonjour."
  hangup
}
`)
	eng := newEngine(t, prog)
	c := newCall8x8(t, eng, "voices-fr", inHours)
	if res := c.start(); !bytes.Contains(res.Reply.Body, []byte("en-US-ZiraRUS")) {
		t.Errorf("the prompt before the choice: %s, want the English voice", res.Reply.Body)
	}
	if res := c.press("2"); !bytes.Contains(res.Reply.Body, []byte("fr-FR-Julie")) || bytes.Contains(res.Reply.Body, []byte("en-US")) {
		t.Errorf("after pressing 2: %s, want the French voice", res.Reply.Body)
	}
	c = newCall8x8(t, eng, "voices-fast", inHours)
	c.start()
	if res := c.press("3"); res.Outcome != runtime.Fallback {
		t.Errorf("speed 9 on 8x8: %s %s, want the safe fallback", res.Outcome, res.Reply.Body)
	}
}

// accept may be a list computed from the call: an entry in it is taken,
// one outside it is a failed try; a value that is not a list of strings
// is a run-time type error (the safe fallback), never ignored.
func TestAcceptFromAList(t *testing.T) {
	prog := compile(t, "accept.flow", `flow accept
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  set options = caller == "+6591234567" ? ["4", "7"] : [4, 7]
  capture choice { prompt "Press 4 or 7."; digits 1; tries 2; accept options; failure "No." }
  say "You chose ${choice}."
  hangup
}
`)
	eng := newEngine(t, prog)
	c := newCall8x8(t, eng, "accept-1", inHours)
	c.start()
	if res := c.press("5"); !bytes.Contains(res.Reply.Body, []byte("No.")) {
		t.Errorf("5 is not in the list: %s, want the failure message and a retry", res.Reply.Body)
	}
	if res := c.press("7"); !bytes.Contains(res.Reply.Body, []byte("You chose 7.")) {
		t.Errorf("7 is in the list: %s", res.Reply.Body)
	}
	c = newCall8x8(t, eng, "accept-2", inHours)
	c.caller = "+6590000000"
	c.start()
	res := c.press("7")
	if res.Outcome != runtime.Fallback || res.Err == nil || !bytes.Contains([]byte(res.Err.Error()), []byte("accept.flow:8:")) {
		t.Errorf("a list of numbers: %s (%v), want the safe fallback at the accept value", res.Outcome, res.Err)
	}
}
