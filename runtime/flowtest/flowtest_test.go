package flowtest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/flowtest"
)

const menuFlow = `flow menu
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

const sales = "+6587654321"

when caller == "+6500000000" -> blocked
otherwise -> main

handler main {
  say "Welcome."
  capture choice {
    prompt "Press 1 or 2."
    digits 1
    accept "1", "2"
    tries  2
    failure "Sorry, that is not an option."
  }
  if choice == "1" {
    makeCall sales from "+6512345678"
  } else if choice == "2" {
    goto two
  }
  say "Goodbye."
  hangup
}

handler two {
  set picked = 2
  say "Two."
  hangup
}

handler blocked {
  hangup
}
`

func compile(t *testing.T, fsys fstest.MapFS) *ir.Program {
	t.Helper()
	var names []string
	for name := range fsys {
		if strings.HasSuffix(name, ".flow") {
			names = append(names, name)
		}
	}
	prog, ds := lang.CompileFiles(fsys, names, lang.WithPlaceholderSecrets()) // as callflow test does
	if ds.HasErrors() || prog == nil {
		t.Fatalf("does not compile:\n%v", ds)
	}
	return prog
}

func run(t *testing.T, fsys fstest.MapFS, opts ...flowtest.Option) flowtest.Report {
	t.Helper()
	return flowtest.Run(context.Background(), compile(t, fsys), append([]flowtest.Option{flowtest.WithFS(fsys)}, opts...)...)
}

func result(t *testing.T, rep flowtest.Report, name string) flowtest.Result {
	t.Helper()
	for _, r := range rep.Tests {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no test %q in %v", name, rep.Tests)
	return flowtest.Result{}
}

func TestPassingAndFailingExpects(t *testing.T) {
	fsys := fstest.MapFS{
		"menu.flow": {Data: []byte(menuFlow)},
		"menu_test.flow": {Data: []byte(`flow menu

test "1 reaches sales" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect say "Welcome."
  expect capture choice
  press "1"
  expect makeCall sales from "+6512345678"
}

test "2 goes to the other handler" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "2"
  expect say "Two."
  expect hangup
  expect var picked == 2
  expect var choice == "2"
}

test "a wrong key, then nothing" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "5"
  expect say "Sorry, that is not an option."
  expect capture choice
  press ""
  expect var choice == ""
  expect say "Goodbye."
  expect hangup
}

test "expects look after the last match" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect capture choice
  expect say "Welcome."
}

test "a wrong makeCall" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "1"
  expect makeCall "+6500000001"
}

test "a wrong variable" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "2"
  expect var choice == "1"
}

test "press with no capture waiting" {
  call 8x8 from "+6500000000" to "+6512345678"
  press "1"
}
`)},
	}
	rep := run(t, fsys)
	if got, want := len(rep.Tests), 7; got != want {
		t.Fatalf("ran %d tests, want %d", got, want)
	}
	for _, name := range []string{"1 reaches sales", "2 goes to the other handler", "a wrong key, then nothing"} {
		if r := result(t, rep, name); !r.Passed() {
			t.Errorf("%q failed: %v", name, r.Failure)
		}
	}
	cases := []struct{ name, at, msg string }{
		{"expects look after the last match", "menu_test.flow:34:3", `expected say "Welcome." after capture choice, got [say "Welcome.", capture choice]`},
		{"a wrong makeCall", "menu_test.flow:40:3", `expected makeCall "+6500000001", got [makeCall "+6587654321" from "+6512345678"]`},
		{"a wrong variable", "menu_test.flow:46:3", `expected var choice == "1", got "2"`},
		{"press with no capture waiting", "menu_test.flow:51:3", `press: no capture is waiting for digits; the last reply holds [hangup]`},
	}
	for _, c := range cases {
		r := result(t, rep, c.name)
		if r.Passed() {
			t.Errorf("%q passed, want a failure", c.name)
			continue
		}
		if got := r.Failure.At.String(); got != c.at {
			t.Errorf("%q fails at %s, want %s", c.name, got, c.at)
		}
		if r.Failure.Msg != c.msg {
			t.Errorf("%q fails with\n  %s\nwant\n  %s", c.name, r.Failure.Msg, c.msg)
		}
	}
	if rep.Passed() != 3 || rep.Failed() != 4 || rep.OK() {
		t.Errorf("passed %d, failed %d", rep.Passed(), rep.Failed())
	}
}

// A given written after the call applies to it: the webhook goes out when
// the next statement other than given comes. Without a given, no request
// leaves the engine and the lookup's else value is used.
func TestGivenAndNoNetwork(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"vip": true, "name": "From the network"}`)
	}))
	defer srv.Close()
	flow := `flow crm
target tencent
number "+8675566668888"
table vips from "vips.csv"
lookup customer = get "` + srv.URL + `/c/${caller}" else {vip: false, name: "nobody"}

when caller in vips -> vip
when customer.vip -> vip
otherwise -> other

handler vip {
  set name = caller in vips ? vips[caller].name : customer.name
  agent 388
}

handler other {
  set name = customer.name
  ivr 12
}
`
	fsys := fstest.MapFS{
		"crm.flow": {Data: []byte(flow)},
		"vips.csv": {Data: []byte("number,name\n+8613900001111,Li Na\n")},
		"crm_test.flow": {Data: []byte(`flow crm

test "given after the call" {
  call tencent from "+8613066668888" to "+8675566668888"
  given customer = {vip: true, name: "Xiao Ming"}
  expect agent 388
  expect var name == "Xiao Ming"
}

test "no given: the else value" {
  call tencent from "+8613066668888" to "+8675566668888"
  expect ivr 12
  expect var name == "nobody"
}

test "a table row given" {
  given vips = {"+14155550100": {name: "Guest"}}
  call tencent from "+14155550100" to "+8675566668888"
  expect agent 388
  expect var name == "Guest"
}

test "the bound route is kept" {
  call tencent from "+14155550100" to "+8675566668888" data {AIAgentId: 42}
  expect ivr 12
  expect json "other.json"
}
`)},
		"other.json": {Data: []byte(`{"CallInBound": {"OverrideIvrId": 12, "Variables": [{"Key": "name", "Value": "nobody"}]}}`)},
	}
	rep := run(t, fsys)
	for _, r := range rep.Tests {
		if !r.Passed() {
			t.Errorf("%q: %v", r.Name, r.Failure)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the lookup server was called %d times; tests must not reach the network", n)
	}
}

func TestJSONGolden(t *testing.T) {
	fsys := fstest.MapFS{
		"menu.flow": {Data: []byte(menuFlow)},
		"menu_test.flow": {Data: []byte(`flow menu

test "menu" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect json "golden/menu.json"
}

