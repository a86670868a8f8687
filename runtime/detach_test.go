package runtime_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// keepFlow keeps the event's text in every way a flow can: the parties
// and the session id as they are, in a list, in a map, cut short, and two
// captured entries (a pressed key is one byte).
const keepFlow = `flow keep

target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> main

handler main {
  set who = caller
  set both = [caller, callee]
  set card = {"from": caller, "call": session}
  set tail = caller[3:]
  capture pin {
    prompt "Enter your PIN."
    digits 4
    tries 1
  }
  capture key {
    prompt "Press a key."
    digits 1
    tries 1
  }
  say "${who} ${pin} ${key}"
  capture last {
    prompt "Press any key."
    digits 1
    tries 1
  }
  hangup
}
`

// TestSessionOutlivesTheBody sends each webhook of an 8x8 call from one
// buffer, overwritten after every Serve, as a server that reuses its
// buffers would: the 8x8 adapter cuts the event's strings out of the body,
// and what the session keeps of them must not change with it.
func TestSessionOutlivesTheBody(t *testing.T) {
	eng := newEngine(t, compile(t, "keep.flow", keepFlow))
	const session, caller, callee = "call-keep-1", "+6591234567", "+6512345678"
	buf := make([]byte, 0, 4096)
	resume := ""
	send := func(n int, digits *string) *runtime.Result {
		t.Helper()
		body := webhook(t, "8x8", platform.Call{Session: session, Delivery: fmt.Sprintf("keep-%d", n), Caller: caller, Callee: callee,
			At: inHours, Resume: resume, Digits: digits})
		buf = append(buf[:0], body...)
		res := serve(t, eng, &runtime.Request{Platform: "8x8", Body: buf, Now: inHours})
		if res.Outcome != runtime.Answered {
			t.Fatalf("webhook %d: %s %v\n%s", n, res.Outcome, res.Err, res.Reply.Body)
		}
		resume = clientActionID(t, res.Reply.Body)
		copy(buf[:cap(buf)], bytes.Repeat([]byte{'X'}, cap(buf))) // the buffer's next use
		return res
	}
	pin, key := "4321", "7"
	send(0, nil)
	send(1, &pin)
	res := send(2, &key)
	if want := caller + " " + pin + " " + key; !bytes.Contains(res.Reply.Body, []byte(`"text":"`+want+`"`)) {
		t.Errorf("the third answer does not say %q:\n%s", want, res.Reply.Body)
	}
	s := res.Session
	if s.ID != session || s.Caller != caller || s.Callee != callee {
		t.Errorf("session id %q, caller %q, callee %q; want %q, %q, %q", s.ID, s.Caller, s.Callee, session, caller, callee)
	}
	want := map[string]any{
		"who":  caller,
		"both": []any{caller, callee},
		"card": map[string]any{"from": caller, "call": session},
		"tail": caller[3:],
		"pin":  pin,
		"key":  key,
	}
	for name, v := range want {
		if got := fmt.Sprint(s.Vars[name]); got != fmt.Sprint(v) {
			t.Errorf("variable %s = %s, want %s", name, got, fmt.Sprint(v))
		}
	}
}
