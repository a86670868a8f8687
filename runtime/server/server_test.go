package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/reload"
	"github.com/callflow/callflow/runtime/server"
	"github.com/callflow/callflow/runtime/tencent"
)

// The flows of the server tests: one per platform.
var testFlows = map[string]string{
	"reception.flow": tencentFlow("reception", "+8675566668888", 388),
	"support.flow": `flow support

target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> menu

handler menu {
  say "Welcome"
  hangup
}
`,
	"callme.flow": `flow callme

target callback

otherwise -> now

handler now {
  callback {
    leg A to caller from "+6561112222"
    leg B to "+6561112222" from caller
  }
}
`,
}

const (
	tencentCall = `{"Event":"CallInBound","SessionId":"%s","SdkAppId":1400000000,"CallInBound":{"AIAgentId":0,"IvrId":7,"Caller":"+8613066668888","Callee":"+8675566668888"}}`
	trigger     = `{"id":"%s","from":"+6591234567","to":"+6561112222","data":{}}`
)

var sessions atomic.Int64

func newSession() string { return fmt.Sprintf("session-%d", sessions.Add(1)) }

// testServer serves testFlows with opts on loopback; the log is returned.
func testServer(t *testing.T, eopts []runtime.Option, opts ...server.Option) (string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	// As callflow serve does: the engine's own lines are masked too.
	engineLog := slog.New(server.MaskingHandler(logger.Handler()))
	eng, err := runtime.New(append([]runtime.Option{runtime.WithFlows(compile(t, testFlows)), runtime.WithLogger(engineLog)}, eopts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(eng, append([]server.Option{server.WithLogger(logger)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL, logs
}

// errorCode is the code of a JSON error answer, or "" with the reason it
// is not one.
func errorCode(body []byte) (string, error) {
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return "", fmt.Errorf("not JSON: %q", body)
	}
	if e.Error.Code == "" || e.Error.Message == "" {
		return "", fmt.Errorf("no error code and message: %s", body)
	}
	return e.Error.Code, nil
}

// R2: webhooks that cannot be understood get a clear 4xx JSON error; those
// that can get the platform's answer or its safe fallback.
func TestBadWebhooks(t *testing.T) {
	url, logs := testServer(t, nil)
	huge := `{"Event":"CallInBound","SessionId":"x","Pad":"` + strings.Repeat("a", 10<<20) + `"}`
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		status      int
		code        string // "" for a platform answer
		contains    string
	}{
		{"not JSON", "POST", "/hooks/tencent", "application/json", "hello", 400, "bad_webhook", ""},
		{"empty body", "POST", "/hooks/tencent", "application/json", "", 400, "bad_webhook", ""},
		{"JSON array", "POST", "/hooks/8x8", "application/json", "[1,2]", 400, "bad_webhook", ""},
		{"wrong type", "POST", "/hooks/tencent", "application/json", `{"Event":"CallInBound","SessionId":5,"CallInBound":{"Callee":"+8675566668888"}}`, 400, "bad_webhook", "SessionId"},
		{"missing field", "POST", "/hooks/tencent", "application/json", `{"Event":"CallInBound","SessionId":"s"}`, 400, "bad_webhook", "CallInBound"},
		{"8x8 missing payload", "POST", "/hooks/8x8", "application/json", `{"eventType":"CALL_ACTION"}`, 400, "bad_webhook", "payload"},
		{"trigger missing id", "POST", "/hooks/callback/callme", "application/json", `{"from":"+6591234567","to":"+6561112222"}`, 400, "bad_webhook", "id"},
		{"10 MiB body", "POST", "/hooks/tencent", "application/json", huge, 413, "body_too_large", ""},
		{"form content type", "POST", "/hooks/tencent", "application/x-www-form-urlencoded", fmt.Sprintf(tencentCall, newSession()), 415, "unsupported_media_type", ""},
		{"multipart", "POST", "/hooks/8x8", "multipart/form-data; boundary=x", "--x--", 415, "unsupported_media_type", ""},
		{"garbled content type", "POST", "/hooks/8x8", "json;;;=", "{}", 415, "unsupported_media_type", ""},
		{"unknown platform", "POST", "/hooks/nosuch", "application/json", "{}", 404, "not_found", "unknown platform"},
		{"trigger without flow", "POST", "/hooks/callback", "application/json", fmt.Sprintf(trigger, newSession()), 404, "not_found", "/hooks/callback/{flow}"},
		{"unknown trigger flow", "POST", "/hooks/callback/nosuch", "application/json", fmt.Sprintf(trigger, newSession()), 404, "unknown_flow", "nosuch"},
		{"too deep a route", "POST", "/hooks/tencent/a/b/c", "application/json", "{}", 404, "not_found", ""},
		{"GET a webhook", "GET", "/hooks/tencent", "", "", 405, "method_not_allowed", ""},
		{"POST healthz", "POST", "/healthz", "application/json", "{}", 405, "method_not_allowed", ""},
		{"unknown route", "GET", "/nope", "", "", 404, "not_found", ""},

		// Understood: the platform's answer, or its safe fallback.
		{"no content type", "POST", "/hooks/tencent", "", fmt.Sprintf(tencentCall, newSession()), 200, "", `"OverrideAIAgentId":388`},
		{"charset", "POST", "/hooks/tencent", "application/json; charset=utf-8", fmt.Sprintf(tencentCall, newSession()), 200, "", `"OverrideAIAgentId":388`},
		{"text/plain", "POST", "/hooks/tencent", "text/plain", fmt.Sprintf(tencentCall, newSession()), 200, "", `"OverrideAIAgentId":388`},
		{"flow in the URL", "POST", "/hooks/tencent/reception", "application/json", fmt.Sprintf(tencentCall, newSession()), 200, "", `"OverrideAIAgentId":388`},
		{"unknown tencent flow: keep the bound route", "POST", "/hooks/tencent/nosuch", "application/json", fmt.Sprintf(tencentCall, newSession()), 200, "", `"OverrideIvrId":7`},
		{"unknown number: keep the bound route", "POST", "/hooks/tencent", "application/json", strings.Replace(fmt.Sprintf(tencentCall, newSession()), "+8675566668888", "+8600000000000", 1), 200, "", `"OverrideIvrId":7`},
		{"trigger", "POST", "/hooks/callback/callme", "application/json", fmt.Sprintf(trigger, newSession()), 200, "", `"leg_A"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, url+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if tt.code != "" {
				code, err := errorCode(body)
				if err != nil {
					t.Fatal(err)
				}
				if code != tt.code {
					t.Errorf("error code %q, want %q: %s", code, tt.code, body)
				}
			}
			if !bytes.Contains(body, []byte(tt.contains)) {
				t.Errorf("body %s does not contain %q", body, tt.contains)
			}
			if tt.status == 405 && resp.Header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("a bad webhook made the server panic:\n%s", logs)
	}
}

// A body over the limit is refused without a Content-Length, too.
func TestChunkedBodyTooLarge(t *testing.T) {
	url, _ := testServer(t, nil)
	r, w := io.Pipe()
	go func() {
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		w.Write([]byte(`{"Event":"`))
		for range 8 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Close()
	}()
	req, _ := http.NewRequest("POST", url+"/hooks/tencent", r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if code, _ := errorCode(body); resp.StatusCode != 413 || code != "body_too_large" {
		t.Errorf("status %d, body %s; want 413 body_too_large", resp.StatusCode, body)
	}
}

// R6: missing or wrong secrets get 401; the secrets never reach the log.
func TestAuth(t *testing.T) {
	const (
		eightSecret   = "8x8-s3cr3t-value-1234567890"
		triggerSecret = "trigger-t0ken-abcdefghijklmnop"
		tencentSecret = "tencent-path-segment-qrstuvwxyz"
	)
	office := netip.MustParsePrefix("203.0.113.0/24")
	url, logs := testServer(t, nil, server.WithAuth(server.Auth{
		EightByEight: server.NewSecret(eightSecret),
		Trigger:      server.NewSecret(triggerSecret),
		Tencent:      server.NewSecret(tencentSecret),
		AllowRoute:   map[string][]netip.Prefix{server.RouteCallbot: {office}, server.RouteAdmin: {office}},
	}))
	eight := `{"eventType":"CALL_ACTION","payload":{"eventId":"%s","sessionId":"%[1]s","callId":"c","callStatus":"CALL_RECEIVED","source":"+6591234567","destination":"+6512345678"}}`
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name   string
		path   string
		body   string
		header http.Header
		status int
	}{
		{"8x8 without the header", "/hooks/8x8", eight, nil, 401},
		{"8x8 with a wrong value", "/hooks/8x8", eight, h("Authorization", "8x8-s3cr3t-value-1234567891"), 401},
		{"8x8 with a prefix of the value", "/hooks/8x8", eight, h("Authorization", eightSecret[:10]), 401},
		{"8x8 with the value", "/hooks/8x8", eight, h("Authorization", eightSecret), 200},
		{"trigger without a token", "/hooks/callback/callme", trigger, nil, 401},
		{"trigger with a wrong token", "/hooks/callback/callme", trigger, h("Authorization", "Bearer nope"), 401},
		{"trigger with the token, not as bearer", "/hooks/callback/callme", trigger, h("Authorization", triggerSecret), 401},
		{"trigger with the token", "/hooks/callback/callme", trigger, h("Authorization", "Bearer "+triggerSecret), 200},
		{"trigger with the token, lower-case scheme", "/hooks/callback/callme", trigger, h("Authorization", "bearer "+triggerSecret), 200},
		{"tencent without a secret", "/hooks/tencent", tencentCall, nil, 401},
		{"tencent with a wrong path secret", "/hooks/tencent/s/wrong-guess", tencentCall, nil, 401},
		{"tencent with the path secret", "/hooks/tencent/s/" + tencentSecret, tencentCall, nil, 200},
		{"tencent with the path secret and flow", "/hooks/tencent/s/" + tencentSecret + "/reception", tencentCall, nil, 200},
		{"tencent with a header token", "/hooks/tencent", tencentCall, h("X-Callflow-Token", tencentSecret), 200},
		{"tencent with a bearer token", "/hooks/tencent/reception", tencentCall, h("Authorization", "Bearer "+tencentSecret), 200},
		{"tencent with a wrong header token", "/hooks/tencent", tencentCall, h("X-Callflow-Token", "nope"), 401},
		{"callbot from outside the allow-list", "/hooks/callbot/x", trigger, h("Authorization", "Bearer "+triggerSecret), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := post(url+tt.path, "application/json", fmt.Sprintf(tt.body, newSession()), tt.header)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if status >= 400 {
				if _, err := errorCode(body); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for _, path := range []string{"/v1/flows", "/metrics"} {
		resp, err := client.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Errorf("GET %s from outside the admin allow-list: %d, want 403", path, resp.StatusCode)
		}
	}
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz is behind the allow-list: %d", resp.StatusCode)
	}

	out := logs.String()
	for _, secret := range []string{eightSecret, triggerSecret, tencentSecret, eightSecret[:10], "8x8-s3cr3t-value-1234567891"} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret (or a guess at one) is in the log:\n%s", out)
		}
	}
	if n := len(logs.lines(t, "webhook")); n != len(tests) {
		t.Errorf("%d webhook log lines, want one per webhook (%d)", n, len(tests))
	}
	for _, l := range logs.lines(t, "webhook") {
		if l["status"] == float64(401) && (l["outcome"] != "unauthorized" || l["error"] == "" || l["remote"] == "") {
			t.Errorf("401 logged as %v", l)
		}
	}
	if s := fmt.Sprint(server.NewSecret(eightSecret)); strings.Contains(s, eightSecret) {
		t.Errorf("a Secret prints as %q", s)
	}
}

func TestParsePrefixes(t *testing.T) {
	got, err := server.ParsePrefixes([]string{"10.0.0.0/8, 203.0.113.7", "2001:db8::/32", "::ffff:192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(got); s != "[10.0.0.0/8 203.0.113.7/32 2001:db8::/32 192.0.2.1/32]" {
		t.Errorf("ParsePrefixes = %s", s)
	}
	if _, err := server.ParsePrefixes([]string{"10.0.0.0/33"}); err == nil {
		t.Error("a bad CIDR was accepted")
	}
}

// The allow-list passes loopback peers when it lists them.
func TestAllowList(t *testing.T) {
	url, _ := testServer(t, nil, server.WithAuth(server.Auth{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}))
	status, body, err := post(url+"/hooks/tencent", "application/json", fmt.Sprintf(tencentCall, newSession()), nil)
	if err != nil || status != 200 {
		t.Errorf("a loopback peer on the allow-list: %d %s %v", status, body, err)
	}
}

// One log line per webhook, with what it did; numbers masked by default.
func TestLogLine(t *testing.T) {
	for _, mask := range []bool{true, false} {
		t.Run(fmt.Sprintf("mask=%v", mask), func(t *testing.T) {
			url, logs := testServer(t, nil, server.WithMaskNumbers(mask))
			session := newSession()
			if status, body, err := post(url+"/hooks/tencent", "application/json", fmt.Sprintf(tencentCall, session), nil); err != nil || status != 200 {
				t.Fatalf("%d %s %v", status, body, err)
			}
			unknown := strings.Replace(fmt.Sprintf(tencentCall, newSession()), "+8675566668888", "+8600000001234", 1)
			if status, body, err := post(url+"/hooks/tencent", "application/json", unknown, nil); err != nil || status != 200 {
				t.Fatalf("%d %s %v", status, body, err)
			}
			lines := logs.lines(t, "webhook")
			if len(lines) != 2 {
				t.Fatalf("%d webhook lines, want 2:\n%s", len(lines), logs)
			}
			l := lines[0]
			want := map[string]any{"platform": "tencent", "flow": "reception", "session": session, "handler": "main",
				"outcome": "answered", "status": float64(200), "level": "INFO"}
			for k, v := range want {
				if l[k] != v {
					t.Errorf("%s = %v, want %v (line %v)", k, l[k], v, l)
				}
			}
			if _, ok := l["duration_ms"].(float64); !ok {
				t.Errorf("no duration_ms in %v", l)
			}
			if v, _ := l["version"].(string); len(v) != 12 {
				t.Errorf("version %q", v)
			}
			fb := lines[1]
			if fb["outcome"] != "fallback" || fb["level"] != "WARN" || !strings.Contains(fmt.Sprint(fb["error"]), "no flow answers") {
				t.Errorf("fallback line %v", fb)
			}
			out := logs.String()
			if mask {
				if strings.Contains(out, "8613066668888") || strings.Contains(out, "8600000001234") {
					t.Errorf("an unmasked number in the log:\n%s", out)
				}
				if l["caller"] != "+*********8888" {
					t.Errorf("caller logged as %v, want +*********8888", l["caller"])
				}
			} else if l["caller"] != "+8613066668888" {
				t.Errorf("caller logged as %v with masking off", l["caller"])
			}
		})
	}
}

func TestMaskNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"no flow answers +6512345678 on 8x8":         "no flow answers +******5678 on 8x8",
		"support.flow:12:3: runtime error[expr]: 42": "support.flow:12:3: runtime error[expr]: 42",
		"0988888888 and 84912345678":                 "******8888 and *******5678",
		"":                                           "",
	} {
		if got := server.MaskNumbers(in); got != want {
			t.Errorf("MaskNumbers(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"+6512345678": "+******5678", "1234": "1234", "+65 1234 5678": "+** **** 5678", "": ""} {
		if got := server.MaskNumber(in); got != want {
			t.Errorf("MaskNumber(%q) = %q, want %q", in, got, want)
		}
	}
	var buf bytes.Buffer
	l := slog.New(server.MaskingHandler(slog.NewTextHandler(&buf, nil)))
	l.With("callee", "+6512345678").Warn("calling +6587654321", "error", errors.New("no flow answers +6500000000"), slog.Group("g", "n", "+6511111111"))
	if out := buf.String(); strings.Contains(out, "651234") || strings.Contains(out, "658765") || strings.Contains(out, "650000") || strings.Contains(out, "651111") {
		t.Errorf("MaskingHandler let a number through: %s", out)
	}
}

// panicky is a Tencent adapter whose Render panics, and whose Decode panics
// on a body holding "decode-panic".
type panicky struct{ platform.Adapter }

func (p panicky) Decode(body []byte, h http.Header) (*platform.Event, error) {
	if bytes.Contains(body, []byte("decode-panic")) {
		panic("decoder bug")
	}
	return p.Adapter.Decode(body, h)
}

func (panicky) Render(*platform.Event, *platform.Response) (platform.Reply, error) {
	panic(errors.New("renderer bug"))
}

// A panic still gets an answer: the platform's fallback when the body can
// be decoded, else a 500 JSON error; the stack is logged.
func TestPanicRecovery(t *testing.T) {
	url, logs := testServer(t, []runtime.Option{runtime.WithAdapter(panicky{tencent.New()})})
	status, body, err := post(url+"/hooks/tencent", "application/json", fmt.Sprintf(tencentCall, newSession()), nil)
	if err != nil || status != 200 || string(body) != `{"CallInBound":{"OverrideIvrId":7}}` {
		t.Errorf("after a panic in render: %d %s %v; want the fallback keeping IVR 7", status, body, err)
	}
	status, body, err = post(url+"/hooks/tencent", "application/json", strings.Replace(fmt.Sprintf(tencentCall, newSession()), "Event", "decode-panic", 1), nil)
	if code, _ := errorCode(body); err != nil || status != 500 || code != "internal" {
		t.Errorf("after a panic in decode: %d %s %v; want 500 internal", status, body, err)
	}
	panics := logs.lines(t, "panic answering a webhook")
	if len(panics) != 2 || !strings.Contains(fmt.Sprint(panics[0]["stack"]), "runtime/debug.Stack") || panics[0]["panic"] != "renderer bug" {
		t.Errorf("panic log lines: %v", panics)
	}
	hooks := logs.lines(t, "webhook")
	if len(hooks) != 2 || hooks[0]["outcome"] != "panic" || hooks[0]["level"] != "ERROR" {
		t.Errorf("webhook lines: %v", hooks)
	}
	// The server still answers.
	if status, _, err := post(url+"/hooks/callback/callme", "application/json", fmt.Sprintf(trigger, newSession()), nil); err != nil || status != 200 {
		t.Errorf("after the panics: %d %v", status, err)
	}
}

// source is a FlowSource whose readiness the test controls.
type source struct {
	ready chan struct{}
	st    *reload.Status
}

func (s *source) Status() *reload.Status { return s.st }
func (s *source) Ready() <-chan struct{} { return s.ready }

func TestHealthAndReadiness(t *testing.T) {
	src := &source{ready: make(chan struct{}), st: &reload.Status{LastError: "cannot read the flows folder flows: no such file or directory"}}
	eng, _ := runtime.New()
	srv, err := server.New(eng, server.WithFlows(src))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	get := func(path string) (int, string) {
		resp, err := client.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "no such file") {
		t.Errorf("/readyz before the first load: %d %s", code, body)
	}
	close(src.ready)
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, `"ready"`) {
		t.Errorf("/readyz after the first load: %d %s", code, body)
	}
	srv.Drain()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "shutting_down") {
		t.Errorf("/readyz while draining: %d %s", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz while draining: %d", code)
	}
}

// Without a watcher, /v1/flows lists the engine's program.
func TestFlowsWithoutWatcher(t *testing.T) {
	url, _ := testServer(t, nil)
	var st reload.Status
	if err := getJSON(url+"/v1/flows", &st); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range st.Flows {
		names = append(names, f.Name+":"+f.Status)
	}
	if got := strings.Join(names, " "); got != "callme:ok reception:ok support:ok" {
		t.Errorf("flows %q", got)
	}
}

// /v1/flows and the metrics follow the watcher: versions, errors, reloads.
func TestFlowsAndMetrics(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hello.flow"), tencentFlow("hello", hello, 1))
	writeFile(t, filepath.Join(dir, "broken.flow"), "flow broken\n\nhandler x {\n")
	lookups := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"agent": 77}`))
	}))
	defer lookups.Close()
	writeFile(t, filepath.Join(dir, "looked.flow"), fmt.Sprintf(`flow looked

target tencent
number %q

lookup crm = get "%s/agent/${caller}" timeout 1s cache 1m else {agent: 5}

otherwise -> main

handler main {
  agent crm.agent
}
`, world, lookups.URL))
	s := newStack(t, dir)
	s.tencent(hello)
	for range 2 { // the second call's answer is the cached one
		if got := s.tencent(world); got != 77 {
			t.Errorf("the lookup gave agent %d, want 77", got)
		}
	}
	post(s.url+"/hooks/tencent", "application/json", "nope", nil)

	var st reload.Status
	if err := getJSON(s.url+"/v1/flows", &st); err != nil {
		t.Fatal(err)
	}
	if !st.Loaded || st.LastReload.IsZero() || len(st.Flows) != 3 {
		t.Fatalf("status %+v", st)
	}
	raw, _ := json.Marshal(st.Flows[0])
	for _, key := range []string{`"name":"broken"`, `"file":"broken.flow"`, `"status":"error"`, `"serving":false`, `"version":""`, `"code":"syntax"`, `"line":3`, `"col":`, `"targets":[]`, `"numbers":[]`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("broken.flow's status %s lacks %s", raw, key)
		}
	}

	resp, err := client.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(b)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{
		`callflow_webhook_requests_total{outcome="answered",platform="tencent"} 3`,
		`callflow_webhook_requests_total{outcome="rejected",platform="tencent"} 1`,
		`callflow_webhook_duration_seconds_bucket{platform="tencent",le="+Inf"} 4`,
		`callflow_webhook_duration_seconds_count{platform="tencent"} 4`,
		`callflow_lookups_total{flow="looked",lookup="crm",outcome="ok"} 2`,
		`callflow_lookup_duration_seconds_count{flow="looked",lookup="crm",outcome="ok"} 2`,
		`callflow_lookup_cache_total{flow="looked",lookup="crm",result="miss"} 1`,
		`callflow_lookup_cache_total{flow="looked",lookup="crm",result="hit"} 1`,
		`callflow_reloads_total{result="error"} 1`,
		`callflow_reloads_total{result="ok"} 0`,
		`callflow_reload_duration_seconds_count 1`,
		`callflow_flows_loaded{status="ok"} 2`,
		`callflow_flows_loaded{status="error"} 1`,
		`callflow_active_sessions 0`,
		`# TYPE callflow_webhook_duration_seconds histogram`,
		`# TYPE callflow_last_reload_success_timestamp_seconds gauge`,
		`callflow_last_reload_success_timestamp_seconds 0`,
		`process_start_time_seconds `,
	} {
		if !strings.Contains(metrics, want+"\n") && !strings.Contains(metrics, want) {
			t.Errorf("the metrics lack %q", want)
		}
	}
	if regexp.MustCompile(`\+?86130|session-|s-\d`).MatchString(metrics) {
		t.Errorf("a phone number or session id in the metrics:\n%s", metrics)
	}
	checkExposition(t, metrics)

	// Fixing the broken flow: a successful reload, with its time.
	writeFile(t, filepath.Join(dir, "broken.flow"), tencentFlow("broken", "+10000000009", 9))
	s.agent("+10000000009", 9)
	resp, err = client.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`(?m)^callflow_last_reload_success_timestamp_seconds (\S+)$`).FindStringSubmatch(string(b))
	var ts float64
	if m != nil {
		fmt.Sscan(m[1], &ts)
	}
	if now := float64(time.Now().Unix()); ts < now-60 || ts > now+1 {
		t.Errorf("last success %v, want about %v", ts, now)
	}
	if !strings.Contains(string(b), `callflow_reloads_total{result="ok"} 1`) {
		t.Errorf("no successful reload counted:\n%s", b)
	}
}

// checkExposition checks the text format line by line: comments, or a
// metric name with optional labels and a number.
func checkExposition(t *testing.T, text string) {
	t.Helper()
	sample := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (\+Inf|-Inf|NaN|[-+0-9.eE]+)$`)
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(l, "# HELP ") || strings.HasPrefix(l, "# TYPE ") {
			continue
		}
		if !sample.MatchString(l) {
			t.Errorf("not a valid exposition line: %q", l)
		}
	}
}

// Item 2 of issue 10: an id over platform.MaxID bytes (60,000 characters,
// well under the 64 KiB body limit) gets 400 naming the field on every
// platform, as does a number over platform.MaxNumber, and no log line
// carries them; a flow name as long in the URL is logged clipped.
func TestHugeIDs(t *testing.T) {
	url, logs := testServer(t, nil)
	long := strings.Repeat("x", 60_000)
	vca := `{"eventType":"CALL_ACTION","payload":{"eventId":"%s","sessionId":"%s","callStatus":"ACTION_COMPLETED","source":"+6591234567","destination":"+6512345678","clientActionId":"%s","eventData":{"dtmf":"1"}}}`
	tests := []struct{ name, path, body, field string }{
		{"tencent SessionId", "/hooks/tencent", fmt.Sprintf(tencentCall, long), "SessionId"},
		{"8x8 sessionId", "/hooks/8x8", fmt.Sprintf(vca, "e1", long, "tok"), "payload.sessionId"},
		{"8x8 eventId", "/hooks/8x8", fmt.Sprintf(vca, long, "s1", "tok"), "payload.eventId"},
		{"8x8 clientActionId", "/hooks/8x8", fmt.Sprintf(vca, "e1", "s1", long), "payload.clientActionId"},
		{"callback id", "/hooks/callback/callme", fmt.Sprintf(trigger, long), "id"},
		{"callbot id", "/hooks/callbot/callme", fmt.Sprintf(trigger, long), "id"},
		// Not ids, but kept in the session as long: the numbers.
		{"tencent Callee", "/hooks/tencent", strings.Replace(fmt.Sprintf(tencentCall, newSession()), "+8675566668888", "+86"+long, 1), "CallInBound.Callee"},
		{"8x8 source", "/hooks/8x8", strings.Replace(fmt.Sprintf(vca, "e1", "s1", "tok"), "+6591234567", "+65"+long, 1), "payload.source"},
		{"callback from", "/hooks/callback/callme", strings.Replace(fmt.Sprintf(trigger, newSession()), "+6591234567", "+65"+long, 1), "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := post(url+tt.path, "application/json", tt.body, nil)
			if err != nil {
				t.Fatal(err)
			}
			code, err := errorCode(body)
			if status != http.StatusBadRequest || err != nil || code != "bad_webhook" {
				t.Fatalf("status %d, code %q (%v), want 400 bad_webhook: %.300s", status, code, err, body)
			}
			if !bytes.Contains(body, []byte(`"message":"`+tt.field+`: is 6000`)) || !bytes.Contains(body, []byte(`are at most 256 bytes"`)) {
				t.Errorf("the error does not name %s: %.300s", tt.field, body)
			}
		})
	}
	// Echoed into log lines: a huge flow name in the URL.
	if status, body, err := post(url+"/hooks/callback/"+long, "application/json", fmt.Sprintf(trigger, newSession()), nil); err != nil || status != 404 {
		t.Fatalf("huge flow name: %d %.300s %v", status, body, err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) < len(tests)+1 {
		t.Fatalf("%d log lines, want at least %d:\n%.2000s", len(lines), len(tests)+1, logs)
	}
	for _, l := range lines {
		if len(l) > 4096 {
			t.Errorf("a log line of %d bytes: %.300s…", len(l), l)
		}
	}
}

// Issue 10, item 3: every session the store evicts to stay within its
// memory budget is counted in callflow_sessions_evicted_total and logged,
// and the store's estimate is a gauge.
func TestEvictionsAreCountedAndLogged(t *testing.T) {
	capture := map[string]string{"menu.flow": `flow menu

target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> menu

handler menu {
  capture choice {
    prompt "Press 1."
    digits 1
  }
  hangup
}
`}
	m := server.NewMetrics()
	budget := int64(800) // room for one waiting call (about 570 bytes), not two
	url, logs := testServer(t, []runtime.Option{runtime.WithFlows(compile(t, capture)), runtime.WithSessionMemory(budget),
		runtime.WithEvictionObserver(m.ObserveEviction)}, server.WithMetrics(m))
	const vca = `{"eventType":"CALL_ACTION","payload":{"eventId":"%s","sessionId":"%s","callStatus":"CALL_RECEIVED","source":"+6591234567","destination":"+6512345678"}}`
	for _, s := range []string{newSession(), newSession(), newSession()} {
		if status, body, err := post(url+"/hooks/8x8", "application/json", fmt.Sprintf(vca, s+"-e", s), nil); err != nil || status != 200 || !bytes.Contains(body, []byte("sayAndCapture")) {
			t.Fatalf("%d %s %v", status, body, err)
		}
	}
	resp, err := client.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"callflow_sessions_evicted_total 2\n", "callflow_active_sessions 1\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the metrics lack %q", want)
		}
	}
	if g := regexp.MustCompile(`callflow_session_store_bytes (\d+)`).FindStringSubmatch(string(b)); g == nil || g[1] == "0" {
		t.Errorf("no callflow_session_store_bytes: %v", g)
	}
	if lines := logs.lines(t, "session evicted: the session store is over its memory budget; raise the budget or give the process more memory"); len(lines) != 2 || lines[0]["level"] != "WARN" {
		t.Errorf("eviction log lines %v, want 2 warnings", lines)
	}
}