test "wrong" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "1"
  expect json "golden/wrong.json"
}

test "missing" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect json "golden/none.json"
}
`)},
		// clientActionId counts for its presence only.
		"golden/menu.json": {Data: []byte(`{"clientActionId": "any token", "callflow": [
  {"action": "say", "params": {"text": "Welcome.", "voiceProfile": "en-US-ZiraRUS", "repetition": 1, "speed": 1.0}},
  {"action": "sayAndCapture", "params": {"promptMessage": "Press 1 or 2.", "voiceProfile": "en-US-ZiraRUS", "speed": 1.0,
    "minDigits": 1, "maxDigits": 1, "completeOnHash": false, "digitTimeout": 5000, "overallTimeout": 10000, "noOfTries": 1}}]}`)},
		"golden/wrong.json": {Data: []byte(`{"callflow": [{"action": "makeCall", "params": {"source": "+6512345678", "destination": "+6500000000"}}]}`)},
	}
	rep := run(t, fsys)
	if r := result(t, rep, "menu"); !r.Passed() {
		t.Errorf("menu: %v", r.Failure)
	}
	r := result(t, rep, "wrong")
	if r.Passed() || !strings.Contains(r.Failure.Msg, `(callflow[0].params.destination: want "+6500000000", got "+6587654321")`) {
		t.Errorf("wrong: %v", r.Failure)
	}
	r = result(t, rep, "missing")
	if r.Passed() || !strings.Contains(r.Failure.Msg, `cannot read "golden/none.json" beside menu_test.flow`) {
		t.Errorf("missing: %v", r.Failure)
	}
}

func TestTriggersAndNothing(t *testing.T) {
	fsys := fstest.MapFS{
		"cb.flow": {Data: []byte(`flow cb
target callback
const desk = "+6561112222"
when data.go == true -> now
handler now {
  callback {
    leg A to caller from desk
    leg B to desk from caller
  }
}
`)},
		"cb_test.flow": {Data: []byte(`flow cb

test "go" {
  call callback from "+6591234567" to desk data {go: true}
  expect callback leg A to "+6591234567" from desk leg B to desk from "+6591234567"
}

