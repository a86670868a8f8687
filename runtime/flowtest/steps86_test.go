package flowtest_test

import (
	"testing"

	"github.com/callflow/callflow/runtime/flowtest"
	"github.com/callflow/callflow/runtime/internal/testplatform"
)

const voicemailFlow = `flow desk
target waiter

otherwise -> main

handler main {
  pause 1s
  makeCall sip "sip:desk@example.com" timeout 20s {
    on busy { say "The desk is busy." }
    on noanswer {
      say "Please leave a message."
      record message { beep }
      say "Saved ${message}."
      hangup
    }
  }
  say "Goodbye."
  hangup
}
`

// A test drives a makeCall's outcome with `dial OUTCOME` and a
// recording's end with `recorded URL`, and expects pause and record; each
// statement fails, naming what the call waits for, when the call does not
// wait at that step.
func TestDialAndRecordStatements(t *testing.T) {
	testplatform.Add(t)
	fsys := files(
		"desk.flow", voicemailFlow,
		"desk_test.flow", `flow desk

test "busy" {
  call waiter from "+6591234567" to "+6512345678"
  expect pause
  expect makeCall "sip:desk@example.com"
  dial busy
  expect say "The desk is busy."
  expect say "Goodbye."
  expect hangup
}

test "voicemail" {
  call waiter from "+6591234567" to "+6512345678"
  dial noanswer
  expect say "Please leave a message."
  expect record message
  recorded "https://rec.example.com/1.wav"
  expect var message == "https://rec.example.com/1.wav"
  expect say "Saved https://rec.example.com/1.wav."
}

test "completed goes on after the blocks" {
  call waiter from "+6591234567" to "+6512345678"
  dial completed
  expect say "Goodbye."
}

test "recorded while a makeCall waits" {
  call waiter from "+6591234567" to "+6512345678"
  recorded "https://rec.example.com/1.wav"
}

test "dial while a record waits" {
  call waiter from "+6591234567" to "+6512345678"
  dial noanswer
  dial busy
}

test "press while a makeCall waits" {
  call waiter from "+6591234567" to "+6512345678"
  press "1"
}
`)
	checkOutcomes(t, run(t, fsys, flowtest.WithPlatform(&testplatform.Declaration)), []outcome{
		{"busy", ""},
		{"voicemail", ""},
		{"completed goes on after the blocks", ""},
		{"recorded while a makeCall waits", `recorded: no record is waiting; the last reply holds [pause 1s, makeCall "sip:desk@example.com"]`},
		{"dial while a record waits", `dial: no makeCall with outcome blocks is waiting; the last reply holds [say "Please leave a message.", record]`},
		{"press while a makeCall waits", `press: no capture is waiting for digits`},
	})
}
