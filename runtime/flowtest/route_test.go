package flowtest_test

import (
	"testing"
)

// A call on a phone platform routes by its `to` number as the server does:
// a number no flow answers, or one another flow answers, fails the call
// with the numbers that are answered; a flow without numbers is reached by
// its URL, so any `to` reaches it.
func TestCallRoutesByNumber(t *testing.T) {
	fsys := files(
		"menu.flow", menuFlow,
		"other.flow", `flow other
target 8x8
number "+6599990000"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  hangup
}
`,
		"plain.flow", `flow plain
target 8x8
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  hangup
}

test "no numbers: reached by its URL" {
  call 8x8 from "+6591234567" to "+6500000000"
  expect hangup
}
`,
		"menu_test.flow", `flow menu

test "its number" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect say "Welcome."
}

test "a typo in the number" {
  call 8x8 from "+6591234567" to "+6512345679"
  expect say "Welcome."
}

test "another flow's number" {
  call 8x8 from "+6591234567" to "+6599990000"
  expect hangup
}
`,
	)
	checkOutcomes(t, run(t, fsys), []outcome{
		{"its number", ""},
		{"no numbers: reached by its URL", ""},
		{"a typo in the number", `menu_test.flow:9:3: call: no flow answers "+6512345679" on 8x8; flow menu answers "+6512345678"; other flows answer "+6599990000" (other)`},
		{"another flow's number", `menu_test.flow:14:3: call: "+6599990000" is answered by flow other on 8x8, not by menu; flow menu answers "+6512345678"; other flows answer "+6599990000" (other)`},
	})
}

// On tencent an unknown number is answered with the fallback that keeps
// the bound route, as the server answers it; the test still fails, naming
// the number.
func TestTencentCallToAnUnknownNumber(t *testing.T) {
	fsys := files(
		"rx.flow", `flow rx
target tencent
number "+8675566668888"
otherwise -> main
handler main {
  agent 388
}

test "a typo" {
  call tencent from "+8613066668888" to "+8675566668889"
  expect agent 388
}
`,
	)
	checkOutcomes(t, run(t, fsys), []outcome{
		{"a typo", `rx.flow:10:3: call: no flow answers "+8675566668889" on tencent; flow rx answers "+8675566668888"`},
	})
}
