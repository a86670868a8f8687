package twilio

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

// FuzzDecode checks that any query and form body either decode into an
// event with a call, or give a *platform.DecodeError; and that what
// decodes renders as TwiML without panicking.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"call.form", "gather.form", "gather_empty.form", "dial.form", "record.form", "status_completed.form", "status_ringing.form"} {
		f.Add("", form(f, name))
		f.Add("resume=tok", form(f, name))
	}
	for _, s := range []string{"", "=", "&&", "CallSid", "CallSid=&To=", "CallSid=CA1&CallSid=CA1&To=%2B1", "CallSid=CA1&To=%2B1&Digits=%00",
		"CallSid=CA1&To=%zz", "CallSid=CA1;To=1", "CallSid=%E2%28%A1&To=%2B1&resume=%FF"} {
		f.Add(s, []byte(s))
	}
	a := New()
	f.Fuzz(func(t *testing.T, query string, body []byte) {
		in := post("https://calls.example.com/hooks/twilio", body)
		in.URL.RawQuery = query
		ev, err := a.DecodeRequest(in)
		if err != nil {
			var de *platform.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a DecodeError", err, err)
			}
			return
		}
		if ev.Session == "" || ev.Kind == 0 {
			t.Fatalf("an event without a call: %+v", ev)
		}
		if (ev.Kind == platform.Input) != (ev.Resume != "") {
			t.Fatalf("input without its token, or the reverse: %+v", ev)
		}
		q, _ := url.ParseQuery(query)
		r, err := a.Render(ev, &platform.Response{Actions: []platform.Action{platform.Say{Text: ev.Caller}, platform.Capture{MaxDigits: 1}}, Resume: q.Get("resume")})
		if err == nil && r.Status != http.StatusOK {
			t.Fatalf("status %d", r.Status)
		}
	})
}
