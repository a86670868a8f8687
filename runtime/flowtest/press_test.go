package flowtest_test

import (
	"testing"
)

const pinFlow = `flow pin
target 8x8
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  capture pin {
    prompt  "Enter your PIN."
    digits  4
    tries   3
    failure "That was not four digits."
  }
  say "PIN ${pin}."
  hangup
}
`

// A press is one try, judged as 8x8 judges it: too few digits fail the
// try (8x8 says the failure message and asks again, no webhook), and so
// does silence, one try each; after the last failed try the flow goes on
// with the variable empty.
func TestPressIsOneTryAsThePlatformJudges(t *testing.T) {
	fsys := files(
		"pin.flow", pinFlow,
		"pin_test.flow", `flow pin

test "too few digits are a failed try" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "12"
  expect say "That was not four digits."
  expect capture pin
  press "1234"
  expect var pin == "1234"
  expect say "PIN 1234."
}

test "silence uses one try" {
  call 8x8 from "+6591234567" to "+6512345678"
  press ""
  press ""
  press "4321"
  expect say "PIN 4321."
}

test "three failed tries" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "12"
  press ""
  press "123"
  expect var pin == ""
  expect say "PIN ."
  expect hangup
}

test "press 12 does not satisfy digits 4" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "12"
  expect var pin == "12"
}

test "more keys than the platform collects" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "12345"
}
`,
	)
	checkOutcomes(t, run(t, fsys), []outcome{
		{"too few digits are a failed try", ""},
		{"silence uses one try", ""},
		{"three failed tries", ""},
		{"press 12 does not satisfy digits 4", `expected var pin == "12", got no value: pin is not set`},
		{"more keys than the platform collects", `press: 8x8: the entry ends after maxDigits 4 keys; "12345" has 5, so press at most 4`},
	})
}
