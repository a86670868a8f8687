package twilio_test

import (
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/internal/logbuf"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/flowtest"
	"github.com/callflow/callflow/runtime/server"
	"github.com/callflow/callflow/runtime/twilio"
)

const (
	authToken = "0123456789abcdef0123456789abcdef"
	public    = "https://calls.example.com/cf"
)

func program(t *testing.T) *ir.Program {
	t.Helper()
	prog, ds := lang.CompileDir(os.DirFS("testdata/flows"))
	if ds.HasErrors() || prog == nil {
		t.Fatalf("the example flow does not compile: %v", ds)
	}
	return prog
}

// The example flow's test blocks pass, as `callflow test` runs them, and
// enter every handler.
func TestExampleFlowTests(t *testing.T) {
	rep := flowtest.Run(context.Background(), program(t), flowtest.WithFS(os.DirFS("testdata/flows")))
	if len(rep.Tests) == 0 {
		t.Fatal("no tests ran")
	}
	for _, r := range rep.Tests {
		if r.Failure != nil {
			t.Errorf("FAIL %s: %q: %s", r.Failure.At, r.Name, r.Failure.Msg)
		}
	}
	for _, c := range rep.Coverage {
		if c.Handlers.Hit != c.Handlers.Total {
			t.Errorf("flow %s: the tests enter %s handlers", c.Flow, c.Handlers)
		}
	}
}

// twilioServer serves the example flow behind the public URL, with an auth
// token, at 10:00 on a Monday in New York (the line is open).
func twilioServer(t *testing.T) *httptest.Server {
	t.Helper()
	return twilioServerLogging(t, nil)
}

