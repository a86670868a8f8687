package flowtest_test

import (
	"strings"
	"testing"
)

const examFlow = `flow exam
target callbot
when data.math != nil -> notify
handler notify {
  campaign "Results" {
    script  "S1"
    cid     "842499950291"
    retry   2 every 10m
    batch   15 every 30s
    at      "2026-11-23T10:00:00+07:00"
    auto_pause
    contact caller {
      email "${data.email}"
      code  data.id
      vars  {"Toán": string(data.math)}
    }
  }
}
`

// expect campaign matches the fields given after the name, by the
// campaign block's words, as a subset; a difference is named by its path.
func TestExpectCampaignFields(t *testing.T) {
	fsys := files(
		"exam.flow", examFlow,
		"exam_test.flow", `flow exam

test "fields" {
  call callbot from "+84988888888" to "+842499950291" data {math: 9.5, email: "an@example.vn", id: "HS1"}
  expect campaign "Results" {script: "S1", retry: 2, retry_every: "10m", batch_every: "30s", auto_pause: true,
    at: "2026-11-23T03:00:00Z", contacts: [{phone: "+84988888888", code: "HS1", vars: {"Toán": "9.5"}}]}
}

test "fields without a name" {
  call callbot from "+84988888888" to "+842499950291" data {math: 9.5, email: "an@example.vn", id: "HS1"}
  expect campaign {name: "Results", cid: "842499950291"}
}

test "a wrong variable" {
  call callbot from "+84988888888" to "+842499950291" data {math: 9.5, email: "an@example.vn", id: "HS1"}
  expect campaign "Results" {contacts: [{vars: {"Toán": "10"}}]}
}

test "a wrong script" {
  call callbot from "+84988888888" to "+842499950291" data {math: 9.5, email: "an@example.vn", id: "HS1"}
  expect campaign {script: "S2"}
}

test "a field campaigns have not" {
  call callbot from "+84988888888" to "+842499950291" data {math: 9.5, email: "an@example.vn", id: "HS1"}
  expect campaign "Results" {scrip: "S1"}
}
`,
	)
	checkOutcomes(t, run(t, fsys), []outcome{
		{"fields", ""},
		{"fields without a name", ""},
		{"a wrong variable", `expected campaign "Results" {contacts: [{vars: {"Toán": "10"}}]}, got [campaign "Results"] (contacts[0].vars.Toán: want "10", got "9.5")`},
		{"a wrong script", `expected campaign {script: "S2"}, got [campaign "Results"] (script: want "S2", got "S1")`},
		{"a field campaigns have not", `expect campaign: a campaign has no field "scrip"; its fields are name, script,`},
	})
}

// expect callback names the leg and field that differ.
func TestExpectCallbackNamesTheLeg(t *testing.T) {
	fsys := files(
		"cb.flow", `flow cb
target callback
when true -> now
handler now {
  callback {
    leg A to caller from "+6561112222"
    leg B to "+6561112222" from caller
  }
}

test "wrong from" {
  call callback from "+6591234567" to "+6561112222"
  expect callback leg A to "+6591234567" from "+6561112222" leg B to "+6561112222" from "+6500000000"
}
`,
	)
	r := result(t, run(t, fsys), "wrong from")
	if want := `(leg B from: want "+6500000000", got "+6591234567")`; r.Passed() || !strings.HasSuffix(r.Failure.Msg, want) {
		t.Errorf("wrong from: %v, want a failure ending %s", r.Failure, want)
	}
}
