package twilio

import (
	"encoding/xml"
	"errors"
	"flag"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/platform"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// behind is an event of a request to the public URL
// https://calls.example.com/cf/hooks/twilio/menu (--public-url
// https://calls.example.com/cf).
func behind(t *testing.T) *platform.Event {
	t.Helper()
	in := post("https://calls.example.com/cf/hooks/twilio/menu", form(t, "call.form"))
	in.Base.Path = "/cf/"
	ev, err := New().DecodeRequest(in)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// Every step Twilio has, rendered: golden TwiML, one file per case.
func TestRenderGolden(t *testing.T) {
	capture := platform.Capture{Prompt: "Press 1 for sales, 2 for support.", Voice: "Polly.Joanna", MaxDigits: 1, Timeout: 10 * time.Second, Tries: 1}
	tests := []struct {
		name    string
		actions []platform.Action
		resume  string
	}{
		{"say", []platform.Action{platform.Say{Text: "Welcome to ACME."}}, ""},
		{"say_voice_loop", []platform.Action{platform.Say{Text: "We are closed.", Voice: "Polly.Amy", Repeat: 2}}, ""},
		{"say_speed", []platform.Action{platform.Say{Text: "Order 12345 is on its way.", Voice: "Polly.Joanna", Speed: 0.9}}, ""},
		{"say_escaped", []platform.Action{platform.Say{Text: `Tom & Jerry's <Hangup/> "deal" ]]>`}}, ""},
		{"play", []platform.Action{platform.Play{URL: "https://cdn.example.com/hold.mp3?a=1&b=2", Repeat: 3}}, ""},
		{"capture", []platform.Action{platform.Say{Text: "Welcome."}, capture}, "TOKEN-1"},
		{"capture_end_key", []platform.Action{platform.Capture{Prompt: "Enter your order number, then press hash.", End: "#",
			Timeout: 20 * time.Second, DigitTimeout: 4500 * time.Millisecond, Tries: 1}}, "TOKEN-2"},
		{"capture_no_prompt", []platform.Action{platform.Capture{MaxDigits: 4}}, "TOKEN-3"},
		{"makecall", []platform.Action{platform.MakeCall{Number: "+6587654321", From: "+6512345678"}}, ""},
		{"makecall_record", []platform.Action{platform.Say{Text: "This call may be recorded."}, platform.MakeCall{Number: "+6587650000", Record: true}}, ""},
		{"hangup", []platform.Action{platform.Say{Text: "Goodbye."}, platform.Hangup{}}, ""},
		{"end_of_handler", nil, ""},
		{"say_language", []platform.Action{platform.Say{Text: "Bonjour.", Voice: "Polly.Celine", Language: "fr-FR"}}, ""},
		{"pause", []platform.Action{platform.Say{Text: "One moment."}, platform.Pause{Length: 1500 * time.Millisecond}}, ""},
		{"capture_play_bargein", []platform.Action{platform.Capture{Prompt: "https://cdn.example.com/menu.mp3", Audio: true, BargeIn: true,
			MaxDigits: 1, Timeout: 8 * time.Second}}, "TOKEN-4"},
		{"record", []platform.Action{platform.Say{Text: "Leave a message after the beep."},
			platform.Record{Max: 60 * time.Second, Silence: 5 * time.Second, End: "#", Beep: true}}, "TOKEN-5"},
		{"record_defaults", []platform.Action{platform.Record{}}, "TOKEN-6"},
		{"makecall_sip_outcomes", []platform.Action{platform.MakeCall{Number: "sip:desk@example.com", From: "+15005550006",
			Target: lplatform.TargetSIP, Timeout: 20 * time.Second, Limit: time.Hour, Continues: true}}, "TOKEN-7"},
		{"makecall_user", []platform.Action{platform.MakeCall{Number: "alice", Target: lplatform.TargetUser}}, ""},
		{"makecall_queue", []platform.Action{platform.MakeCall{Number: "support", Target: lplatform.TargetQueue, Continues: true}}, "TOKEN-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New().Render(behind(t), &platform.Response{Actions: tt.actions, Resume: tt.resume})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != http.StatusOK {
				t.Errorf("status %d", r.Status)
			}
			if err := xml.Unmarshal(r.Body, new(struct{})); err != nil {
				t.Errorf("not XML: %v", err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".xml"), r.Body, *update)
		})
	}
}

// The action URL is on the public URL, the request's path, carrying only
// the token; without a request it is relative.
func TestGatherActionURL(t *testing.T) {
	in := post("https://calls.example.com/cf/hooks/twilio/menu?CallSid=CA1&To=%2B1", nil)
	in.Base.Path = "/cf"
	ev := &platform.Event{Request: in, Session: "CA1", Delivery: "CA1"}
	got := actionURL(ev, "a+b/c")
	if want := "https://calls.example.com/cf/hooks/twilio/menu?resume=a%2Bb%2Fc." + nonce(ev); got != want {
		t.Errorf("action URL %s, want %s", got, want)
	}
	if got := actionURL(&platform.Event{}, "tok"); !strings.HasPrefix(got, "?resume=tok.") {
		t.Errorf("without a request: %s", got)
	}
	// The next try's action differs, though its token may not.
	next := &platform.Event{Request: in, Session: "CA1", Delivery: "CA1|a+b/c." + nonce(ev)}
	if actionURL(next, "a+b/c") == got {
		t.Errorf("two answers with one token have one action URL: %s", got)
	}
}

