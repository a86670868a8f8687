package jambonz

import (
	"errors"
	"flag"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/platform"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/answers")

// answersDir holds every answer the tests render, each validated against
// the official verb schema (TestAnswersValidateAgainstVerbSchema).
const answersDir = "testdata/answers"

// checkAnswer compares an answer with testdata/answers/name.json.
func checkAnswer(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join(answersDir, name+".json"), append(append([]byte(nil), got...), '\n'), *update)
}

const resumeTok = "v1.tok-en_A"

// behindProxy is a call hook that came through --public-url
// https://calls.example.com/cf to the route naming flow menu.
func behindProxy(kind platform.Kind) *platform.Event {
	base, _ := url.Parse("https://calls.example.com/cf")
	u, _ := url.Parse("https://calls.example.com/cf/hooks/jambonz/menu")
	return &platform.Event{Kind: kind, Platform: Name, Session: "sid-1", Delivery: "D1", Caller: "+6591234567", Callee: "+6512345678",
		Request: &platform.Inbound{Method: "POST", URL: u, Base: base}}
}

func TestRenderGolden(t *testing.T) {
	call := behindProxy(platform.CallStarted)
	prompt := platform.Capture{Prompt: "Press 1 for sales, 2 for support.", Voice: "google:en-US-Wavenet-C",
		MinDigits: 1, MaxDigits: 1, Timeout: 5 * time.Second, DigitTimeout: 3 * time.Second, Tries: 1}
	cases := []struct {
		name    string
		actions []platform.Action
	}{
		{"say", []platform.Action{platform.Say{Text: `Hello & <welcome> "caller".`}}},
		{"say_vendor_voice", []platform.Action{platform.Say{Text: "Hello.", Voice: "google:en-US-Wavenet-C", Repeat: 2}}},
		{"say_default_vendor", []platform.Action{platform.Say{Text: "Hello.", Voice: "en-GB-LibbyNeural", Speed: 1.2}}},
		{"say_voice_without_language", []platform.Action{platform.Say{Text: "Hello.", Voice: "polly:Joanna"}}},
		{"play", []platform.Action{platform.Play{URL: "https://cdn.example.com/hold.mp3", Repeat: 3}}},
		{"play_once", []platform.Action{platform.Play{URL: "https://cdn.example.com/hi.wav"}}},
		{"gather_exact", []platform.Action{prompt}},
		{"gather_range_finish_key", []platform.Action{platform.Capture{Prompt: "Your account number, then hash.",
			MinDigits: 1, MaxDigits: 8, End: "#", Timeout: 15 * time.Second, DigitTimeout: 4500 * time.Millisecond, Tries: 1}}},
		{"gather_no_prompt", []platform.Action{platform.Capture{MinDigits: 1, MaxDigits: 4, Timeout: 10 * time.Second, Tries: 1}}},
		{"dial", []platform.Action{platform.MakeCall{Number: "+6561112222", From: "+6512345678"}}},
		{"hangup", []platform.Action{platform.Hangup{}}},
		{"keep_bound_hangs_up", []platform.Action{platform.KeepBound{}}},
		{"nothing_hangs_up", nil},
		{"menu", []platform.Action{platform.Say{Text: "Welcome to Acme."}, platform.Play{URL: "https://cdn.example.com/jingle.mp3"}, prompt}},
		{"say_then_dial", []platform.Action{platform.Say{Text: "Connecting you."}, platform.MakeCall{Number: "+6561112222"}}},
		// The steps of language.md §8.6.
		{"pause", []platform.Action{platform.Say{Text: "One moment."}, platform.Pause{Length: 1500 * time.Millisecond}}},
		{"say_language", []platform.Action{platform.Say{Text: "Bonjour.", Language: "fr-FR"}}},
		{"say_language_over_voice", []platform.Action{platform.Say{Text: "Hello.", Voice: "google:en-US-Wavenet-C", Language: "en-AU"}}},
		{"gather_play_bargein", []platform.Action{platform.Capture{Prompt: "https://cdn.example.com/menu.mp3", Audio: true, BargeIn: true,
			MinDigits: 1, MaxDigits: 1, Timeout: 6 * time.Second, Tries: 1}}},
		{"dial_sip_timeout_limit", []platform.Action{platform.MakeCall{Number: "sip:desk@pbx.example.com", Target: lplatform.TargetSIP,
			From: "+6512345678", Timeout: 20 * time.Second, Limit: time.Hour}}},
		{"dial_user_outcomes", []platform.Action{platform.Say{Text: "Connecting you."}, platform.MakeCall{Number: "alice", Target: lplatform.TargetUser,
			Timeout: 15500 * time.Millisecond, Continues: true}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reply, err := New().Render(call, &platform.Response{Actions: tc.actions, Resume: resumeTok})
			if err != nil {
				t.Fatal(err)
			}
			if reply.Status != 200 {
				t.Errorf("status %d", reply.Status)
			}
			checkAnswer(t, tc.name, reply.Body)
		})
	}
}

