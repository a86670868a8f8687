package eightbyeight

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldenpkg "github.com/callflow/callflow/runtime/internal/golden"

	"github.com/callflow/callflow/runtime/platform"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/webhooks/8x8/golden")

// golden compares got with testdata/webhooks/8x8/golden/name.json, or
// rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenpkg.Check(t, filepath.Join(dir, "golden", name+".json"), append(append([]byte(nil), got...), '\n'), *update)
}

const voice = "en-US-ZiraRUS"

var (
	callStart = &platform.Event{Kind: platform.CallStarted, Platform: Name, Session: sessA, Caller: "+6591234567", Callee: "+6512345678"}
	input     = &platform.Event{Kind: platform.Input, Platform: Name, Session: sessA, Callee: "+6512345678", Digits: ptr("1"), Resume: tokenA}
)

func TestRenderGolden(t *testing.T) {
	cases := []struct {
		name string
		ev   *platform.Event
		r    *platform.Response
	}{
		{"render_say", callStart, &platform.Response{Actions: []platform.Action{
			platform.Say{Text: "Welcome to ACME <support> & more.", Voice: voice},
			platform.Say{Text: "Slowly, twice.", Voice: voice, Speed: 0.9, Repeat: 2},
			platform.Hangup{},
		}}},
		{"render_play", callStart, &platform.Response{Actions: []platform.Action{
			platform.Play{URL: "https://cdn.example.com/hold.mp3"},
			platform.Play{URL: "http://cdn.example.com/tone.WAV?v=2", Repeat: 3},
			platform.Hangup{},
		}}},
		{"render_capture", callStart, &platform.Response{Resume: tokenA, Actions: []platform.Action{
			platform.Say{Text: "Welcome to ACME.", Voice: voice},
			platform.Capture{
				Prompt: "Press 1 for sales, 2 for support, or 9 to check an order.", Voice: voice,
				MinDigits: 1, MaxDigits: 1, Timeout: 10 * time.Second, Tries: 3,
				Failure: "Sorry, that is not an option.",
			},
		}}},
		{"render_capture_hash", input, &platform.Response{Resume: tokenA, Actions: []platform.Action{
			platform.Capture{
				Prompt: "Enter your order number, then press hash.", Voice: voice, Speed: 1.25,
				MinDigits: 4, MaxDigits: 10, End: "#", Timeout: 20 * time.Second, DigitTimeout: 5 * time.Second,
				Tries: 2, Success: "Thank you.", Failure: "That did not work.",
			},
		}}},
		{"render_capture_defaults", input, &platform.Response{Resume: tokenA, Actions: []platform.Action{
			&platform.Capture{Prompt: "Enter digits, then hash.", Voice: voice, End: "#"},
		}}},
		{"render_makecall", input, &platform.Response{Actions: []platform.Action{
			platform.Say{Text: "Connecting you to sales.", Voice: voice},
			platform.MakeCall{Number: "+6587654321", From: "+6512345678"},
		}}},
		{"render_makecall_record_default_from", input, &platform.Response{Actions: []platform.Action{
			platform.MakeCall{Number: "+6587650000", Record: true},
		}}},
		{"render_hangup", input, &platform.Response{Actions: []platform.Action{platform.Hangup{}}}},
		{"render_keepbound", input, &platform.Response{Actions: []platform.Action{platform.KeepBound{}}}},
		{"render_empty", callStart, &platform.Response{}},
		{"render_nil_response", nil, nil},
		{"render_call_ended", &platform.Event{Kind: platform.CallEnded, Session: sessA}, &platform.Response{Actions: []platform.Action{platform.Hangup{}}}},
		{"render_status", &platform.Event{Kind: platform.Status, Session: sessA}, nil},
	}
	a := New()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := a.Render(c.ev, c.r)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != 200 {
				t.Errorf("status %d, want 200", rep.Status)
			}
			if !json.Valid(rep.Body) {
				t.Fatalf("not JSON: %s", rep.Body)
			}
			golden(t, c.name, rep.Body)
		})
	}
}

