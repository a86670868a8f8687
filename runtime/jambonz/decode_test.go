package jambonz

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/platform"
)

const (
	webhooks = "testdata/webhooks"
	sid      = "b3b5c6e4-9b7e-4a0e-8f3e-2c6d1a7b9f10"
)

// inbound is a request to rawURL on https://calls.example.com.
func inbound(method, rawURL string, body []byte) *platform.Inbound {
	u, _ := url.Parse("https://calls.example.com" + rawURL)
	base, _ := url.Parse("https://calls.example.com")
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	return &platform.Inbound{Method: method, URL: u, Base: base, Header: h, Body: body}
}

func TestDecodeRealShaped(t *testing.T) {
	cases := []struct {
		file, url string
		kind      platform.Kind
		digits    *string
		resume    string
		delivery  string
	}{
		{"call_hook.json", "/hooks/jambonz/menu", platform.CallStarted, nil, "", sid},
		{"gather_digits.json", "/hooks/jambonz/menu?resume=tok.1&after=0a1b", platform.Input, ptr("1"), "tok.1", sid + "|tok.1|0a1b"},
		{"gather_timeout.json", "/hooks/jambonz?resume=tok.2", platform.Input, nil, "tok.2", sid + "|tok.2|"},
		{"dial_busy.json", "/hooks/jambonz?resume=tok.3&after=0c", platform.Input, nil, "tok.3", sid + "|tok.3|0c"},
		{"status_ringing.json", StatusPath, platform.Status, nil, "", sid + "|status|ringing|180"},
		{"status_completed.json", StatusPath, platform.CallEnded, nil, "", sid + "|status|completed|200"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			ev, err := New().DecodeRequest(inbound("POST", tc.url, golden.Sample(t, webhooks, tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind != tc.kind || ev.Session != sid || ev.Caller != "+6591234567" || ev.Callee != "+6512345678" ||
				ev.Resume != tc.resume || ev.Delivery != tc.delivery || !sameDigits(ev.Digits, tc.digits) {
				t.Errorf("got kind %d session %q caller %q callee %q resume %q delivery %q digits %v",
					ev.Kind, ev.Session, ev.Caller, ev.Callee, ev.Resume, ev.Delivery, show(ev.Digits))
			}
			if ev.RawJSON()["call_sid"] != sid || ev.Platform != Name || ev.Request == nil {
				t.Errorf("event %+v lacks the raw webhook or the request", ev)
			}
		})
	}
}

// A GET call hook carries the fields in the query; they are what flows see
// as event, the resume token aside.
func TestDecodeGet(t *testing.T) {
	ev, err := New().DecodeRequest(inbound("GET", "/hooks/jambonz?call_sid=CS1&from=%2B6591234567&to=%2B6512345678&direction=inbound&call_status=trying", nil))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != platform.CallStarted || ev.Session != "CS1" || ev.Caller != "+6591234567" || ev.RawJSON()["direction"] != "inbound" {
		t.Errorf("GET call hook: %+v", ev)
	}
	ev, err = New().DecodeRequest(inbound("GET", "/hooks/jambonz?call_sid=CS1&reason=dtmfDetected&digits=42&resume=tok", nil))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != platform.Input || show(ev.Digits) != "42" || ev.Resume != "tok" || ev.RawJSON()["resume"] != nil {
		t.Errorf("GET actionHook: %+v", ev)
	}
}

// Decode (the body alone, as callflow run has it) reads a call hook.
func TestDecodeBodyAlone(t *testing.T) {
	ev, err := New().Decode(golden.Sample(t, webhooks, "call_hook.json"), nil)
	if err != nil || ev.Kind != platform.CallStarted || ev.Session != sid {
		t.Fatalf("Decode: %+v %v", ev, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	long := strings.Repeat("x", platform.MaxID+1)
	cases := []struct {
		method, url, body, field string
	}{
		{"POST", "/hooks/jambonz", `{"from":"+65"}`, "call_sid"},
		{"POST", "/hooks/jambonz", `{"call_sid":7}`, "call_sid"},
		{"POST", "/hooks/jambonz", `{"call_sid":"` + long + `"}`, "call_sid"},
		{"POST", "/hooks/jambonz", `{"call_sid":"a","from":"` + strings.Repeat("1", platform.MaxNumber+1) + `"}`, "from"},
		{"POST", "/hooks/jambonz", `{"call_sid":"a","to":["+65"]}`, "to"},
		{"POST", "/hooks/jambonz?resume=t", `{"call_sid":"a"}`, "reason"},
		{"POST", "/hooks/jambonz?resume=t", `{"call_sid":"a","reason":"dtmfDetected","digits":1}`, "digits"},
		{"POST", "/hooks/jambonz?resume=" + long, `{"call_sid":"a","reason":"timeout"}`, "query.resume"},
		{"POST", "/hooks/jambonz", `[]`, ""},
		{"POST", "/hooks/jambonz", ``, ""},
		{"POST", "/hooks/jambonz", `{"call_sid":"a"`, ""},
		{"GET", "/hooks/jambonz?from=%2B65", ``, "call_sid"},
		{"GET", "/hooks/jambonz?call_sid=%zz", ``, "query"},
	}
	for _, tc := range cases {
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		_, err := New().DecodeRequest(inbound(tc.method, tc.url, body))
		var de *platform.DecodeError
		if !errors.As(err, &de) || de.Field != tc.field {
			t.Errorf("%s %s %s: %v, want a DecodeError naming %q", tc.method, tc.url, tc.body, err, tc.field)
		}
	}
}

// Webhook builds what Decode reads back: a call hook, then a gather's
// actionHook, sent to the URL the rendered gather gave (WebhookURL).
func TestWebhookRoundTrip(t *testing.T) {
	a := New()
	start, err := a.Webhook(platform.Call{Session: "S1", Caller: "+6591234567", Callee: "+6512345678", Data: map[string]any{"tier": "gold"}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.WebhookURL(platform.Call{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := a.DecodeRequest(&platform.Inbound{Method: "POST", URL: u, Body: start})
	if err != nil || ev.Kind != platform.CallStarted || ev.Session != "S1" || ev.Caller != "+6591234567" ||
		ev.RawJSON()["customerData"].(map[string]any)["tier"] != "gold" {
		t.Fatalf("call hook: %+v %v\n%s", ev, err, start)
	}
	answer, err := a.Render(ev, &platform.Response{Actions: []platform.Action{platform.Capture{MinDigits: 1, MaxDigits: 2}}, Resume: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		call platform.Call
		want *string
	}{
		{platform.Call{Session: "S1", Resume: "tok", Digits: ptr("12")}, ptr("12")},
		{platform.Call{Session: "S1", Resume: "tok", Digits: ptr("")}, nil},
		{platform.Call{Session: "S1", Resume: "tok", NoInput: true}, nil},
	} {
		body, err := a.Webhook(tc.call)
		if err != nil {
			t.Fatal(err)
		}
		u, err := a.WebhookURL(tc.call, answer.Body)
		if err != nil {
			t.Fatal(err)
		}
		in, err := a.DecodeRequest(&platform.Inbound{Method: "POST", URL: u, Body: body})
		if err != nil || in.Kind != platform.Input || in.Resume != "tok" || !sameDigits(in.Digits, tc.want) ||
			in.Delivery != "S1|tok|"+after(ev.Delivery) {
			t.Errorf("actionHook %s %s: %+v %v", u, body, in, err)
		}
	}
	if _, err := a.Webhook(platform.Call{NoInput: true}); err == nil {
		t.Error("an actionHook without a call_sid was built")
	}
	if _, err := a.WebhookURL(platform.Call{NoInput: true}, []byte(`[{"verb":"hangup"}]`)); err == nil {
		t.Error("an actionHook was sent after an answer without a gather")
	}
}

// Two tries of one gather carry one resume token but are two deliveries:
// each actionHook URL names the delivery its answer answered.
func TestTriesAreDistinctDeliveries(t *testing.T) {
	a := New()
	first := &platform.Event{Kind: platform.CallStarted, Session: "S1", Delivery: "S1"}
	r := &platform.Response{Actions: []platform.Action{platform.Capture{MinDigits: 1, MaxDigits: 1}}, Resume: "tok"}
	var deliveries []string
	ev := first
	for range 3 {
		answer, err := a.Render(ev, r)
		if err != nil {
			t.Fatal(err)
		}
		call := platform.Call{Session: "S1", Resume: "tok", NoInput: true}
		u, err := a.WebhookURL(call, answer.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := a.Webhook(call)
		if ev, err = a.DecodeRequest(&platform.Inbound{Method: "POST", URL: u, Body: body}); err != nil {
			t.Fatal(err)
		}
		deliveries = append(deliveries, ev.Delivery)
	}
	if deliveries[0] == deliveries[1] || deliveries[1] == deliveries[2] || deliveries[0] == deliveries[2] {
		t.Errorf("the tries share a delivery: %q", deliveries)
	}
}

// DecodeRequest never panics; what it cannot read is a DecodeError.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"call_hook.json", "gather_digits.json", "gather_timeout.json", "status_completed.json", "dial_busy.json"} {
		f.Add("POST", "/hooks/jambonz?resume=t", golden.Sample(f, webhooks, name))
	}
	f.Add("GET", "/hooks/jambonz?call_sid=a&reason=dtmfDetected&digits=1&resume=x", []byte(nil))
	f.Add("POST", StatusPath, []byte(`{"call_sid":"a","call_status":"completed","sip_status":1e400}`))
	f.Add("POST", "/hooks/jambonz", []byte(`{"call_sid":"a","digits":null,"from":{}}`))
	f.Fuzz(func(t *testing.T, method, target string, body []byte) {
		u, err := url.Parse(target)
		if err != nil {
			return
		}
		ev, err := New().DecodeRequest(&platform.Inbound{Method: method, URL: u, Header: http.Header{}, Body: body})
		if err != nil {
			var de *platform.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%v is not a DecodeError", err)
			}
			return
		}
		if ev.Session == "" || len(ev.Session) > platform.MaxID || len(ev.Resume) > platform.MaxID {
			t.Fatalf("accepted %+v", ev)
		}
	})
}

func ptr(s string) *string { return &s }

func sameDigits(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(d *string) string {
	if d == nil {
		return "<nil>"
	}
	return *d
}

// A dial's actionHook reports how the bridged call ended; every
// dial_call_status maps onto an outcome, and Webhook builds each.
func TestDialOutcomes(t *testing.T) {
	ev, err := New().DecodeRequest(inbound("POST", "/hooks/jambonz?resume=t", golden.Sample(t, webhooks, "dial_busy.json")))
	if err != nil || ev.DialOutcome != lplatform.DialBusy || ev.Digits != nil {
		t.Fatalf("dial_busy.json: %+v %v", ev, err)
	}
	for status, want := range map[string]lplatform.DialOutcome{"completed": lplatform.DialCompleted, "busy": lplatform.DialBusy,
		"no-answer": lplatform.DialNoAnswer, "failed": lplatform.DialFailed, "canceled": lplatform.DialFailed} {
		ev, err := New().DecodeRequest(inbound("POST", "/hooks/jambonz?resume=t", []byte(`{"call_sid":"a","dial_call_status":"`+status+`"}`)))
		if err != nil || ev.DialOutcome != want {
			t.Errorf("dial_call_status %s: %+v %v, want %s", status, ev, err, want)
		}
	}
	dialAnswer := []byte(`[{"verb":"dial","target":[{"type":"user","name":"alice"}],"actionHook":"/hooks/jambonz?after=1&resume=t"}]`)
	for _, o := range lplatform.DialOutcomes() {
		c := platform.Call{Session: "S1", Resume: "t", DialOutcome: o}
		body, err := New().Webhook(c)
		if err != nil {
			t.Fatal(err)
		}
		u, err := New().WebhookURL(c, dialAnswer)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := New().DecodeRequest(&platform.Inbound{Method: "POST", URL: u, Body: body})
		if err != nil || ev.Kind != platform.Input || ev.DialOutcome != o || ev.Resume != "t" {
			t.Errorf("%s: %s: %+v %v", o, body, ev, err)
		}
	}
}
