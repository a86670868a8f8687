package eightbyeight_test

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
)

// Press judges a try as 8x8 does with the sayAndCapture Render wrote: too
// few keys, no "#" when completeOnHash and silence are failed tries, posted
// only when they were the last (dtmf null); keys no caller could send are
// errors.
func TestPressJudgesTriesAs8x8(t *testing.T) {
	ad := eightbyeight.New()
	render := func(c platform.Capture) []byte {
		t.Helper()
		c.Prompt, c.Voice = "Enter it.", "en-US-ZiraRUS"
		r, err := ad.Render(&platform.Event{Kind: platform.CallStarted, Callee: "+6512345678"},
			&platform.Response{Actions: []platform.Action{platform.Say{Text: "Hi.", Voice: "en-US-ZiraRUS"}, c}, Resume: "tok"})
		if err != nil {
			t.Fatal(err)
		}
		return r.Body
	}
	four := render(platform.Capture{MinDigits: 4, MaxDigits: 4, Tries: 3, Failure: "Four digits, please."})
	hash := render(platform.Capture{MinDigits: 4, MaxDigits: 10, End: "#", Tries: 2})
	cases := []struct {
		name   string
		reply  []byte
		failed int
		keys   string
		post   bool
		digits string // when posted; "nil" for dtmf null
		why    string // part of Failed
		err    string // part of the error
		says   string // said before prompting again, when not posted
	}{
		{"four digits", four, 0, "1234", true, "1234", "", "", ""},
		{"too few digits, tries left", four, 0, "12", false, "", "fewer than minDigits 4", "", "Four digits, please."},
		{"too few digits on the last try", four, 2, "12", true, "nil", "fewer than minDigits 4", "", ""},
		{"silence uses one try", four, 1, "", false, "", "no input", "", "Four digits, please."},
		{"silence on the last try", four, 2, "", true, "nil", "no input", "", ""},
		{"more keys than maxDigits", four, 0, "12345", false, "", "", "press at most 4", ""},
		{"a key a keypad has not", four, 0, "12a4", false, "", "", `'a' is not a key`, ""},
		{"a letter of another script", four, 0, "1开", false, "", "", `'开' is not a key`, ""},
		{"entry ended by hash", hash, 0, "12345#", true, "12345#", "", "", ""},
		{"no hash", hash, 0, "12345", false, "", "no # to end the entry", "", ""},
		{"too few before hash", hash, 1, "12#", true, "nil", "fewer than minDigits 4", "", ""},
		{"keys after hash", hash, 0, "1234#5", false, "", "", `the keys after it, "5", are not collected`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := ad.Press(c.reply, c.failed, c.keys)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one saying %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.Post != c.post || !strings.Contains(e.Failed, c.why) || (c.why == "") != (e.Failed == "") {
				t.Fatalf("got %+v, want post %v, failed %q", e, c.post, c.why)
			}
			got := "nil"
			if e.Digits != nil {
				got = *e.Digits
			}
			if c.post && got != c.digits {
				t.Errorf("dtmf %s, want %s", got, c.digits)
			}
			if e.Says != c.says {
				t.Errorf("says %q before prompting again, want %q", e.Says, c.says)
			}
		})
	}
	if _, err := ad.Press([]byte(`{"callflow":[{"action":"hangup"}]}`), 0, "1"); err == nil || !strings.Contains(err.Error(), "does not end with sayAndCapture") {
		t.Errorf("a reply without a capture: %v", err)
	}
}

// Press never panics on any answer or keys, and its entry is consistent:
// a try it does not post failed, one it posts with digits did not.
func FuzzPress(f *testing.F) {
	f.Add([]byte(`{"callflow":[{"action":"sayAndCapture","params":{"minDigits":4,"maxDigits":4,"completeOnHash":false,"noOfTries":3}}]}`), 0, "12")
	f.Add([]byte(`{"callflow":[{"action":"sayAndCapture","params":{"minDigits":1,"maxDigits":10,"completeOnHash":true,"noOfTries":2}}]}`), 1, "12#")
	f.Add([]byte(`{"callflow":[{"action":"sayAndCapture","params":{"maxDigits":-1,"noOfTries":0}}]}`), -1, "")
	f.Add([]byte(`{"callflow":[{"action":"sayAndCapture"}]}`), 0, "1#2")
	f.Add([]byte(`{"callflow":[]}`), 0, "1")
	ad := eightbyeight.New()
	f.Fuzz(func(t *testing.T, reply []byte, failed int, keys string) {
		e, err := ad.Press(reply, failed, keys)
		if err != nil {
			return
		}
		if !e.Post && e.Failed == "" {
			t.Fatalf("a try not posted must have failed: %+v", e)
		}
		if e.Post && (e.Digits != nil) == (e.Failed != "") {
			t.Fatalf("a posted try has digits exactly when it did not fail: %+v", e)
		}
	})
}