func TestRenderExplicitValues(t *testing.T) {
	rep, err := New().Render(callStart, &platform.Response{Actions: []platform.Action{
		platform.Say{Text: "Hi", Voice: voice},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"callflow":[{"action":"say","params":{"text":"Hi","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}}]}`
	if string(rep.Body) != want {
		t.Errorf("got  %s\nwant %s", rep.Body, want)
	}
}

func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("é", 3001)
	capture := func(f func(*platform.Capture)) platform.Action {
		c := platform.Capture{Prompt: "Press 1.", Voice: voice, MinDigits: 1, MaxDigits: 1, Timeout: 10 * time.Second, Tries: 1}
		f(&c)
		return c
	}
	cases := []struct {
		name    string
		actions []platform.Action
		index   int
		action  string
		field   string
		msg     string
	}{
		{"say text too long", []platform.Action{platform.Say{Text: long, Voice: voice}}, 0, "say", "text", "3001 characters, over the limit of 3000"},
		{"say text empty", []platform.Action{platform.Say{Voice: voice}}, 0, "say", "text", "must not be empty"},
		{"say no voice", []platform.Action{platform.Say{Text: "Hi"}}, 0, "say", "voiceProfile", "missing"},
		{"say repetition 4", []platform.Action{platform.Say{Text: "Hi", Voice: voice, Repeat: 4}}, 0, "say", "repetition", "4 is outside 1..3"},
		{"say repetition negative", []platform.Action{platform.Say{Text: "Hi", Voice: voice, Repeat: -1}}, 0, "say", "repetition", "outside 1..3"},
		{"say speed slow", []platform.Action{platform.Say{Text: "Hi", Voice: voice, Speed: 0.4}}, 0, "say", "speed", "0.4 is outside 0.5..2"},
		{"say speed fast", []platform.Action{platform.Say{Text: "Hi", Voice: voice, Speed: 2.5}}, 0, "say", "speed", "outside"},
		{"say speed NaN", []platform.Action{platform.Say{Text: "Hi", Voice: voice, Speed: math.NaN()}}, 0, "say", "speed", "outside"},
		{"play ftp", []platform.Action{platform.Play{URL: "ftp://x.example/a.wav"}}, 0, "playFile", "fileUrl", "not an http or https URL"},
		{"play relative", []platform.Action{platform.Play{URL: "/a.wav"}}, 0, "playFile", "fileUrl", "not an http or https URL"},
		{"play ogg", []platform.Action{platform.Play{URL: "https://x.example/a.ogg"}}, 0, "playFile", "fileUrl", "does not end in .wav or .mp3"},
		{"play ext in query only", []platform.Action{platform.Play{URL: "https://x.example/a?f=.mp3"}}, 0, "playFile", "fileUrl", "does not end in"},
		{"play empty", []platform.Action{platform.Play{}}, 0, "playFile", "fileUrl", "missing"},
		{"play bad url", []platform.Action{platform.Play{URL: "http://[::1"}}, 0, "playFile", "fileUrl", "not a URL"},
		{"play repetition", []platform.Action{platform.Play{URL: "https://x.example/a.wav", Repeat: 9}}, 0, "playFile", "repetition", "9 is outside 1..3"},
		{"capture prompt too long", []platform.Action{capture(func(c *platform.Capture) { c.Prompt = long })}, 0, "sayAndCapture", "promptMessage", "over the limit"},
		{"capture prompt empty", []platform.Action{capture(func(c *platform.Capture) { c.Prompt = "" })}, 0, "sayAndCapture", "promptMessage", "must not be empty"},
		{"capture failure too long", []platform.Action{capture(func(c *platform.Capture) { c.Failure = long })}, 0, "sayAndCapture", "failureMessage", "over the limit"},
		{"capture success too long", []platform.Action{capture(func(c *platform.Capture) { c.Success = long })}, 0, "sayAndCapture", "successMessage", "over the limit"},
		{"capture no voice", []platform.Action{capture(func(c *platform.Capture) { c.Voice = "" })}, 0, "sayAndCapture", "voiceProfile", "missing"},
		{"capture speed", []platform.Action{capture(func(c *platform.Capture) { c.Speed = 3 })}, 0, "sayAndCapture", "speed", "3 is outside 0.5..2"},
		{"capture maxDigits 26", []platform.Action{capture(func(c *platform.Capture) { c.MaxDigits = 26 })}, 0, "sayAndCapture", "maxDigits", "26 is outside 1..25"},
		{"capture maxDigits negative", []platform.Action{capture(func(c *platform.Capture) { c.MaxDigits = -1 })}, 0, "sayAndCapture", "maxDigits", "outside 1..25"},
		{"capture no maxDigits without hash", []platform.Action{capture(func(c *platform.Capture) { c.MaxDigits = 0 })}, 0, "sayAndCapture", "maxDigits", "required when entry does not end"},
		{"capture minDigits over max", []platform.Action{capture(func(c *platform.Capture) { c.MinDigits = 4; c.MaxDigits = 3 })}, 0, "sayAndCapture", "minDigits", "4 is outside 1..3"},
		{"capture minDigits negative", []platform.Action{capture(func(c *platform.Capture) { c.MinDigits = -2 })}, 0, "sayAndCapture", "minDigits", "outside"},
		{"capture end star", []platform.Action{capture(func(c *platform.Capture) { c.End = "*" })}, 0, "sayAndCapture", "completeOnHash", `end key "*" is not supported`},
		{"capture digit timeout equal", []platform.Action{capture(func(c *platform.Capture) { c.DigitTimeout = c.Timeout })}, 0, "sayAndCapture", "digitTimeout", "10000ms must be less than overallTimeout 10000ms"},
		{"capture digit timeout over default", []platform.Action{capture(func(c *platform.Capture) { c.Timeout = 0; c.DigitTimeout = 31 * time.Second })}, 0, "sayAndCapture", "digitTimeout", "must be less than overallTimeout 30000ms"},
		{"capture digit timeout negative", []platform.Action{capture(func(c *platform.Capture) { c.DigitTimeout = -time.Second })}, 0, "sayAndCapture", "digitTimeout", "-1s is shorter than 1ms"},
		{"capture timeout negative", []platform.Action{capture(func(c *platform.Capture) { c.Timeout = -time.Second })}, 0, "sayAndCapture", "overallTimeout", "-1s is shorter than 2ms"},
		{"capture timeout tiny", []platform.Action{capture(func(c *platform.Capture) { c.Timeout = time.Millisecond })}, 0, "sayAndCapture", "overallTimeout", "1ms is shorter than 2ms"},
		{"capture timeout short for default digit timeout", []platform.Action{capture(func(c *platform.Capture) { c.Timeout = 3 * time.Millisecond / 2 })}, 0, "sayAndCapture", "overallTimeout", "shorter than 2ms"},
		{"capture timeout no room", []platform.Action{capture(func(c *platform.Capture) { c.Timeout = 2*time.Millisecond - 1 })}, 0, "sayAndCapture", "overallTimeout", "shorter"},
		{"capture tries negative", []platform.Action{capture(func(c *platform.Capture) { c.Tries = -1 })}, 0, "sayAndCapture", "noOfTries", "-1 is not a positive"},
		{"makeCall destination national", []platform.Action{platform.MakeCall{Number: "87654321", From: "+6512345678"}}, 0, "makeCall", "destination", `"87654321" is not an E.164 number`},
		{"makeCall destination short", []platform.Action{platform.MakeCall{Number: "+12345", From: "+6512345678"}}, 0, "makeCall", "destination", "not an E.164"},
		{"makeCall destination long", []platform.Action{platform.MakeCall{Number: "+1234567890123456", From: "+6512345678"}}, 0, "makeCall", "destination", "not an E.164"},
		{"makeCall source", []platform.Action{platform.MakeCall{Number: "+6587654321", From: "6512345678"}}, 0, "makeCall", "source", "not an E.164"},
		{"agent", []platform.Action{platform.Agent{ID: 1}}, 0, "agent", "", "not supported by 8x8"},
		{"campaign", []platform.Action{platform.Say{Text: "Hi", Voice: voice}, platform.Campaign{}}, 1, "campaign", "", "not supported by 8x8"},
		{"nil action", []platform.Action{nil}, 0, "<nil>", "", "no action"},
		{"nil pointer", []platform.Action{(*platform.Say)(nil)}, 0, "say", "", "nil pointer"},
		{"after capture", []platform.Action{capture(func(*platform.Capture) {}), platform.Hangup{}}, 1, "hangup", "", "comes after sayAndCapture"},
		{"after hangup", []platform.Action{platform.Hangup{}, platform.Say{Text: "Hi", Voice: voice}}, 1, "say", "", "comes after hangup"},
		{"second action bad", []platform.Action{platform.Say{Text: "Hi", Voice: voice}, platform.Say{Text: "Hi", Voice: voice, Repeat: 5}}, 1, "say", "repetition", "outside"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := New().Render(callStart, &platform.Response{Actions: c.actions})
			if err == nil {
				t.Fatalf("no error, rendered %s", rep.Body)
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v is not a *LimitError", err, err)
			}
			if le.Index != c.index || le.Action != c.action || le.Field != c.field || !strings.Contains(le.Msg, c.msg) {
				t.Errorf("got %q = %+v\nwant index %d, action %q, field %q, message containing %q", err, *le, c.index, c.action, c.field, c.msg)
			}
			if !strings.Contains(err.Error(), c.action) {
				t.Errorf("message %q does not name the action", err)
			}
		})
	}
}

func TestRenderLimitsAtTheEdges(t *testing.T) {
	edge := strings.Repeat("é", 3000)
	_, err := New().Render(callStart, &platform.Response{Actions: []platform.Action{
		platform.Say{Text: edge, Voice: voice, Repeat: 3, Speed: 2.0},
		platform.Say{Text: "x", Voice: voice, Repeat: 1, Speed: 0.5},
		platform.Play{URL: "HTTPS://x.example/a.mp3", Repeat: 1},
		platform.MakeCall{Number: "+1234567", From: "+123456789012345"},
		platform.Capture{Prompt: edge, Voice: voice, MinDigits: 25, MaxDigits: 25, Timeout: 2 * time.Millisecond, DigitTimeout: time.Millisecond, Tries: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRenderDigitTimeoutDefault(t *testing.T) {
	for _, c := range []struct {
		timeout time.Duration
		want    string
	}{
		{0, `"digitTimeout":5000,"overallTimeout":30000`},
		{6 * time.Second, `"digitTimeout":3000,"overallTimeout":6000`},
		{time.Minute, `"digitTimeout":5000,"overallTimeout":60000`},
	} {
		rep, err := New().Render(callStart, &platform.Response{Actions: []platform.Action{
			platform.Capture{Prompt: "p", Voice: voice, MaxDigits: 4, Timeout: c.timeout},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(rep.Body), c.want) {
			t.Errorf("timeout %v: %s does not contain %s", c.timeout, rep.Body, c.want)
		}
	}
}

func TestFallback(t *testing.T) {
	a := New()
	cases := []struct {
		name string
		ev   *platform.Event
		opts platform.FallbackOptions
	}{
		{"fallback_apology", input, platform.FallbackOptions{Apology: "Sorry, something went wrong. Please call again later.", Voice: voice}},
		{"fallback_no_voice", callStart, platform.FallbackOptions{Apology: "Sorry."}},
		{"fallback_no_apology", callStart, platform.FallbackOptions{Voice: voice}},
		{"fallback_apology_too_long", callStart, platform.FallbackOptions{Apology: strings.Repeat("a", 3001), Voice: voice}},
		{"fallback_nil_event", nil, platform.FallbackOptions{}},
		{"fallback_call_ended", &platform.Event{Kind: platform.CallEnded}, platform.FallbackOptions{Apology: "Sorry.", Voice: voice}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := a.Fallback(c.ev, c.opts)
			if rep.Status != 200 {
				t.Errorf("status %d, want 200", rep.Status)
			}
			name := c.name
			if name == "fallback_apology_too_long" || name == "fallback_nil_event" {
				name = "fallback_no_voice" // all are a bare hangup
			}
			golden(t, name, rep.Body)
		})
	}
}

// TestRenderOnTheStack checks that an answer appended on the stack and
// copied is the answer appended to the heap, whether it fits the stack's
// buffer, outgrows it (escapes answerSize did not count) or is estimated
// too long for it; and that a refused answer has no body.
func TestRenderOnTheStack(t *testing.T) {
	say := func(text string) platform.Say { return platform.Say{Text: text, Voice: "en-US-ZiraRUS"} }
	for name, actions := range map[string][]platform.Action{
		"fits":     {say("Welcome to ACME."), platform.Hangup{}},
		"outgrows": {say(strings.Repeat("\x01", 300))},
		"long":     {say(strings.Repeat("a", 2000)), platform.Hangup{}},
		"none":     nil,
	} {
		r := &platform.Response{Resume: "tok", Actions: actions}
		got, err := New().Render(&platform.Event{Kind: platform.Input, Callee: "+6512345678"}, r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := appendAnswer(nil, r.Resume, actions, "+6512345678")
		if err != nil || got.Status != http.StatusOK || !bytes.Equal(got.Body, want) {
			t.Errorf("%s: got %d %s, want %s (%v)", name, got.Status, got.Body, want, err)
		}
	}
	got, err := New().Render(&platform.Event{Kind: platform.Input}, &platform.Response{Actions: []platform.Action{platform.Hangup{}, say("late")}})
	if err == nil || got.Body != nil || got.Status != 0 {
		t.Errorf("an action after hangup: got %d %s, %v", got.Status, got.Body, err)
	}
}