// twilioServerLogging is twilioServer logging to w (nowhere when nil).
func twilioServerLogging(t *testing.T, w io.Writer) *httptest.Server {
	t.Helper()
	if w == nil {
		w = io.Discard
	}
	at := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	eng, err := runtime.New(runtime.WithFlows(program(t)), runtime.WithClock(func() time.Time { return at }),
		runtime.WithApology("Sorry, something went wrong.", "Polly.Joanna"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(public)
	srv, err := server.New(eng, server.WithPublicURL(u), server.WithLogger(slog.New(slog.NewTextHandler(w, nil))),
		server.WithAuth(server.Auth{Secrets: map[string]server.Secret{twilio.SecretName: server.NewSecret(authToken)}}))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// call posts params, signed as Twilio signs a request to the public URL
// signedAt, to the same path and query on ts.
func call(t *testing.T, ts *httptest.Server, signedAt string, params url.Values) (int, string, string) {
	t.Helper()
	local := ts.URL + strings.TrimPrefix(signedAt, public)
	req, _ := http.NewRequest(http.MethodPost, local, strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(authToken, signedAt, params))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func callParams(extra ...string) url.Values {
	v := url.Values{"AccountSid": {"AC25e16e9a716a4a1786a7c83f58e30482"}, "ApiVersion": {"2010-04-01"},
		"CallSid": {"CA9fa67e8696b60ee1ca1e75ec81ef85e7"}, "CallStatus": {"ringing"}, "Direction": {"inbound"},
		"From": {"+14158675309"}, "To": {"+15005550006"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// syncBuffer is a log destination the server writes from its goroutines.
type syncBuffer struct{ logbuf.Buffer }

type twiml struct {
	Say    []string `xml:"Say"`
	Gather struct {
		Action string `xml:"action,attr"`
		Say    string `xml:"Say"`
	}
	Hangup *struct{} `xml:"Hangup"`
}

func parse(t *testing.T, body string) twiml {
	t.Helper()
	var doc twiml
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("not TwiML: %v: %s", err, body)
	}
	return doc
}

// A call through the server: signed form webhooks, TwiML answers, the
// capture resumed through its action URL on the public URL, a repeated
// request answered alike, the end of the handler a <Hangup/>.
func TestServerCall(t *testing.T) {
	ts := twilioServer(t)
	status, ct, body := call(t, ts, public+"/hooks/twilio", callParams())
	if status != http.StatusOK || ct != "text/xml" {
		t.Fatalf("the call: %d %s %s", status, ct, body)
	}
	doc := parse(t, body)
	if len(doc.Say) != 1 || doc.Say[0] != "Welcome to ACME & Sons." || !strings.HasPrefix(doc.Gather.Action, public+"/hooks/twilio?resume=") {
		t.Fatalf("the menu: %s", body)
	}

	menu := callParams("CallStatus", "in-progress", "Digits", "9", "FinishedOnKey", "")
	status, _, body = call(t, ts, doc.Gather.Action, menu)
	order := parse(t, body)
	if status != http.StatusOK || order.Gather.Say != "Enter your order number, then press hash." || order.Gather.Action == doc.Gather.Action {
		t.Fatalf("after 9: %d %s", status, body)
	}
	// Twilio repeats a request whose connection failed: the same answer.
	if _, _, again := call(t, ts, doc.Gather.Action, menu); again != body {
		t.Errorf("a repeat got another answer:\n%s\nwant\n%s", again, body)
	}

	status, _, body = call(t, ts, order.Gather.Action, callParams("CallStatus", "in-progress", "Digits", "12345", "FinishedOnKey", "#"))
	end := parse(t, body)
	if status != http.StatusOK || len(end.Say) != 1 || !strings.Contains(body, `<prosody rate="90%">Order 12345 is on its way.</prosody>`) || end.Hangup == nil {
		t.Fatalf("after the order number: %d %s", status, body)
	}

	status, _, body = call(t, ts, public+"/hooks/twilio/status", callParams("CallStatus", "completed", "CallbackSource", "call-progress-events"))
	if status != http.StatusOK || body != xml.Header+"<Response></Response>" {
		t.Errorf("the status callback: %d %s", status, body)
	}
}

// What is refused: a signature over another URL (401 naming the URL
// checked), a tampered parameter, and an action URL with a forged token
// (the safe fallback: the apology and <Hangup/>).
func TestServerRefusals(t *testing.T) {
	var logs syncBuffer
	ts := twilioServerLogging(t, &logs)
	params := callParams()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/hooks/twilio", strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(authToken, "https://other.example.com/hooks/twilio", params))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), public+"/hooks/twilio") || strings.Contains(string(b), authToken) {
		t.Errorf("signed over another URL: %d %s", resp.StatusCode, b)
	}
	if l := logs.String(); !strings.Contains(l, "does not match a request to "+public+"/hooks/twilio") || strings.Contains(l, authToken) {
		t.Errorf("the log does not say which URL was checked, or shows the token:\n%s", l)
	}

	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/hooks/twilio", strings.NewReader(strings.Replace(params.Encode(), "ringing", "in-progress", 1)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(authToken, public+"/hooks/twilio", params))
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a tampered parameter: %d, want 401", resp.StatusCode)
	}

	call(t, ts, public+"/hooks/twilio", callParams())
	status, _, body := call(t, ts, public+"/hooks/twilio?resume=forged.x", callParams("Digits", "1"))
	doc := parse(t, body)
	if status != http.StatusOK || len(doc.Say) != 1 || doc.Say[0] != "Sorry, something went wrong." || doc.Hangup == nil {
		t.Errorf("a forged token: %d %s, want the safe fallback", status, body)
	}
}

// A GET webhook carries its parameters in the query, signed over the URL.
func TestServerGet(t *testing.T) {
	ts := twilioServer(t)
	signed := public + "/hooks/twilio/support?" + callParams().Encode()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+strings.TrimPrefix(signed, public), nil)
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(authToken, signed, nil))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc := parse(t, string(b))
	// The action URL keeps the path (the flow) but not the GET's query.
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(doc.Gather.Action, public+"/hooks/twilio/support?resume=") || strings.Contains(doc.Gather.Action, "CallSid") {
		t.Errorf("GET: %d %s", resp.StatusCode, b)
	}
}

// Voicemail through the server: the <Dial>'s action reports the desk
// busy, the <Record>'s action brings the recording, and a <Record> that
// caught nothing reaches the same URL through its <Redirect>.
func TestServerVoicemail(t *testing.T) {
	ts := twilioServer(t)
	start := func(sid string) string {
		t.Helper()
		_, _, body := call(t, ts, public+"/hooks/twilio", callParams("CallSid", sid, "To", "+15005550007"))
		var doc struct {
			Dial struct {
				Action string `xml:"action,attr"`
				Sip    string
			}
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil || doc.Dial.Sip != "sip:desk@pbx.example.com" || doc.Dial.Action == "" {
			t.Fatalf("the transfer: %v %s", err, body)
		}
		return doc.Dial.Action
	}
	record := func(body string) string {
		t.Helper()
		var doc struct {
			Record struct {
				Action string `xml:"action,attr"`
			}
			Redirect string
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil || doc.Record.Action == "" || doc.Redirect != doc.Record.Action {
			t.Fatalf("the recording: %v %s", err, body)
		}
		return doc.Record.Action
	}

	const sid = "CA00000000000000000000000000000001"
	_, _, body := call(t, ts, start(sid), callParams("CallSid", sid, "To", "+15005550007", "CallStatus", "in-progress", "DialCallStatus", "busy"))
	if !strings.Contains(body, "<Say voice=\"Polly.Amy\">The desk is busy.</Say><Record") {
		t.Fatalf("after busy: %s", body)
	}
	_, _, body = call(t, ts, record(body), callParams("CallSid", sid, "To", "+15005550007", "CallStatus", "in-progress",
		"RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", "Digits", "#"))
	if !strings.Contains(body, "Thank you, your message is saved.") {
		t.Errorf("after the recording: %s", body)
	}

	const sid2 = "CA00000000000000000000000000000002"
	_, _, body = call(t, ts, start(sid2), callParams("CallSid", sid2, "To", "+15005550007", "CallStatus", "in-progress", "DialCallStatus", "no-answer"))
	_, _, body = call(t, ts, record(body), callParams("CallSid", sid2, "To", "+15005550007", "CallStatus", "in-progress"))
	if !strings.Contains(body, "We did not get a message. Goodbye.") {
		t.Errorf("after the redirect of an empty recording: %s", body)
	}
}
