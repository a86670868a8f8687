package runtime_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// subroutines: main does verify, which captures inside the do and goes to
// another handler; the end of that handler returns to main.
const subroutines = `flow sub
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> main

handler main {
  do verify
  say "Thank you, ${name}."
  do verify
  say "Twice."
  return
  say "never"
}

handler verify {
  capture pin { prompt "Enter your PIN."; digits 4; tries 2 }
  if pin == "" { return }
  goto lookup_name
}

handler lookup_name {
  set name = pin == "1234" ? "Ann" : "stranger"
}
`

// A do survives a capture: the return point is in the session, through a
// store that keeps sessions as JSON; a goto inside the subroutine stays in
// its frame; return outside any do is the end of the handler (hang up).
func TestDoReturnsAfterACapture(t *testing.T) {
	store := newJSONStore()
	eng := newEngine(t, compile(t, "sub.flow", subroutines), runtime.WithStore(store))
	c := newCall8x8(t, eng, "sub-1", inHours)
	res := c.start()
	if got := answer8x8(t, res); !strings.HasPrefix(strings.Join(got, "|"), "capture:Enter your PIN.") {
		t.Fatalf("first answer %v, want the PIN capture of verify", got)
	}
	if f := res.Session.Frames; len(f) != 1 || f[0].Handler != "main" || f[0].PC != 1 {
		t.Errorf("frames at the capture: %+v, want main's step after the do", f)
	}
	got := answer8x8(t, c.press("1234"))
	if strings.Join(got, "|") != "say:Thank you, Ann.|"+`capture:Enter your PIN. (tries 2, min 4, failure "")` {
		t.Errorf("after the PIN: %v, want the thanks and the second verify", got)
	}
	got = answer8x8(t, c.silence())
	if strings.Join(got, "|") != "say:Twice.|hangup" {
		t.Errorf("after the second verify returned early: %v, want Twice and the end of main", got)
	}
}

// deep does itself once per capture: each answer nests one more frame.
const deep = `flow deep
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> loop

handler loop {
  capture key { prompt "Press a key."; tries 1 }
  do loop
}
`

// At most 16 frames at run time: the do that would nest a 17th answers
// with the safe fallback, naming the do's .flow position.
func TestDoDepthLimit(t *testing.T) {
	eng := newEngine(t, compile(t, "deep.flow", deep))
	c := newCall8x8(t, eng, "deep-1", inHours)
	c.start()
	for i := 1; i <= 16; i++ {
		res := c.press("1")
		if res.Outcome != runtime.Answered || len(res.Session.Frames) != i {
			t.Fatalf("answer %d: %s with %d frames (%v)", i, res.Outcome, len(res.Session.Frames), res.Err)
		}
	}
	res := c.press("1")
	var rerr *runtime.Error
	if res.Outcome != runtime.Fallback || !errors.As(res.Err, &rerr) || rerr.Code != "do-depth" {
		t.Fatalf("17th do: %s %v, want the fallback for do-depth", res.Outcome, res.Err)
	}
	if at := rerr.At.String(); at != "deep.flow:10:3" {
		t.Errorf("error at %s, want the do at deep.flow:10:3", at)
	}
	if got := answer8x8(t, res); strings.Join(got, "|") != "hangup" {
		t.Errorf("fallback %v, want hangup", got)
	}
}

// A session whose return points do not fit its flow version is refused
// with the field named, never a panic.
func TestCheckSessionFrames(t *testing.T) {
	f := compile(t, "sub.flow", subroutines).Flow("sub")
	base := runtime.Session{Flow: "sub", Version: f.Version, Handler: "verify", PC: 0, Try: 1}
	cases := []struct {
		name   string
		frames []runtime.Frame
		want   string
	}{
		{"fits", []runtime.Frame{{Handler: "main", PC: 1}}, ""},
		{"at the end of a handler", []runtime.Frame{{Handler: "main", PC: len(f.Handlers["main"].Code)}}, ""},
		{"unknown handler", []runtime.Frame{{Handler: "gone", PC: 0}}, `session field do: frame 0: flow sub`},
		{"out of range", []runtime.Frame{{Handler: "main", PC: 99}}, "session field do: frame 0: instruction 99 is out of range"},
		{"too deep", make([]runtime.Frame, 17), "session field do: 17 frames, over the limit of 16"},
	}
	for _, tc := range cases {
		s := base
		s.Frames = tc.frames
		err := runtime.CheckSession(f, &s)
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	s := base
	s.Try = 3
	if err := runtime.CheckSession(f, &s); err == nil || !strings.Contains(err.Error(), "session field try") {
		t.Errorf("try 3 of a 2-try capture: %v", err)
	}
}

// do and return happen on the server, so they work where nothing
// captures: on tencent the subroutine's variable reaches the platform and
// the step after the do picks the IVR; a return outside any do keeps the
// bound route, as the end of a handler does.
func TestDoOnTencent(t *testing.T) {
	eng := newEngine(t, compile(t, "route.flow", `flow route
target tencent
number "+8675566668888"

when caller startsWith "+861" -> main
otherwise -> keep

handler main {
  do pick_language
  if language == "zh-CN" { ivr 12 }
  agent 388
}

handler pick_language {
  set language = "en-US"
  if caller startsWith "+861" { set language = "zh-CN"; return }
  set language = "other"
}

handler keep {
  return
  agent 1
}
`))
	body := webhook(t, "tencent", platform.Call{Session: "tc-do", Caller: "+8613166668888", Callee: "+8675566668888", Bound: platform.Bound{IVRID: 5}})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if want := `{"CallInBound":{"OverrideIvrId":12,"Variables":[{"Key":"language","Value":"zh-CN"}]}}`; string(res.Reply.Body) != want {
		t.Errorf("do on tencent: %s\nwant %s", res.Reply.Body, want)
	}
	body = webhook(t, "tencent", platform.Call{Session: "tc-ret", Caller: "+14155550100", Callee: "+8675566668888", Bound: platform.Bound{IVRID: 5}})
	res = serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if want := `{"CallInBound":{"OverrideIvrId":5}}`; string(res.Reply.Body) != want {
		t.Errorf("return outside a do on tencent: %s\nwant %s", res.Reply.Body, want)
	}
}