// The actionHook is on the public URL, on the path the call came to (the
// flow it names), with the resume token; without a request it is the
// call hook's path.
func TestActionHookURL(t *testing.T) {
	c := platform.Capture{MinDigits: 1, MaxDigits: 1, Timeout: 5 * time.Second}
	r := &platform.Response{Actions: []platform.Action{c}, Resume: "a+b/c="}
	reply, err := New().Render(behindProxy(platform.CallStarted), r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"actionHook":"https://calls.example.com/cf/hooks/jambonz/menu?after=` + after("D1") + `&resume=a%2Bb%2Fc%3D"`; !strings.Contains(string(reply.Body), want) {
		t.Errorf("answer %s lacks %s", reply.Body, want)
	}
	reply, err = New().Render(&platform.Event{Kind: platform.CallStarted, Delivery: "D2"}, r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"actionHook":"/hooks/jambonz?after=` + after("D2") + `&resume=a%2Bb%2Fc%3D"`; !strings.Contains(string(reply.Body), want) {
		t.Errorf("answer without a request %s lacks %s", reply.Body, want)
	}
}

// Status events are acknowledged with {}, whatever the response.
func TestRenderStatus(t *testing.T) {
	for _, k := range []platform.Kind{platform.Status, platform.CallEnded} {
		reply, err := New().Render(&platform.Event{Kind: k}, &platform.Response{Actions: []platform.Action{platform.Hangup{}}})
		if err != nil || reply.Status != 200 || string(reply.Body) != "{}" {
			t.Errorf("kind %d: %d %s %v, want 200 {}", k, reply.Status, reply.Body, err)
		}
	}
}

// What jambonz cannot express is an error naming the action.
func TestRenderErrors(t *testing.T) {
	gather := platform.Capture{MinDigits: 1, MaxDigits: 1}
	cases := []struct {
		name    string
		actions []platform.Action
		resume  string
		index   int
		msg     string
	}{
		{"agent", []platform.Action{platform.Say{Text: "Hi."}, platform.Agent{ID: 3}}, "", 1, "has no verb for agent"},
		{"callback", []platform.Action{platform.Callback{}}, "", 0, "has no verb for callback"},
		{"record", []platform.Action{platform.MakeCall{Number: "+6561112222", Record: true}}, "", 0, "dial cannot record"},
		{"after gather", []platform.Action{gather, platform.Say{Text: "late"}}, resumeTok, 1, "say comes after capture"},
		{"after hangup", []platform.Action{platform.Hangup{}, platform.Hangup{}}, "", 1, "hangup comes after hangup"},
		{"gather without token", []platform.Action{gather}, "", 0, "needs the resume token"},
		{"queue", []platform.Action{platform.MakeCall{Number: "support", Target: lplatform.TargetQueue}}, "", 0, "dial has no queue target"},
		{"dial outcomes without token", []platform.Action{platform.MakeCall{Number: "+6561112222", Continues: true}}, "", 0, "needs the resume token"},
		{"after dial with outcomes", []platform.Action{platform.MakeCall{Number: "+6561112222", Continues: true}, platform.Hangup{}}, resumeTok, 1, "hangup comes after makeCall with outcomes"},
	}
	for _, tc := range cases {
		_, err := New().Render(behindProxy(platform.CallStarted), &platform.Response{Actions: tc.actions, Resume: tc.resume})
		var ae *platform.ActionError
		if !errors.As(err, &ae) || ae.Index != tc.index || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want an ActionError at %d saying %q", tc.name, err, tc.index, tc.msg)
		}
	}
}

func TestFallbackGolden(t *testing.T) {
	reply := New().Fallback(behindProxy(platform.CallStarted), platform.FallbackOptions{Apology: "Sorry, we cannot take your call now.", Voice: "en-US-ZiraRUS"})
	checkAnswer(t, "fallback_apology", reply.Body)
	reply = New().Fallback(behindProxy(platform.Input), platform.FallbackOptions{})
	checkAnswer(t, "fallback", reply.Body)
	if reply := New().Fallback(behindProxy(platform.CallEnded), platform.FallbackOptions{}); string(reply.Body) != "{}" {
		t.Errorf("status fallback %s, want {}", reply.Body)
	}
}

func TestSynthesizer(t *testing.T) {
	for voice, want := range map[string]string{
		"":                       "<nil>",
		"google:en-US-Wavenet-C": "google en-US en-US-Wavenet-C",
		"en-GB-LibbyNeural":      "default en-GB en-GB-LibbyNeural",
		"polly:Joanna":           "polly  Joanna",
		"cmn-CN-Wavenet-A":       "default cmn-CN cmn-CN-Wavenet-A",
		":odd":                   "default  :odd",
	} {
		s := synth(voice, "")
		got := "<nil>"
		if s != nil {
			got = s.Vendor + " " + s.Language + " " + s.Voice
		}
		if got != want {
			t.Errorf("synth(%q) = %q, want %q", voice, got, want)
		}
	}
}
