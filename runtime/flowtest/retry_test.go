package flowtest_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/runtime/flowtest"
)

// retryFlow uses the capture retry model and a subroutine (language.md
// 8.1 and 8.2): its tests walk every outcome as `callflow test` does.
const retryFlow = `flow retry
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> main

handler main {
  do greet
  capture choice {
    prompt  "Welcome. Press 1 for sales or 2 for support.", "Press 1 or 2."
    digits  1
    accept  "1", "2"
    tries   3
    noinput "I did not hear anything.", "Please press a key now."
    nomatch "That is not an option."
    on noinput { say "We did not hear from you. Goodbye."; hangup }
    on nomatch {
      say "Let me put you through."
      makeCall "+6587650000"
    }
  }
  say "You chose ${choice}."
  hangup
}

handler greet {
  if caller == "+6599999999" { return }
  say "Hello."
}
`

const retryTests = `flow retry

test "a valid entry on the first try" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect say "Hello."
  expect capture choice
  press "2"
  expect say "You chose 2."
  expect hangup
}

test "silence three times runs on noinput, each re-prompt shorter" {
  call 8x8 from "+6591234567" to "+6512345678"
  press ""
  expect say "I did not hear anything."
  expect capture choice
  press ""
  expect say "Please press a key now."
  expect capture choice
  press ""
  expect say "Please press a key now."
  expect say "We did not hear from you. Goodbye."
  expect hangup
}

test "a wrong key then silence then a wrong key runs on nomatch" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "7"
  expect say "That is not an option."
  press ""
  expect say "Please press a key now."
  press "9"
  expect say "That is not an option."
  expect say "Let me put you through."
  expect makeCall "+6587650000"
  expect var choice == ""
}

test "a known caller returns early from greet" {
  call 8x8 from "+6599999999" to "+6512345678"
  expect capture choice
  press "1"
  expect say "You chose 1."
}
`

func TestRetryModelInCallflowTest(t *testing.T) {
	fsys := fstest.MapFS{"retry.flow": {Data: []byte(retryFlow)}, "retry_test.flow": {Data: []byte(retryTests)}}
	rep := run(t, fsys)
	if len(rep.Tests) != 4 {
		t.Fatalf("ran %d tests, want 4", len(rep.Tests))
	}
	for _, r := range rep.Tests {
		if !r.Passed() {
			t.Errorf("%q: %v", r.Name, r.Failure)
		}
	}
	// Every step ran: the do, both branches of greet (return included),
	// both on blocks and the steps after the capture.
	c := rep.Coverage[0]
	if c.Steps.Hit != c.Steps.Total || c.Handlers != (flowtest.Count{Hit: 2, Total: 2}) {
		var missed []string
		for _, m := range c.Missed {
			missed = append(missed, m.String())
		}
		t.Errorf("steps %s, handlers %s; missed %s", c.Steps, c.Handlers, strings.Join(missed, ", "))
	}
	var kinds []string
	for _, it := range c.Items {
		if it.Kind == "step" && (it.Name == "do" || it.Name == "return") {
			kinds = append(kinds, it.Name)
			if it.Hits == 0 {
				t.Errorf("%s at %s: no hits", it.Name, it.At)
			}
		}
	}
	if strings.Join(kinds, ",") != "do,return" {
		t.Errorf("coverage items for do and return: %v", kinds)
	}
}

// A fourth try the capture does not make: the test fails where the flow
// has already moved on, so `tries` is exactly the attempts.
func TestRetryTriesAreExact(t *testing.T) {
	fsys := fstest.MapFS{"retry.flow": {Data: []byte(retryFlow)}, "retry_test.flow": {Data: []byte(`flow retry

test "a fourth silence" {
  call 8x8 from "+6591234567" to "+6512345678"
  press ""
  press ""
  press ""
  press ""
}
`)}}
	rep := run(t, fsys)
	r := result(t, rep, "a fourth silence")
	if r.Passed() || !strings.Contains(r.Failure.Msg, "no capture") {
		t.Fatalf("a fourth press: %v; want a failure, as no capture waits after the third", r.Failure)
	}
}
