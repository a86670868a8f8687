package flowtest_test

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/flowtest"
)

// expect json {…} holds when the reply's JSON holds the object written:
// the keys given match recursively, fields not named are not compared,
// lists match item by item and must be as long. A failure names the path
// of the first difference.
func TestExpectJSONInline(t *testing.T) {
	fsys := files(
		"menu.flow", menuFlow,
		"menu_test.flow", `flow menu

test "a subset" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect json {callflow: [{action: "say", params: {text: "Welcome."}}, {action: "sayAndCapture", params: {maxDigits: 1.0, noOfTries: 1}}]}
}

test "a multi-line object with a const" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "1"
  expect json {
    callflow: [{action: "makeCall", params: {destination: sales}}]
  }
}

test "a wrong text" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect json {callflow: [{params: {text: "Hi"}}, {}]}
}

test "a field the reply lacks" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect json {callflow: [{params: {loop: true}}, {}]}
}

test "too few actions" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect json {callflow: [{action: "say"}]}
}

test "a number is not its text" {
  call 8x8 from "+6591234567" to "+6512345678"
  expect json {callflow: [{}, {params: {noOfTries: "1"}}]}
}

`,
	)
	checkOutcomes(t, run(t, fsys), []outcome{
		{"a subset", ""},
		{"a multi-line object with a const", ""},
		{"a wrong text", `menu_test.flow:18:3: expected json {callflow: [{params: {text: "Hi"}}, {}]} to hold callflow[0].params.text: want "Hi", got "Welcome."; the reply is {`},
		{"a field the reply lacks", `callflow[0].params.loop: want true, got no such field`},
		{"too few actions", `callflow: want 1 item, got 2`},
		{"a number is not its text", `callflow[1].params.noOfTries: want "1", got 1`},
	})
}

// With WithUpdate, a missing or different golden file is written with the
// reply, indented, and the test passes; an equal one is left alone.
func TestUpdateWritesGoldenFiles(t *testing.T) {
	fsys := files(
		"menu.flow", menuFlow,
		"menu_test.flow", `flow menu

test "missing" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "1"
  expect json "golden/sales.json"
}

test "different" {
  call 8x8 from "+6500000000" to "+6512345678"
  expect json "golden/blocked.json"
}

test "equal" {
  call 8x8 from "+6500000000" to "+6512345678"
  expect json "golden/same.json"
}

test "outside" {
  call 8x8 from "+6500000000" to "+6512345678"
  expect json "../outside.json"
}
`,
		"golden/blocked.json", `{"callflow": [{"action": "say"}]}`,
		"golden/same.json", `{"callflow": [{"action": "hangup"}]}`,
	)
	written := map[string]string{}
	rep := run(t, fsys, flowtest.WithUpdate(func(name string, data []byte) error {
		written[name] = string(data)
		return nil
	}))
	checkOutcomes(t, rep, []outcome{
		{"missing", ""}, {"different", ""}, {"equal", ""},
		{"outside", `expect json: "../outside.json" lies outside the folder the flows were read from; --update writes only inside it`},
	})
	want := map[string]string{
		"golden/sales.json": `{
  "callflow": [
    {
      "action": "makeCall",
      "params": {
        "source": "+6512345678",
        "destination": "+6587654321"
      }
    }
  ]
}
`,
		"golden/blocked.json": "{\n  \"callflow\": [\n    {\n      \"action\": \"hangup\"\n    }\n  ]\n}\n",
	}
	for name, data := range want {
		if written[name] != data {
			t.Errorf("%s written as\n%s\nwant\n%s", name, written[name], data)
		}
	}
	if len(written) != len(want) {
		t.Errorf("wrote %d files, want %d: %v", len(written), len(want), written)
	}
	if got := strings.Join(rep.Updated, " "); got != "golden/sales.json golden/blocked.json" {
		t.Errorf("Updated = %q", got)
	}
	// The same run without update fails on both.
	if rep := run(t, fsys); rep.Failed() != 3 {
		t.Errorf("without update, %d tests failed, want 3", rep.Failed())
	}
}
