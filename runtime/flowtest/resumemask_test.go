package flowtest_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/runtime/flowtest"
)

// A golden answer that waits for the platform (a capture's input,
// gather or Gather) holds the resume token masked: it still matches after
// the flow is edited, which re-signs every token, and it is TwiML where
// the platform answers TwiML. Without the mask a vonage eventUrl, a
// jambonz actionHook and a Twilio action URL made every golden file stale
// at the next edit, and a Twilio golden could not be read back at all.
func TestGoldenAnswersOutliveAnEdit(t *testing.T) {
	capture := "capture choice {\n    prompt \"Press 1.\"\n    digits 1\n    timeout 5s\n    tries 1\n  }"
	for _, tc := range []struct{ name, platform, voice, step, wantInGolden string }{
		{"vonage", "vonage", "en-GB", capture, `"/hooks/vonage?(the signed resume token: compared for presence only)"`},
		{"jambonz", "jambonz", "google:en-GB-Neural2-A", capture, `"actionHook": "/hooks/jambonz?(the signed resume token: compared for presence only)"`},
		{"twilio", "twilio", "Polly.Amy", capture, `action="?(the signed resume token: compared for presence only)" method="POST"`},
		// A Record is followed by a Redirect whose text is the URL.
		{"twilio record", "twilio", "Polly.Amy", "record message { beep }", `<Redirect method="POST">?(the signed resume token: compared for presence only)</Redirect>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flow := func(greeting string) string {
				return `flow menu
target ` + tc.platform + `
number "+447700900000"
voice "` + tc.voice + `"
otherwise -> main
handler main {
  say "` + greeting + `"
  ` + tc.step + `
  hangup
}
`
			}
			tests := `flow menu

test "the menu" {
  call ` + tc.platform + ` from "+447700900001" to "+447700900000"
  expect json "menu.golden"
}
`
			fsys := fstest.MapFS{
				"menu.flow":      {Data: []byte(flow("Hello."))},
				"menu_test.flow": {Data: []byte(tests)},
			}
			written := map[string][]byte{}
			run(t, fsys, flowtest.WithUpdate(func(name string, data []byte) error {
				written[name] = data
				return nil
			}))
			golden := written["menu.golden"]
			if !strings.Contains(string(golden), tc.wantInGolden) || strings.Contains(string(golden), "resume=") {
				t.Fatalf("the golden answer does not hold %s:\n%s", tc.wantInGolden, golden)
			}
			fsys["menu.golden"] = &fstest.MapFile{Data: golden}
			checkOutcomes(t, run(t, fsys), []outcome{{"the menu", ""}})

			// An edit elsewhere in the flow signs new tokens: the golden
			// answer of the greeting it did not touch still holds.
			fsys["menu.flow"] = &fstest.MapFile{Data: []byte(strings.Replace(flow("Hello."), "hangup", "say \"Bye.\"\n  hangup", 1))}
			checkOutcomes(t, run(t, fsys), []outcome{{"the menu", ""}})

			// The mask stands for the token only: another greeting, or
			// the token sent to another path, is a difference.
			fsys["menu.flow"] = &fstest.MapFile{Data: []byte(flow("Welcome."))}
			if rep := run(t, fsys); rep.Failed() != 1 {
				t.Errorf("another greeting matched the golden answer")
			}
			fsys["menu.flow"] = &fstest.MapFile{Data: []byte(flow("Hello."))}
			fsys["menu.golden"] = &fstest.MapFile{Data: []byte(strings.Replace(string(golden), "?(the signed", "/elsewhere?(the signed", 1))}
			if rep := run(t, fsys); rep.Failed() != 1 {
				t.Errorf("a token sent to another path matched the golden answer")
			}
		})
	}
}
