package jambonz_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/jambonz"
	"github.com/callflow/callflow/runtime/server"
)

const (
	webhookSecret = "wh_secret_server_test_0123"
	public        = "https://calls.example.com/cf"
)

// deskServer serves desk.flow behind --public-url public, with the
// account's webhook secret configured; logs go to logs.
func deskServer(t *testing.T, logs io.Writer) *httptest.Server {
	t.Helper()
	prog, diags := lang.CompileDir(os.DirFS("testdata/flows"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithApology("Sorry, something went wrong.", "en-US-ZiraRUS"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(public)
	srv, err := server.New(eng, server.WithPublicURL(u), server.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))),
		server.WithAuth(server.Auth{Secrets: map[string]server.Secret{jambonz.SecretName: server.NewSecret(webhookSecret)}}))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// send makes a request as jambonz does, signed with sig (a func of the
// body) unless sig is nil, and returns the status, the Content-Type and
// the body.
func send(t *testing.T, method, target string, body []byte, sig func([]byte) string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	if sig != nil {
		req.Header.Set(jambonz.SignatureHeader, sig(body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func signNow(b []byte) string { return jambonz.Sign(webhookSecret, b, time.Now()) }

// lastActionHook is the actionHook of the gather ending answer, as the
// local URL of the test server.
func lastActionHook(t *testing.T, ts *httptest.Server, answer []byte) string {
	t.Helper()
	var verbs []struct {
		Verb       string `json:"verb"`
		ActionHook string `json:"actionHook"`
	}
	if err := json.Unmarshal(answer, &verbs); err != nil || len(verbs) == 0 || verbs[len(verbs)-1].Verb != "gather" {
		t.Fatalf("the answer does not end with a gather: %s", answer)
	}
	hook := verbs[len(verbs)-1].ActionHook
	if !strings.HasPrefix(hook, public+"/hooks/jambonz?") || !strings.Contains(hook, "resume=") {
		t.Fatalf("actionHook %q is not on the public URL with a resume token", hook)
	}
	return ts.URL + strings.TrimPrefix(hook, public)
}

// keepAnswer keeps a server's answer with the golden answers, which the
// verb schema validates.
func keepAnswer(t *testing.T, name string, b []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s is not JSON: %s", name, b)
	}
	norm, _ := json.Marshal(v)
	// The resume token and the tries' digests differ on every run (the
	// server's secret is random): keep the answer with them blanked.
	norm = regexpActionHook.ReplaceAll(norm, []byte(`"actionHook":"`+public+`/hooks/jambonz?(token)"`))
	golden.Check(t, filepath.Join("testdata/answers", name+".json"), append(norm, '\n'), updating())
}

// A whole call over HTTP: signed call hook, two gather actionHooks on
// the public URL, the status hook; every answer application/json.
func TestServerWholeCall(t *testing.T) {
	ts := deskServer(t, io.Discard)
	hook := golden.Sample(t, "testdata/webhooks", "call_hook.json")
	status, ctype, answer := send(t, "POST", ts.URL+"/hooks/jambonz", hook, signNow)
	if status != 200 || ctype != "application/json" {
		t.Fatalf("call hook: %d %s %s", status, ctype, answer)
	}
	keepAnswer(t, "server_call_hook", answer)

	digits := func(d string) []byte {
		return []byte(`{"call_sid":"b3b5c6e4-9b7e-4a0e-8f3e-2c6d1a7b9f10","direction":"inbound","from":"+6591234567","to":"+6512345678","call_status":"in-progress","sip_status":200,"reason":"dtmfDetected","digits":"` + d + `"}`)
	}
	status, _, answer = send(t, "POST", lastActionHook(t, ts, answer), digits("3"), signNow)
	if status != 200 || !strings.Contains(string(answer), "Enter your account number") {
		t.Fatalf("pressing 3: %d %s", status, answer)
	}
	keepAnswer(t, "server_gather_account", answer)
	next := lastActionHook(t, ts, answer)
	status, _, answer = send(t, "POST", next, digits("1234"), signNow)
	if status != 200 || !strings.Contains(string(answer), `"Account 1234 has no balance due."`) || !strings.HasSuffix(string(answer), `{"verb":"hangup"}]`) {
		t.Fatalf("the account number: %d %s", status, answer)
	}
	keepAnswer(t, "server_balance", answer)
	// jambonz posting the same actionHook again gets the same answer.
	if _, _, again := send(t, "POST", next, digits("1234"), signNow); !bytes.Equal(again, answer) {
		t.Errorf("a retried actionHook: %s, want %s", again, answer)
	}

	status, _, answer = send(t, "POST", ts.URL+jambonz.StatusPath, golden.Sample(t, "testdata/webhooks", "status_completed.json"), signNow)
	if status != 200 || string(answer) != "{}" {
		t.Errorf("status hook: %d %s, want 200 {}", status, answer)
	}
}

// A GET call hook carries the fields in the query, signed over an empty
// body.
func TestServerGetCallHook(t *testing.T) {
	ts := deskServer(t, io.Discard)
	status, _, answer := send(t, "GET", ts.URL+"/hooks/jambonz/desk?call_sid=G1&from=%2B6591234567&to=%2B6512345678&direction=inbound&call_status=trying", nil, signNow)
	if status != 200 || !strings.Contains(string(answer), `"Welcome to ACME."`) {
		t.Fatalf("GET: %d %s", status, answer)
	}
	if !strings.Contains(string(answer), public+"/hooks/jambonz/desk?") {
		t.Errorf("the actionHook leaves the route naming the flow: %s", answer)
	}
}

// Requests without a valid signature are refused with 401, and nothing
// of the secret is logged.
func TestServerRefusesBadSignatures(t *testing.T) {
	var logs bytes.Buffer
	ts := deskServer(t, &logs)
	hook := golden.Sample(t, "testdata/webhooks", "call_hook.json")
	for name, sig := range map[string]func([]byte) string{
		"unsigned":  nil,
		"tampered":  func(b []byte) string { return signNow(append([]byte(nil), b[:len(b)-1]...)) },
		"stale":     func(b []byte) string { return jambonz.Sign(webhookSecret, b, time.Now().Add(-6*time.Minute)) },
		"future":    func(b []byte) string { return jambonz.Sign(webhookSecret, b, time.Now().Add(6*time.Minute)) },
		"wrong key": func(b []byte) string { return jambonz.Sign("not-the-secret", b, time.Now()) },
		"malformed": func([]byte) string { return "v1=abc" },
	} {
		status, _, answer := send(t, "POST", ts.URL+"/hooks/jambonz", hook, sig)
		if status != http.StatusUnauthorized || !strings.Contains(string(answer), jambonz.SignatureHeader) {
			t.Errorf("%s: %d %s, want 401 naming the header", name, status, answer)
		}
	}
	if strings.Contains(logs.String(), webhookSecret) {
		t.Error("the secret was logged")
	}
}

// An actionHook whose token this server did not sign, and a body without
// call_sid: the safe fallback (apology, hangup) and a 400.
func TestServerFallbackAndBadWebhook(t *testing.T) {
	ts := deskServer(t, io.Discard)
	body := []byte(`{"call_sid":"F1","from":"+6591234567","to":"+6512345678","reason":"dtmfDetected","digits":"1"}`)
	status, _, answer := send(t, "POST", ts.URL+"/hooks/jambonz?resume=forged.token&after=00", body, signNow)
	if status != 200 || string(answer) != `[{"verb":"say","text":"Sorry, something went wrong."},{"verb":"hangup"}]` {
		t.Errorf("forged token: %d %s, want the apology and hangup", status, answer)
	}
	keepAnswer(t, "server_fallback", answer)
	status, _, answer = send(t, "POST", ts.URL+"/hooks/jambonz", []byte(`{"from":"+6591234567"}`), signNow)
	if status != http.StatusBadRequest || !strings.Contains(string(answer), "call_sid") {
		t.Errorf("no call_sid: %d %s, want 400 naming call_sid", status, answer)
	}
}
