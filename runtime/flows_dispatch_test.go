package runtime_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/internal/verbschema"
)

// TestGoldenDispatch runs the shipped jambonz dispatch line along every
// path: the softphone user, the SIP hunt group and tracking with each
// outcome of their transfers, extensions dialled as SIP URIs, the audio
// menu with bargein. Each answer is compared with
// testdata/run/dispatch/<case>.json; TestDispatchAnswersValidate checks
// them against jambonz's verb schema.
func TestGoldenDispatch(t *testing.T) {
	eng := newEngine(t, shipped(t))
	cases := []struct {
		name    string
		handler string // of the last answer
		walk    func(c *platformCall)
	}{
		{"menu_1_dispatcher_answers", "dispatcher", func(c *platformCall) { c.start(); c.press("1"); c.dial(lplatform.DialCompleted) }},
		{"dispatcher_busy_group_answers", "dispatch_group", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialBusy)
			c.dial(lplatform.DialCompleted)
		}},
		{"dispatcher_noanswer_group_noanswer", "sorry", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialNoAnswer)
			c.dial(lplatform.DialNoAnswer)
		}},
		{"dispatcher_failed_group_busy", "sorry", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialFailed)
			c.dial(lplatform.DialBusy)
		}},
		{"group_failed", "sorry", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialBusy)
			c.dial(lplatform.DialFailed)
		}},
		{"silence_twice", "dispatcher", func(c *platformCall) { c.start(); c.press(""); c.press("") }},
		{"wrong_key_twice", "dispatcher", func(c *platformCall) { c.start(); c.press("4"); c.press("4") }},
		{"tracking_answers", "tracking", func(c *platformCall) { c.start(); c.press("2"); c.dial(lplatform.DialCompleted) }},
		{"tracking_busy", "dispatcher", func(c *platformCall) { c.start(); c.press("2"); c.dial(lplatform.DialBusy) }},
		{"tracking_noanswer", "dispatcher", func(c *platformCall) { c.start(); c.press("2"); c.dial(lplatform.DialNoAnswer) }},
		{"tracking_failed", "dispatcher", func(c *platformCall) { c.start(); c.press("2"); c.dial(lplatform.DialFailed) }},
		{"extension_answers", "extension", func(c *platformCall) {
			c.start()
			c.press("9")
			c.press("204")
			c.dial(lplatform.DialCompleted)
		}},
		{"extension_busy", "dispatcher", func(c *platformCall) { c.start(); c.press("9"); c.press("204"); c.dial(lplatform.DialBusy) }},
		{"extension_noanswer", "dispatcher", func(c *platformCall) { c.start(); c.press("9"); c.press("204"); c.dial(lplatform.DialNoAnswer) }},
		{"extension_failed", "dispatcher", func(c *platformCall) { c.start(); c.press("9"); c.press("999"); c.dial(lplatform.DialFailed) }},
		{"no_extension", "dispatcher", func(c *platformCall) { c.start(); c.press("9"); c.press(""); c.press("") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newPlatformCall(t, eng, "jambonz", "dsp-"+tc.name, "+6591234567", "+6531586000", inHours)
			tc.walk(c)
			if c.last.Flow != "dispatch" || c.last.Handler != tc.handler {
				t.Errorf("flow %q handler %q, want dispatch %q", c.last.Flow, c.last.Handler, tc.handler)
			}
			golden(t, "dispatch", tc.name, c.steps)
		})
	}
}

// Every answer of the dispatch transcripts, and the shipped flow's own
// `expect json` files (../flows/dispatch_*.json), is a verb array
// jambonz's official schema accepts.
func TestDispatchAnswersValidate(t *testing.T) {
	if got := shipped(t).Flow("dispatch").Platforms; !slices.Equal(got, []string{"jambonz"}) {
		t.Fatalf("dispatch targets %v: the files checked here are jambonz answers only while it targets jambonz alone", got)
	}
	transcripts, _ := filepath.Glob(filepath.Join("..", "testdata", "run", "dispatch", "*.json"))
	files, _ := filepath.Glob(filepath.Join("..", "flows", "dispatch_*.json"))
	dir := t.TempDir()
	for _, tr := range transcripts {
		data, err := os.ReadFile(tr)
		if err != nil {
			t.Fatal(err)
		}
		var steps []step
		if err := json.Unmarshal(data, &steps); err != nil {
			t.Fatalf("%s: %v", tr, err)
		}
		for i, s := range steps {
			if string(s.Body) == "null" {
				continue
			}
			f := filepath.Join(dir, filepath.Base(tr)+"."+string(rune('a'+i))+".json")
			if err := os.WriteFile(f, s.Body, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	if len(transcripts) == 0 || len(files) <= len(transcripts) {
		t.Fatalf("found %d transcripts and %d answers: run TestGoldenDispatch -update", len(transcripts), len(files))
	}
	verbschema.Check(t, files)
}
