package vonage_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/server"
)

const (
	public = "https://calls.example.com/cf"
	secret = "vonage-signature-secret-0123456789"
)

const menuFlow = `flow menu

target vonage
voice "en-GB"

otherwise -> main

handler main {
  capture choice {
    prompt "Press 1 for sales & <support>."
    digits 1
    timeout 5s
    tries 1
  }
  say "You pressed ${choice}."
  hangup
}
`

// vonageServer serves menuFlow behind the public URL, verifying signed
// webhooks, with an apology for the safe fallback.
func vonageServer(t *testing.T) *httptest.Server {
	t.Helper()
	u, _ := url.Parse(public)
	return flowServer(t, "menu", menuFlow,
		[]runtime.Option{runtime.WithApology("Sorry, we cannot take your call.", "en-GB")},
		server.WithPublicURL(u),
		server.WithAuth(server.Auth{Secrets: map[string]server.Secret{"vonage": server.NewSecret(secret)}}))
}

// flowServer serves the flow src, compiled as NAME.flow, through an engine
// and a server made with the options given.
func flowServer(t *testing.T, name, src string, engOpts []runtime.Option, srvOpts ...server.Option) *httptest.Server {
	t.Helper()
	file := name + ".flow"
	prog, ds := lang.CompileFiles(fstest.MapFS{file: {Data: []byte(src)}}, []string{file})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	eng, err := runtime.New(append([]runtime.Option{runtime.WithFlows(prog)}, engOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(eng, srvOpts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// signed is the Authorization header Vonage sends with body.
func signed(t *testing.T, key string, body []byte) string {
	t.Helper()
	sum := sha256.Sum256(body)
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": time.Now().Unix(), "jti": "j1", "iss": "Vonage",
		"payload_hash": hex.EncodeToString(sum[:])}).SignedString([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

func do(t *testing.T, method, target string, body []byte, auth string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, target, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// inputURL is the input action's eventUrl of an NCCO, and where it reaches
// the test server through the proxy.
func inputURL(t *testing.T, ts *httptest.Server, ncco string) (eventURL, local string) {
	t.Helper()
	var actions []struct {
		Action   string   `json:"action"`
		EventURL []string `json:"eventUrl"`
	}
	if err := json.Unmarshal([]byte(ncco), &actions); err != nil || len(actions) == 0 || actions[len(actions)-1].Action != "input" {
		t.Fatalf("not an NCCO ending with input: %s (%v)", ncco, err)
	}
	u := actions[len(actions)-1].EventURL[0]
	if !strings.HasPrefix(u, public+"/hooks/vonage/menu?resume=") {
		t.Fatalf("eventUrl %q is not on the public URL with the resume token", u)
	}
	return u, ts.URL + strings.TrimPrefix(u, public)
}

func inputBody(uuid, digits string) []byte {
	return []byte(`{"speech":{"results":[]},"dtmf":{"digits":"` + digits + `","timed_out":false},"from":"447700900001","to":"447700900000","uuid":"` +
		uuid + `","conversation_uuid":"CON-1","timestamp":"2026-12-03T10:00:05.120Z"}`)
}

// A call through the server: the GET answer webhook, signed; the digits
// posted to the eventUrl the NCCO named; a retried post; the call's end.
func TestServerCall(t *testing.T) {
	ts := vonageServer(t)
	q := "?to=447700900000&from=447700900001&uuid=leg-1&conversation_uuid=CON-1"
	status, ctype, ncco := do(t, http.MethodGet, ts.URL+"/hooks/vonage/menu"+q, nil, signed(t, secret, nil))
	if status != http.StatusOK || ctype != "application/json" {
		t.Fatalf("GET answer: %d %s %s", status, ctype, ncco)
	}
	if !strings.Contains(ncco, `{"action":"talk","text":"Press 1 for sales & <support>.","language":"en-GB"}`) {
		t.Errorf("the prompt talk is missing or escaped: %s", ncco)
	}
	_, local := inputURL(t, ts, ncco)

	body := inputBody("leg-1", "1")
	status, _, next := do(t, http.MethodPost, local, body, signed(t, secret, body))
	if want := `[{"action":"talk","text":"You pressed 1.","language":"en-GB"}]`; status != http.StatusOK || next != want {
		t.Fatalf("input: %d %s, want %s", status, next, want)
	}
	// Vonage retries a post it got no answer to: the same answer again.
	if status, _, again := do(t, http.MethodPost, local, body, signed(t, secret, body)); status != http.StatusOK || again != next {
		t.Errorf("retried input: %d %s, want %s", status, again, next)
	}

	completed := []byte(`{"uuid":"leg-1","conversation_uuid":"CON-1","status":"completed","from":"447700900001","to":"447700900000","timestamp":"2026-12-03T10:01:00.000Z"}`)
	if status, _, b := do(t, http.MethodPost, ts.URL+"/hooks/vonage/menu", completed, signed(t, secret, completed)); status != http.StatusOK || b != "{}" {
		t.Errorf("completed event: %d %s, want 200 {}", status, b)
	}
}

// The session is freed on completed: digits for it afterwards get the safe
// fallback, as does an input result without a resume token.
func TestServerFallbacks(t *testing.T) {
	ts := vonageServer(t)
	answer := []byte(`{"to":"447700900000","from":"447700900001","uuid":"leg-2","conversation_uuid":"CON-2"}`)
	_, _, ncco := do(t, http.MethodPost, ts.URL+"/hooks/vonage/menu", answer, signed(t, secret, answer))
	_, local := inputURL(t, ts, ncco)
	completed := []byte(`{"uuid":"leg-2","conversation_uuid":"CON-2","status":"completed"}`)
	do(t, http.MethodPost, ts.URL+"/hooks/vonage/menu", completed, signed(t, secret, completed))

	apology := `[{"action":"talk","text":"Sorry, we cannot take your call.","language":"en-GB"}]`
	body := inputBody("leg-2", "1")
	if status, _, b := do(t, http.MethodPost, local, body, signed(t, secret, body)); status != http.StatusOK || b != apology {
		t.Errorf("input after completed: %d %s, want the apology %s", status, b, apology)
	}
	body = inputBody("leg-3", "1")
	if status, _, b := do(t, http.MethodPost, ts.URL+"/hooks/vonage/menu", body, signed(t, secret, body)); status != http.StatusOK || b != apology {
		t.Errorf("input without a token: %d %s, want the apology", status, b)
	}
}

// Unsigned, wrongly signed and tampered webhooks are refused with 401.
func TestServerRefusesBadSignatures(t *testing.T) {
	ts := vonageServer(t)
	body := []byte(`{"to":"447700900000","from":"447700900001","uuid":"leg-4","conversation_uuid":"CON-4"}`)
	tampered := bytes.Replace(body, []byte("447700900001"), []byte("447700900666"), 1)
	for name, tt := range map[string]struct {
		body []byte
		auth string
	}{
		"unsigned":     {body, ""},
		"wrong secret": {body, signed(t, "another-secret-0123456789", body)},
		"tampered":     {tampered, signed(t, secret, body)},
	} {
		status, _, b := do(t, http.MethodPost, ts.URL+"/hooks/vonage/menu", tt.body, tt.auth)
		if status != http.StatusUnauthorized || strings.Contains(b, secret) {
			t.Errorf("%s: %d %s, want 401 without the secret", name, status, b)
		}
	}
	if status, _, _ := do(t, http.MethodPut, ts.URL+"/hooks/vonage/menu", nil, ""); status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d, want 405", status)
	}
}

const deskFlow = `flow desk

target vonage

otherwise -> main

handler main {
  makeCall sip "sip:desk@pbx.example.com" from "+447700900000" timeout 20s {
    on busy { say "The desk is busy." }
  }
  say "Goodbye."
  hangup
}
`

// A makeCall with outcome blocks: the bridged leg's events come to the
// connect's eventUrl, naming the other leg; the call's uuid in the URL
// finds the session, ringing is acknowledged and busy continues the call.
func TestServerDialOutcome(t *testing.T) {
	ts := flowServer(t, "desk", deskFlow, nil)

	_, _, ncco := do(t, http.MethodGet, ts.URL+"/hooks/vonage/desk?to=447700900000&from=447700900001&uuid=leg-5&conversation_uuid=CON-5", nil, "")
	var actions []struct {
		Action    string   `json:"action"`
		EventType string   `json:"eventType"`
		EventURL  []string `json:"eventUrl"`
	}
	if err := json.Unmarshal([]byte(ncco), &actions); err != nil || len(actions) != 1 || actions[0].EventType != "synchronous" || len(actions[0].EventURL) != 1 {
		t.Fatalf("want one synchronous connect with an eventUrl: %s (%v)", ncco, err)
	}
	eventURL := actions[0].EventURL[0]
	if !strings.HasPrefix(eventURL, ts.URL+"/hooks/vonage/desk?") || !strings.Contains(eventURL, "call=leg-5") {
		t.Fatalf("eventUrl %q is not this route with the call's uuid", eventURL)
	}
	leg := func(status string) string {
		body := []byte(`{"uuid":"leg-6","conversation_uuid":"CON-5","status":"` + status + `","direction":"outbound","timestamp":"2026-12-03T10:00:03.000Z"}`)
		_, _, b := do(t, http.MethodPost, eventURL, body, "")
		return b
	}
	if b := leg("ringing"); b != "{}" {
		t.Errorf("ringing: %s, want {}", b)
	}
	if b, want := leg("busy"), `[{"action":"talk","text":"The desk is busy."},{"action":"talk","text":"Goodbye."}]`; b != want {
		t.Errorf("busy: %s, want %s", b, want)
	}
}

const triesFlow = `flow tries

target vonage

otherwise -> main

handler main {
  capture choice {
    prompt  "Press 1."
    digits  1
    accept  "1"
    tries   2
    failure "Wrong key."
  }
  say "Chose ${choice}."
  hangup
}
`

// Two tries at one capture carry the same resume token; the second is not
// taken for a copy of the first, because each eventUrl is marked with the
// delivery it answers.
func TestServerSecondTryIsNotACopy(t *testing.T) {
	ts := flowServer(t, "tries", triesFlow,
		[]runtime.Option{runtime.WithClock(func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) })})
	_, _, ncco := do(t, http.MethodGet, ts.URL+"/hooks/vonage/tries?to=447700900000&from=447700900001&uuid=leg-7&conversation_uuid=CON-7", nil, "")
	url1 := lastEventURL(t, ncco)
	_, _, again := do(t, http.MethodPost, url1, inputBody("leg-7", "9"), "")
	if !strings.Contains(again, `"text":"Wrong key."`) {
		t.Fatalf("a wrong key: %s", again)
	}
	url2 := lastEventURL(t, again)
	if url2 == url1 {
		t.Errorf("both tries have the eventUrl %s", url1)
	}
	if _, _, b := do(t, http.MethodPost, url2, inputBody("leg-7", "1"), ""); b != `[{"action":"talk","text":"Chose 1."}]` {
		t.Errorf("the second try: %s, want Chose 1.", b)
	}
}

func lastEventURL(t *testing.T, ncco string) string {
	t.Helper()
	var actions []struct {
		EventURL []string `json:"eventUrl"`
	}
	if err := json.Unmarshal([]byte(ncco), &actions); err != nil || len(actions) == 0 || len(actions[len(actions)-1].EventURL) != 1 {
		t.Fatalf("no eventUrl in %s (%v)", ncco, err)
	}
	return actions[len(actions)-1].EventURL[0]
}