// Text cannot inject TwiML: what the caller hears is the text, whole.
func TestRenderEscapes(t *testing.T) {
	text := "</Say><Dial><Number>+19005550000</Number></Dial><Say>\x00"
	r, err := New().Render(nil, &platform.Response{Actions: []platform.Action{platform.Say{Text: text}}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Say  []string `xml:"Say"`
		Dial []string `xml:"Dial"`
	}
	if err := xml.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	if len(doc.Dial) != 0 || len(doc.Say) != 1 || !strings.HasPrefix(doc.Say[0], "</Say><Dial>") {
		t.Errorf("the text was not kept as text: %s", r.Body)
	}
}

func TestRenderErrors(t *testing.T) {
	big := strings.Repeat("é", lplatform.MaxTwiML/6) // 2 bytes each: the third takes the document over
	tests := []struct {
		name    string
		actions []platform.Action
		index   int
		want    string
	}{
		{"the document over 64 KB", []platform.Action{platform.Say{Text: big}, platform.Say{Text: big}, platform.Say{Text: big}}, 2, "over Twilio's limit of 65536"},
		{"a text over the limit", []platform.Action{platform.Say{Text: strings.Repeat("a", lplatform.MaxTwiML)}}, 0, "characters, over the limit"},
		{"after a Gather", []platform.Action{platform.Capture{MaxDigits: 1}, platform.Say{Text: "x"}}, 1, "after <Gather>"},
		{"after a Hangup", []platform.Action{platform.Hangup{}, platform.Say{Text: "x"}}, 1, "after <Hangup>"},
		{"agent", []platform.Action{platform.Agent{ID: 1}}, 0, "not supported by Twilio"},
		{"a number not E.164", []platform.Action{platform.MakeCall{Number: "12345"}}, 0, "Number"},
		{"a caller id not E.164", []platform.Action{platform.MakeCall{Number: "+6587654321", From: "abc"}}, 0, "callerId"},
		{"a negative repeat", []platform.Action{platform.Say{Text: "x", Repeat: -1}}, 0, "loop"},
		{"a speed too fast", []platform.Action{platform.Say{Text: "x", Speed: 3}}, 0, "speed 3"},
		{"a play URL that is not http", []platform.Action{platform.Play{URL: "file:///etc/passwd"}}, 0, "not an http"},
		{"two end keys", []platform.Action{platform.Capture{End: "##"}}, 0, "finishOnKey"},
		{"no pause", []platform.Action{platform.Pause{}}, 0, "not a length of silence"},
		{"a record's two end keys", []platform.Action{platform.Record{End: "12"}}, 0, "finishOnKey"},
		{"after a Record", []platform.Action{platform.Record{}, platform.Say{Text: "x"}}, 1, "after <Record>"},
		{"after a Dial with outcomes", []platform.Action{platform.MakeCall{Number: "+15005550001", Continues: true}, platform.Hangup{}}, 1, "after <Dial>"},
		{"a SIP target without sip:", []platform.Action{platform.MakeCall{Number: "desk@example.com", Target: lplatform.TargetSIP}}, 0, "not a sip: URI"},
		{"an audio prompt not http", []platform.Action{platform.Capture{Prompt: "menu.mp3", Audio: true}}, 0, "not an http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().Render(nil, &platform.Response{Actions: tt.actions})
			var le *LimitError
			if !errors.As(err, &le) || le.Index != tt.index || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want a LimitError at %d saying %q", err, tt.index, tt.want)
			}
			if i, ok := platform.FailedAction(err); !ok || i != tt.index {
				t.Errorf("FailedAction %d %v", i, ok)
			}
		})
	}
}

func TestFallbackAndAcks(t *testing.T) {
	a := New()
	for name, tt := range map[string]struct {
		ev   *platform.Event
		opts platform.FallbackOptions
	}{
		"fallback":         {&platform.Event{Kind: platform.Input}, platform.FallbackOptions{}},
		"fallback_apology": {&platform.Event{Kind: platform.Input}, platform.FallbackOptions{Apology: "Sorry, something went wrong. Goodbye.", Voice: "Polly.Joanna"}},
		"ack":              {&platform.Event{Kind: platform.CallEnded}, platform.FallbackOptions{Apology: "never said"}},
	} {
		t.Run(name, func(t *testing.T) {
			r := a.Fallback(tt.ev, tt.opts)
			golden.Check(t, filepath.Join("testdata", "golden", name+".xml"), r.Body, *update)
		})
	}
	r, err := a.Render(&platform.Event{Kind: platform.Status}, &platform.Response{})
	if err != nil || string(r.Body) != xml.Header+"<Response></Response>" {
		t.Errorf("a status callback's answer: %s %v", r.Body, err)
	}
}

// FuzzAnswerText checks lang/platform's count of a Twilio answer's bytes,
// which the checker adds up over the texts of one answer, against the
// document the adapter writes: a say of any text is the frame, the <Say>
// element and the text as Limits.Answer.Text counts it, to the byte.
func FuzzAnswerText(f *testing.F) {
	for _, s := range []string{"", "Hello.", "a&b<c>d\"e'f", "tab\tline\nreturn\r", "\x00\x01\x1f", "Xin chào", "😀", "\xff\xfe", "\uFFFE\uFFFF\U0010FFFF", "\xed\xa0\x80"} {
		f.Add(s)
	}
	answer := limits.Answer
	f.Fuzz(func(t *testing.T, text string) {
		r, err := New().Render(nil, &platform.Response{Actions: []platform.Action{platform.Say{Text: text}}})
		if err != nil {
			t.Skip(err) // over MaxText
		}
		if want := answer.Frame + answer.Element + answer.Text(text); len(r.Body) != want {
			t.Errorf("the answer is %d bytes; lang/platform counts %d\n%q", len(r.Body), want, r.Body)
		}
	})
}
