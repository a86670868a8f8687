package vonage

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// answerEvent is the answer webhook of a call that came to the server
// behind https://calls.example.com/cf, on the route of flow menu.
func answered(t *testing.T) *platform.Event {
	t.Helper()
	base, _ := url.Parse("https://calls.example.com/cf")
	u, _ := url.Parse("https://calls.example.com/cf/hooks/vonage/menu?to=447700900000&from=447700900001&uuid=aaaa&conversation_uuid=CON-bbbb")
	ev, err := New().DecodeRequest(&platform.Inbound{Method: http.MethodGet, URL: u, Base: base, Header: http.Header{}})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// Every step Vonage has becomes its NCCO action; golden files hold each.
func TestRenderSteps(t *testing.T) {
	capture := platform.Capture{Prompt: "Enter your account number, then hash.", Voice: "en-GB:2", MinDigits: 1, MaxDigits: 8,
		End: "#", Timeout: 7500 * time.Millisecond, DigitTimeout: 3 * time.Second, Tries: 1}
	tests := []struct {
		golden  string
		actions []platform.Action
	}{
		{"say.json", []platform.Action{platform.Say{Text: "Welcome to Acme & Co. <Press> nothing.", Voice: "en-GB", Repeat: 2}, platform.Hangup{}}},
		{"say_named_voice.json", []platform.Action{platform.Say{Text: "Hello.", Voice: "en-US-JennyNeural", Speed: 1.5}, platform.Hangup{}}},
		{"say_unmapped_voice.json", []platform.Action{platform.Say{Text: "Hello.", Voice: "kimberly"}, platform.Hangup{}}},
		{"play.json", []platform.Action{platform.Play{URL: "https://cdn.example.com/hold.mp3", Repeat: 3}, platform.Hangup{}}},
		{"capture.json", []platform.Action{platform.Say{Text: "Welcome."}, capture}},
		{"capture_defaults.json", []platform.Action{platform.Capture{Prompt: "Press a key.", MaxDigits: 25}}},
		{"makecall.json", []platform.Action{platform.Say{Text: "Connecting you."}, platform.MakeCall{Number: "+14155550100", From: "+447700900000"}}},
		{"makecall_record_from_callee.json", []platform.Action{platform.MakeCall{Number: "+14155550100", Record: true}}},
		{"hangup.json", []platform.Action{platform.Hangup{}}},
		{"keep_bound.json", []platform.Action{platform.Say{Text: "Bye."}, platform.KeepBound{}}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			reply, err := New().Render(answered(t), &platform.Response{Actions: tt.actions, Resume: "TOKEN"})
			if err != nil {
				t.Fatal(err)
			}
			if reply.Status != http.StatusOK || !json.Valid(reply.Body) || reply.Body[0] != '[' {
				t.Fatalf("%d %s: want 200 and a JSON array", reply.Status, reply.Body)
			}
			goldenCheck(t, tt.golden, reply.Body)
		})
	}
}

// The input's eventUrl is this server's public URL of the route the call
// came on, with the resume token and the answer's mark; the query of the
// answer webhook is not carried over.
func TestCaptureEventURL(t *testing.T) {
	ev := answered(t)
	reply, err := New().Render(ev, &platform.Response{Actions: []platform.Action{platform.Capture{Prompt: "Key?", MaxDigits: 1}}, Resume: "a+b/c"})
	if err != nil {
		t.Fatal(err)
	}
	var ncco []struct {
		Action   string   `json:"action"`
		EventURL []string `json:"eventUrl"`
	}
	if err := json.Unmarshal(reply.Body, &ncco); err != nil {
		t.Fatal(err)
	}
	last := ncco[len(ncco)-1]
	want := "https://calls.example.com/cf/hooks/vonage/menu?resume=a%2Bb%2Fc&seq=" + seqMark(ev.Delivery)
	if last.Action != "input" || len(last.EventURL) != 1 || last.EventURL[0] != want {
		t.Errorf("input eventUrl = %q, want [%q]", last.EventURL, want)
	}
}

