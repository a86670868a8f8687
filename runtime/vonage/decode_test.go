package vonage

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

const (
	legUUID  = "63f61863-4a51-4f6b-86e1-46edebcf9356"
	eventURL = "https://calls.example.com/hooks/vonage/menu?resume=TOK&seq=S1"
)

// post is a POST of body to rawURL, as the server hands it over.
func post(t *testing.T, rawURL string, body []byte) *platform.Inbound {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return &platform.Inbound{Method: http.MethodPost, URL: u, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}

func decode(t *testing.T, in *platform.Inbound) *platform.Event {
	t.Helper()
	ev, err := New().DecodeRequest(in)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestDecodeAnswerGET(t *testing.T) {
	u, _ := url.Parse("https://calls.example.com/hooks/vonage?to=447700900000&from=447700900001&uuid=" + legUUID +
		"&conversation_uuid=CON-f972836a&region_url=https%3A%2F%2Fapi-eu-1.vonage.com&SipHeader_X-UserId=1938ND9")
	ev := decode(t, &platform.Inbound{Method: http.MethodGet, URL: u, Header: http.Header{}})
	if ev.Kind != platform.CallStarted || ev.Session != legUUID || ev.Delivery != legUUID ||
		ev.Caller != "+447700900001" || ev.Callee != "+447700900000" {
		t.Errorf("GET answer = %+v", ev)
	}
	if ev.RawJSON()["SipHeader_X-UserId"] != "1938ND9" {
		t.Errorf("event lacks the SIP header parameter: %v", ev.RawJSON())
	}
}

func TestDecodeAnswerPOST(t *testing.T) {
	ev := decode(t, post(t, "https://calls.example.com/hooks/vonage/menu", sample(t, "answer_post.json")))
	if ev.Kind != platform.CallStarted || ev.Session != legUUID || ev.Caller != "+447700900001" || ev.Callee != "+447700900000" {
		t.Errorf("POST answer = %+v", ev)
	}
	if cd, _ := ev.RawJSON()["custom_data"].(map[string]any); cd["campaign"] != "spring" {
		t.Errorf("event.custom_data = %v", ev.RawJSON()["custom_data"])
	}
	// A call from the Client SDK has from_user instead of from.
	ev = decode(t, post(t, "https://calls.example.com/hooks/vonage/menu", sample(t, "answer_from_user.json")))
	if ev.Caller != "JaneDoe" {
		t.Errorf("caller = %q, want from_user JaneDoe", ev.Caller)
	}
}

// Both forms of an input result: dtmf {digits, timed_out} and the older
// top-level dtmf string with timed_out.
func TestDecodeInput(t *testing.T) {
	for name, want := range map[string]string{
		"input_dtmf.json":            "1234",
		"input_timed_out.json":       "",
		"input_older.json":           "42#",
		"input_older_timed_out.json": "",
	} {
		ev := decode(t, post(t, eventURL, sample(t, name)))
		if ev.Kind != platform.Input || ev.Session != legUUID || ev.Resume != "TOK" || ev.Digits == nil || *ev.Digits != want {
			t.Errorf("%s = %+v (digits %v), want input %q with resume TOK", name, ev, ev.Digits, want)
		}
		if ev.Delivery != legUUID+"|TOK|S1" {
			t.Errorf("%s: delivery %q", name, ev.Delivery)
		}
	}
	ev := decode(t, post(t, eventURL, sample(t, "input_dtmf.json")))
	if ev.Caller != "+447700900001" || ev.Callee != "+447700900000" {
		t.Errorf("input parties = %q → %q", ev.Caller, ev.Callee)
	}
}

// An input result without a token decodes (the engine answers the safe
// fallback); over HTTP a "resume" in the body is not a token.
func TestDecodeInputWithoutToken(t *testing.T) {
	ev := decode(t, post(t, "https://calls.example.com/hooks/vonage/menu", sample(t, "input_dtmf.json")))
	if ev.Kind != platform.Input || ev.Resume != "" {
		t.Errorf("input without a token = %+v", ev)
	}
	body := strings.Replace(string(sample(t, "input_dtmf.json")), `"uuid"`, `"resume":"FORGED","uuid"`, 1)
	if ev := decode(t, post(t, "https://calls.example.com/hooks/vonage/menu", []byte(body))); ev.Resume != "" {
		t.Errorf("a body's resume was taken as the token over HTTP: %q", ev.Resume)
	}
	// Without a request (run, test) the body's is the token.
	ev, err := New().Decode([]byte(body), nil)
	if err != nil || ev.Resume != "FORGED" || ev.Delivery != "" {
		t.Errorf("Decode = %+v, %v; want the body's resume and no delivery id", ev, err)
	}
}

func TestDecodeCallEvents(t *testing.T) {
	for name, want := range map[string]platform.Kind{
		"event_answered.json":  platform.Status,
		"event_completed.json": platform.CallEnded,
		"event_record.json":    platform.Status,
	} {
		ev := decode(t, post(t, "https://calls.example.com/hooks/vonage/menu", sample(t, name)))
		if ev.Kind != want {
			t.Errorf("%s: kind %d, want %d", name, ev.Kind, want)
		}
		if want == platform.CallEnded && ev.Session != legUUID {
			t.Errorf("%s: session %q", name, ev.Session)
		}
	}
}

// What cannot be understood is a DecodeError naming the parameter.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		body, field string
	}{
		{`{"to":"447700900000","from":"447700900001"}`, "uuid"},
		{`{"to":447700900000,"uuid":"u1"}`, "to"},
		{`{"to":"447700900000","from":true,"uuid":"u1"}`, "from"},
		{`{"to":"447700900000","uuid":"` + strings.Repeat("u", 300) + `"}`, "uuid"},
		{`{"to":"` + strings.Repeat("4", 300) + `","uuid":"u1"}`, "to"},
		{`{"dtmf":{"digits":12},"uuid":"u1"}`, "dtmf.digits"},
		{`{"dtmf":{"digits":"12a"},"uuid":"u1"}`, "dtmf.digits"},
		{`{"dtmf":"` + strings.Repeat("1", 22) + `","uuid":"u1"}`, "dtmf"},
		{`{"dtmf":[1],"uuid":"u1"}`, "dtmf"},
		{`{"dtmf":{"digits":"1"}}`, "uuid"},
		{`{"status":"completed"}`, "uuid"},
		{`{"status":7,"uuid":"u1"}`, "status"},
		{`{"hello":"world"}`, "uuid"},
		{`[]`, ""},
		{`not json`, ""},
		{``, ""},
	}
	for _, tt := range tests {
		_, err := New().DecodeRequest(post(t, "https://calls.example.com/hooks/vonage", []byte(tt.body)))
		var de *platform.DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%.60s: %v, want a DecodeError naming %q", tt.body, err, tt.field)
		}
	}
	u, _ := url.Parse("https://calls.example.com/hooks/vonage?uuid=%zz")
	if _, err := New().DecodeRequest(&platform.Inbound{Method: http.MethodGet, URL: u}); err == nil || !strings.Contains(err.Error(), "query") {
		t.Errorf("a malformed query: %v", err)
	}
}

