package twilio

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

const sid = "CA9fa67e8696b60ee1ca1e75ec81ef85e7"

func form(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post is a form POST to u as the server hands it to the adapter.
func post(u string, body []byte) *platform.Inbound {
	pu, _ := url.Parse(u)
	h := http.Header{}
	h.Set("Content-Type", platform.FormType+"; charset=utf-8")
	return &platform.Inbound{Method: http.MethodPost, URL: pu, Base: &url.URL{Scheme: pu.Scheme, Host: pu.Host}, Header: h, Body: body}
}

func TestDecodeRequest(t *testing.T) {
	const hook = "https://calls.example.com/hooks/twilio"
	digits := "1234"
	tests := []struct {
		name, url, form string
		kind            platform.Kind
		delivery        string
		digits          *string
		resume          string
		outcome         lplatform.DialOutcome
		recording       string
	}{
		{"a new call", hook, "call.form", platform.CallStarted, sid, nil, "", "", ""},
		{"a Gather's action", hook + "?resume=tok1", "gather.form", platform.Input, sid + "|tok1", &digits, "tok1", "", ""},
		{"a Gather's action, nothing entered", hook + "?resume=tok1.n2", "gather_empty.form", platform.Input, sid + "|tok1.n2", nil, "tok1", "", ""},
		{"a Dial's action", hook + "?resume=tok2", "dial.form", platform.Input, sid + "|tok2", nil, "tok2", lplatform.DialBusy, ""},
		{"a Record's action", hook + "?resume=tok3", "record.form", platform.Input, sid + "|tok3", nil, "tok3", "",
			"https://api.twilio.com/2010-04-01/Accounts/AC25e16e9a716a4a1786a7c83f58e30482/Recordings/RE557ce644e5ab84fa21cc21112e22c485"},
		{"the call completed", hook, "status_completed.form", platform.CallEnded, "", nil, "", "", ""},
		{"a progress callback", hook, "status_ringing.form", platform.Status, "", nil, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New().DecodeRequest(post(tt.url, form(t, tt.form)))
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind != tt.kind || ev.Delivery != tt.delivery || ev.Resume != tt.resume || ev.Session != sid ||
				ev.Caller != "+14158675309" || ev.Callee != "+15005550006" || ev.Platform != Name {
				t.Errorf("event %+v", ev)
			}
			if (ev.Digits == nil) != (tt.digits == nil) || ev.Digits != nil && *ev.Digits != *tt.digits {
				t.Errorf("Digits %v, want %v", ev.Digits, tt.digits)
			}
			if ev.DialOutcome != tt.outcome || ev.RecordingURL != tt.recording {
				t.Errorf("outcome %q recording %q, want %q %q", ev.DialOutcome, ev.RecordingURL, tt.outcome, tt.recording)
			}
			if ev.Raw["AccountSid"] != "AC25e16e9a716a4a1786a7c83f58e30482" {
				t.Errorf("event.AccountSid is %v", ev.Raw["AccountSid"])
			}
		})
	}
}

// A GET carries the parameters in the query; Decode reads a body alone.
func TestDecodeGetAndBody(t *testing.T) {
	u, _ := url.Parse("https://calls.example.com/hooks/twilio?" + string(form(t, "call.form")))
	ev, err := New().DecodeRequest(&platform.Inbound{Method: http.MethodGet, URL: u, Header: http.Header{}})
	if err != nil || ev.Kind != platform.CallStarted || ev.Session != sid || ev.Callee != "+15005550006" {
		t.Fatalf("GET: %+v %v", ev, err)
	}
	ev, err = New().Decode(form(t, "gather.form"), nil)
	if err != nil || ev.Kind != platform.CallStarted || ev.Caller != "+14158675309" {
		t.Fatalf("Decode: %+v %v", ev, err)
	}
	// A form saved to a file ends in a line break, not part of To.
	ev, err = New().Decode([]byte("CallSid=CA1&To=%2B1\r\n"), nil)
	if err != nil || ev.Callee != "+1" {
		t.Fatalf("a form ending in a line break: %+v %v", ev, err)
	}
	ev, err = New().Decode([]byte("CallSid=CA1&To=%2B1&Digits=12&resume=tok"), nil)
	if err != nil || ev.Kind != platform.Input || ev.Resume != "tok" || *ev.Digits != "12" {
		t.Fatalf("Decode of a built capture answer: %+v %v", ev, err)
	}
}

// Bad input is a DecodeError naming the parameter.
func TestDecodeErrors(t *testing.T) {
	long := strings.Repeat("x", platform.MaxID+1)
	tests := []struct{ name, body, field string }{
		{"no CallSid", "From=%2B1&To=%2B2", "CallSid"},
		{"no To on a new call", "CallSid=CA1&From=%2B1", "To"},
		{"CallSid twice, two values", "CallSid=CA1&CallSid=CA2&To=%2B2", "CallSid"},
		{"Digits twice, two values", "CallSid=CA1&To=%2B2&resume=t&Digits=1&Digits=2", "Digits"},
		{"Digits no keypad has", "CallSid=CA1&To=%2B2&resume=t&Digits=12a", "Digits"},
		{"a CallSid too long", "CallSid=" + long + "&To=%2B2", "CallSid"},
		{"a token too long", "CallSid=CA1&To=%2B2&resume=" + long, "resume"},
		{"a nonce without its token", "CallSid=CA1&To=%2B2&resume=.n1", "resume"},
		{"a dot alone", "CallSid=CA1&resume=.", "resume"},
		{"a called number too long", "CallSid=CA1&To=" + long, "To"},
		{"a malformed form", "CallSid=CA1&To=%zz", "body"},
		{"a DialCallStatus Twilio has not", "CallSid=CA1&To=%2B2&resume=t&DialCallStatus=lost", "DialCallStatus"},
		{"a RecordingUrl too long", "CallSid=CA1&To=%2B2&resume=t&RecordingUrl=" + strings.Repeat("u", 3000), "RecordingUrl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().DecodeRequest(post("https://x.example/hooks/twilio", []byte(tt.body)))
			var de *platform.DecodeError
			if !errors.As(err, &de) || de.Field != tt.field {
				t.Errorf("err %v, want a DecodeError naming %s", err, tt.field)
			}
		})
	}
	// A repeat of one value is what some proxies do: taken.
	if _, err := New().DecodeRequest(post("https://x.example/h?CallSid=CA1", []byte("CallSid=CA1&To=%2B2"))); err != nil {
		t.Errorf("CallSid in the query and the body, one value: %v", err)
	}
}

func TestRecognize(t *testing.T) {
	if !recognize(form(t, "call.form")) {
		t.Error("a Twilio call is not recognized")
	}
	for _, b := range []string{`{"eventType":"CALL_ACTION","payload":{}}`, `{"CallSid":"CA1","AccountSid":"AC1"}`, "From=%2B1", ""} {
		if recognize([]byte(b)) {
			t.Errorf("%s is recognized as Twilio", b)
		}
	}
}