test "declined" {
  call callback from "+6591234567" to desk data {go: false}
  expect nothing
}

test "not declined" {
  call callback from "+6591234567" to desk data {go: true}
  expect nothing
}

test "wrong leg" {
  call callback from "+6591234567" to desk data {go: true}
  expect callback leg B to "+6500000000" from "+6591234567"
}
`)},
	}
	rep := run(t, fsys)
	for _, name := range []string{"go", "declined"} {
		if r := result(t, rep, name); !r.Passed() {
			t.Errorf("%q: %v", name, r.Failure)
		}
	}
	if r := result(t, rep, "not declined"); r.Passed() || r.Failure.Msg != `expected nothing, got [callback leg A to "+6591234567" from "+6561112222" leg B to "+6561112222" from "+6591234567"]` {
		t.Errorf("not declined: %v", r.Failure)
	}
	if r := result(t, rep, "wrong leg"); r.Passed() || !strings.HasPrefix(r.Failure.Msg, `expected callback leg B to "+6500000000" from "+6591234567", got [callback`) {
		t.Errorf("wrong leg: %v", r.Failure)
	}
}

func TestRunFilterAndCoverage(t *testing.T) {
	fsys := fstest.MapFS{
		"menu.flow": {Data: []byte(menuFlow)},
		"menu_test.flow": {Data: []byte(`flow menu

test "sales" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "1"
  expect makeCall sales
}

test "two" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "2"
  expect hangup
}
`)},
	}
	rep := run(t, fsys, flowtest.WithRun(regexp.MustCompile("^sal")))
	if len(rep.Tests) != 1 || rep.Tests[0].Name != "sales" {
		t.Fatalf("ran %v, want only sales", rep.Tests)
	}
	if len(rep.Coverage) != 1 {
		t.Fatalf("coverage of %d flows", len(rep.Coverage))
	}
	c := rep.Coverage[0]
	if c.Rules != (flowtest.Count{Hit: 1, Total: 2}) || c.Handlers != (flowtest.Count{Hit: 1, Total: 3}) {
		t.Errorf("rules %s, handlers %s", c.Rules, c.Handlers)
	}
	// main has say, capture, makeCall, goto, say, hangup; two has set, say,
	// hangup; blocked has hangup: 10 steps, 3 run.
	if c.Steps != (flowtest.Count{Hit: 3, Total: 10}) {
		t.Errorf("steps %s", c.Steps)
	}
	var missed []string
	for _, m := range c.Missed {
		missed = append(missed, m.At.String()+" "+m.String())
	}
	want := []string{
		`menu.flow:8:1 rule when caller == "+6500000000" -> blocked`,
		`menu.flow:23:5 step goto in handler main`,
		`menu.flow:25:3 step say in handler main`,
		`menu.flow:26:3 step hangup in handler main`,
		`menu.flow:29:9 handler two`,
		`menu.flow:35:9 handler blocked`,
	}
	if strings.Join(missed, "\n") != strings.Join(want, "\n") {
		t.Errorf("missed:\n%s\nwant:\n%s", strings.Join(missed, "\n"), strings.Join(want, "\n"))
	}

	rep = run(t, fsys, flowtest.WithRun(regexp.MustCompile("^menu/")))
	if len(rep.Tests) != 2 || !rep.OK() {
		t.Errorf("FLOW/NAME filter ran %v", rep.Tests)
	}
	if c := rep.Coverage[0]; c.Handlers.Hit != 2 {
		t.Errorf("handlers %s after both tests", c.Handlers)
	}
}

func Example() {
	fsys := fstest.MapFS{
		"hello.flow": {Data: []byte(`flow hello
target 8x8
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  say "Hello."
  hangup
}

test "greets and hangs up" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect say "Hello."
  expect hangup
}

test "says goodbye" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect say "Goodbye."
}
`)},
	}
	prog, _ := lang.CompileFiles(fsys, []string{"hello.flow"})
	rep := flowtest.Run(context.Background(), prog, flowtest.WithFS(fsys))
	for _, t := range rep.Failures() {
		fmt.Printf("FAIL %s: %q: %s\n", t.Failure.At, t.Name, t.Failure.Msg)
	}
	fmt.Printf("%d passed, %d failed\n", rep.Passed(), rep.Failed())
	// Output:
	// FAIL hello.flow:18:3: "says goodbye": expected say "Goodbye.", got [say "Hello.", hangup]
	// 1 passed, 1 failed
}