// A webhook Webhook builds decodes back to the call it describes.
func TestWebhookRoundTrip(t *testing.T) {
	a := New()
	b, err := a.Webhook(platform.Call{Session: "s1", Caller: "+447700900001", Callee: "+447700900000", Data: map[string]any{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := a.Decode(b, nil)
	if err != nil || ev.Kind != platform.CallStarted || ev.Session != "s1" || ev.Caller != "+447700900001" || ev.Callee != "+447700900000" {
		t.Fatalf("new call %s → %+v, %v", b, ev, err)
	}
	if !recognize(b) {
		t.Errorf("recognize(%s) = false", b)
	}
	for _, digits := range []string{"7", ""} {
		b, err = a.Webhook(platform.Call{Session: "s1", Caller: "+447700900001", Callee: "+447700900000", Resume: "TOK", Digits: &digits})
		if err != nil {
			t.Fatal(err)
		}
		ev, err = a.Decode(b, nil)
		if err != nil || ev.Kind != platform.Input || ev.Resume != "TOK" || *ev.Digits != digits {
			t.Errorf("input %q: %s → %+v, %v", digits, b, ev, err)
		}
	}
	if _, err := a.Webhook(platform.Call{NoInput: true}); err == nil {
		t.Error("an input result without a uuid was built")
	}
}

func TestRecognize(t *testing.T) {
	for _, name := range []string{"answer_post.json", "input_dtmf.json", "event_completed.json"} {
		if !recognize(sample(t, name)) {
			t.Errorf("%s is not recognized", name)
		}
	}
	if recognize([]byte(`{"eventType":"CALL_ACTION","payload":{}}`)) || recognize([]byte(`{"id":"1","from":"a","to":"b"}`)) {
		t.Error("another platform's webhook is recognized as Vonage's")
	}
}