// Values only known at run time that Vonage would reject are errors naming
// the action and field, and the neutral action's index.
func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("é", 1501)
	tests := []struct {
		name    string
		actions []platform.Action
		index   int
		want    string
	}{
		{"text over 1500", []platform.Action{platform.Say{Text: long}}, 0, "talk.text: 1501 characters, over the limit of 1500"},
		{"text 1500 ok, next empty", []platform.Action{platform.Say{Text: long[2:]}, platform.Say{}}, 1, "talk.text: must not be empty"},
		{"empty prompt", []platform.Action{platform.Capture{MaxDigits: 1}}, 0, "talk.text (the capture's prompt): must not be empty"},
		{"negative repeat", []platform.Action{platform.Play{URL: "https://x.example/a.wav", Repeat: -1}}, 0, "stream.loop"},
		{"stream not mp3", []platform.Action{platform.Play{URL: "https://x.example/a.ogg"}}, 0, "stream.streamUrl: \"https://x.example/a.ogg\" does not end in .mp3 or .wav"},
		{"stream not http", []platform.Action{platform.Play{URL: "ftp://x.example/a.mp3"}}, 0, "is not an http or https URL"},
		{"timeout over 10s", []platform.Action{platform.Capture{Prompt: "Key?", MaxDigits: 1, Timeout: 10*time.Second + time.Millisecond}}, 0, "input.dtmf.timeOut: 10.001s is longer than 10s"},
		{"end key *", []platform.Action{platform.Capture{Prompt: "Key?", MaxDigits: 1, End: "*"}}, 0, "input.dtmf.submitOnHash"},
		{"number not E.164", []platform.Action{platform.MakeCall{Number: "0207 946 0000", From: "+447700900000"}}, 0, "connect.endpoint.number"},
		{"from not E.164", []platform.Action{platform.MakeCall{Number: "+14155550100", From: "Acme"}}, 0, "connect.from"},
		{"agent", []platform.Action{platform.Agent{ID: 1}}, 0, "agent: not supported by vonage"},
		{"after hangup", []platform.Action{platform.Hangup{}, platform.Say{Text: "Hi"}}, 1, "comes after hangup, which ends the NCCO"},
		{"after input", []platform.Action{platform.Capture{Prompt: "Key?", MaxDigits: 1}, platform.Say{Text: "Hi"}}, 1, "comes after input"},
		{"nil", []platform.Action{nil}, 0, "no action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().Render(answered(t), &platform.Response{Actions: tt.actions, Resume: "T"})
			var le *LimitError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Render() = %v, want a LimitError containing %q", err, tt.want)
			}
			if i, ok := platform.FailedAction(err); !ok || i != tt.index {
				t.Errorf("FailedAction = %d, %v; want %d", i, ok, tt.index)
			}
		})
	}
}

// Call events are acknowledged with {} whatever the response holds.
func TestRenderCallEvents(t *testing.T) {
	for _, k := range []platform.Kind{platform.CallEnded, platform.Status} {
		ev := &platform.Event{Kind: k}
		reply, err := New().Render(ev, &platform.Response{Actions: []platform.Action{platform.Say{Text: "x"}}})
		if err != nil || reply.Status != http.StatusOK || string(reply.Body) != "{}" {
			t.Errorf("kind %d: %d %s %v, want 200 {}", k, reply.Status, reply.Body, err)
		}
		if fb := New().Fallback(ev, platform.FallbackOptions{Apology: "Sorry."}); string(fb.Body) != "{}" {
			t.Errorf("kind %d: fallback %s, want {}", k, fb.Body)
		}
	}
}

// The safe fallback is the apology as a talk, when configured, and the end
// of the NCCO, which ends the call.
func TestFallback(t *testing.T) {
	ev := &platform.Event{Kind: platform.Input}
	fb := New().Fallback(ev, platform.FallbackOptions{Apology: "Sorry, something went wrong.", Voice: "en-GB"})
	goldenCheck(t, "fallback_apology.json", fb.Body)
	if fb := New().Fallback(ev, platform.FallbackOptions{}); fb.Status != http.StatusOK || string(fb.Body) != "[]" {
		t.Errorf("without an apology: %d %s, want 200 []", fb.Status, fb.Body)
	}
	// An apology Vonage would refuse is left out rather than breaking the answer.
	if fb := New().Fallback(ev, platform.FallbackOptions{Apology: strings.Repeat("a", 1501)}); string(fb.Body) != "[]" {
		t.Errorf("an apology over the limit: %s, want []", fb.Body)
	}
}

func TestTalkVoice(t *testing.T) {
	for voice, want := range map[string]string{
		"":                   "",
		"en-GB":              "en-GB",
		"en-GB:2":            "en-GB 2",
		"cmn-CN":             "cmn-CN",
		"ar":                 "ar",
		"en-US-ZiraRUS":      "en-US",
		"en-US-JennyNeural":  "en-US",
		"kimberly":           "",
		"en-GB:x":            "en-GB",
		"northern_female_ng": "",
	} {
		lang, style := talkVoice(voice)
		got := lang
		if style != nil {
			got += " " + string(rune('0'+*style))
		}
		if got != want {
			t.Errorf("talkVoice(%q) = %q, want %q", voice, got, want)
		}
	}
}
