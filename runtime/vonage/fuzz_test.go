package vonage

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

// DecodeRequest never panics, and what it cannot read is a DecodeError;
// what it reads renders without panicking.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"answer_post.json", "input_dtmf.json", "input_older.json", "event_completed.json", "event_record.json"} {
		f.Add(http.MethodPost, "resume=TOK&seq=S", sample(f, name))
	}
	f.Add(http.MethodGet, "to=447700900000&from=447700900001&uuid=u&conversation_uuid=c", []byte(nil))
	f.Add(http.MethodGet, "status=completed&uuid=u", []byte(nil))
	f.Add(http.MethodPost, "", []byte(`{"dtmf":null,"uuid":"u"}`))
	f.Fuzz(func(t *testing.T, method, query string, body []byte) {
		in := &platform.Inbound{Method: method, URL: &url.URL{Path: "/hooks/vonage", RawQuery: query}, Header: http.Header{}, Body: body}
		ev, err := New().DecodeRequest(in)
		if err != nil {
			var de *platform.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("DecodeRequest() = %v, not a DecodeError", err)
			}
			return
		}
		if ev.Kind != platform.Status && ev.Session == "" {
			t.Fatalf("a webhook of kind %d about no call", ev.Kind)
		}
		New().Render(ev, &platform.Response{Actions: []platform.Action{platform.Capture{Prompt: "p", MaxDigits: 1}}, Resume: ev.Resume})
		New().Fallback(ev, platform.FallbackOptions{Apology: "Sorry."})
	})
}
