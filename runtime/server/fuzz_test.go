package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/server"
)

// fuzzSecret is every secret of the guarded server.
const fuzzSecret = "fuzz-s3cret"

// webhookRoute names the platform of a webhook path, or "".
func webhookRoute(path string) string {
	for _, p := range []string{"tencent", "8x8", "callback", "callbot"} {
		if path == "/hooks/"+p || strings.HasPrefix(path, "/hooks/"+p+"/") {
			return p
		}
	}
	return ""
}

// Statuses a request may get. A webhook is answered (200, or 204 for a
// trigger that asks for nothing), refused as not understood (400, 404, 405,
// 413, 415, 422), refused by the guard (401, 403), or answered with its
// platform's 503 when the flow cannot run; ServeMux redirects an unclean
// path (301, or 307 for methods with a body). 500 is what a panic gets:
// never expected.
var (
	webhookStatuses = statusSet(200, 204, 301, 307, 400, 401, 403, 404, 405, 413, 415, 422, 503)
	otherStatuses   = statusSet(200, 301, 307, 403, 404, 405, 503)
)

func statusSet(codes ...int) map[int]bool {
	m := map[int]bool{}
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// panicLog records whether anything logged a panic.
type panicLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *panicLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *panicLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *panicLog) WithGroup(string) slog.Handler            { return l }
func (l *panicLog) Handle(_ context.Context, r slog.Record) error {
	hit := strings.Contains(r.Message, "panic")
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "panic" || (a.Key == "outcome" && a.Value.String() == "panic") {
			hit = true
		}
		return !hit
	})
	if hit {
		l.mu.Lock()
		l.seen = append(l.seen, r.Message)
		l.mu.Unlock()
	}
	return nil
}

func (l *panicLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := l.seen
	l.seen = nil
	return seen
}

// refusingTransport fails every outgoing request at once: the shipped
// reception flow's lookup then takes its else value, and nothing leaves the
// machine.
type refusingTransport struct{}

func (refusingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("the fuzz test sends nothing out")
}

// fuzzServers returns the server of the shipped flows twice: open, and
// guarded by every secret and an admin allow-list.
func fuzzServers(f *testing.F, logs *panicLog) (open, guarded http.Handler) {
	dir := filepath.Join("..", "..", "flows")
	names, err := filepath.Glob(filepath.Join(dir, "*.flow"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no shipped flows: %v", err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	prog, ds := lang.CompileFiles(os.DirFS(dir), names, lang.WithPlaceholderSecrets())
	if ds.HasErrors() {
		f.Fatalf("the shipped flows do not compile: %v", ds)
	}
	logger := slog.New(logs)
	build := func(opts ...server.Option) http.Handler {
		eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithLogger(logger),
			runtime.WithHTTPClient(&http.Client{Transport: refusingTransport{}}))
		if err != nil {
			f.Fatal(err)
		}
		srv, err := server.New(eng, append([]server.Option{server.WithLogger(logger)}, opts...)...)
		if err != nil {
			f.Fatal(err)
		}
		return srv
	}
	secret := server.NewSecret(fuzzSecret)
	guard := server.Auth{EightByEight: secret, Trigger: secret, Tencent: secret,
		AllowRoute: map[string][]netip.Prefix{server.RouteAdmin: {netip.MustParsePrefix("10.0.0.0/8")}}}
	return build(), build(server.WithAuth(guard))
}

// fuzzSeeds are the webhooks of testdata/webhooks on their routes, with the
// headers the guarded server wants, and requests that try its edges.
func fuzzSeeds(f *testing.F) {
	routes := map[string]string{
		"tencent":  "/hooks/tencent",
		"8x8":      "/hooks/8x8",
		"callback": "/hooks/callback/callme",
		"callbot":  "/hooks/callbot/exam_results",
	}
	for platform, route := range routes {
		files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "webhooks", platform, "*.json"))
		if len(files) == 0 {
			f.Fatalf("no %s webhooks in testdata", platform)
		}
		for _, file := range files {
			body, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add("POST", route, "Content-Type: application/json", body, false)
			f.Add("POST", route, "Content-Type: application/json\nAuthorization: Bearer "+fuzzSecret, body, true)
		}
	}
	tencent, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", "tencent", "call_vip.json"))
	trigger := []byte(`{"id":"t-1","from":"+6591234567","to":"+6561112222","data":{"s":"x"}}`)
	for _, s := range []struct {
		method, path, header string
		body                 []byte
		guarded              bool
	}{
		{"POST", "/hooks/tencent/s/" + fuzzSecret + "/reception", "", tencent, true},
		{"POST", "/hooks/tencent/s/wrong", "Content-Type: application/json", tencent, true},
		{"POST", "/hooks/tencent/reception", "Content-Type: application/json; charset=utf-8", tencent, false},
		{"POST", "/hooks/callback/nosuchflow", "", trigger, false},
		{"POST", "/hooks/callback/callme", "Content-Type: application/x-www-form-urlencoded", []byte("a=b"), false},
		{"POST", "/hooks/callback/callme", "Content-Type: text/plain\nContent-Length: 99999999", trigger, false},
		{"POST", "/hooks/callback/callme", "Transfer-Encoding: chunked", []byte("5\r\n{\"id\"\r\n0\r\n\r\n"), false},
		{"POST", "/hooks/8x8", "Authorization: " + fuzzSecret, []byte(`{"eventType":"CALL_ACTION"`), true},
		{"POST", "/hooks//8x8/../tencent", "", tencent, false},
		{"PUT", "/hooks/tencent", "", tencent, false},
		{"GET", "/metrics", "", nil, false},
		{"GET", "/metrics", "", nil, true},
		{"HEAD", "/v1/flows", "", nil, false},
		{"GET", "/readyz", "", nil, false},
		{"DELETE", "/healthz", "", nil, false},
		{"GET", "/%2e%2e/etc/passwd", "", nil, false},
		{"OPTIONS", "*", "", nil, false},
		{"GET", "*", "", nil, true},
		{"POST", "/hooks/callbot/exam_results", "Content-Type: application/json", []byte(`{"id":"` + strings.Repeat("9", 300) + `","data":{"n":1e999}}`), false},
	} {
		f.Add(s.method, s.path, s.header, s.body, s.guarded)
	}
}

// FuzzServer drives the server's http.Handler with requests built from a
// fuzzed method, path, header block and body, on the open and the guarded
// server. The request goes through http.ReadRequest first, as net/http's
// server reads it; what that refuses never reaches the handler. For every
// request: nothing panics (the server recovers, so its log is watched), the
// status is one the route may answer, an error status carries the JSON error
// body {"error":{"code":…,"message":…}}, and a webhook's 200 is an answer its
// platform reads.
func FuzzServer(f *testing.F) {
	logs := &panicLog{}
	open, guarded := fuzzServers(f, logs)
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, method, path, header string, body []byte, guard bool) {
		req, ok := readRequest(method, path, header, body)
		if !ok {
			return
		}
		h := open
		if guard {
			h = guarded
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if seen := logs.take(); len(seen) > 0 {
			t.Fatalf("%s %s panicked: %q", req.Method, req.URL.Path, seen)
		}
		checkResponse(t, req, rec)
	})
}

// readRequest builds the raw HTTP/1.1 request and reads it as the server
// would; ok is false when net/http refuses it before any handler runs.
func readRequest(method, path, header string, body []byte) (*http.Request, bool) {
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: callflow.test\r\n", method, path)
	for _, line := range strings.Split(header, "\n") {
		if line = strings.TrimRight(line, "\r"); line != "" {
			raw.WriteString(line + "\r\n")
		}
	}
	if !strings.Contains(strings.ToLower(header), "content-length") && !strings.Contains(strings.ToLower(header), "transfer-encoding") {
		fmt.Fprintf(&raw, "Content-Length: %d\r\n", len(body))
	}
	raw.WriteString("\r\n")
	raw.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&raw))
	if err != nil {
		return nil, false
	}
	req.RemoteAddr = "127.0.0.1:40000"
	return req, true
}

func checkResponse(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	platform := webhookRoute(req.URL.Path)
	allowed := otherStatuses
	switch {
	case req.RequestURI == "*":
		allowed = statusSet(http.StatusBadRequest) // names the server, no route
	case platform != "":
		allowed = webhookStatuses
	}
	if !allowed[rec.Code] {
		t.Fatalf("%s %s: status %d, not one the route answers\n%s", req.Method, req.URL.Path, rec.Code, rec.Body.Bytes())
	}
	if req.Method == http.MethodHead || (rec.Code >= 300 && rec.Code < 400) || rec.Code == http.StatusNoContent {
		return
	}
	out := rec.Body.Bytes()
	if rec.Code >= 400 {
		var e struct {
			Error struct{ Code, Message string }
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
			json.Unmarshal(out, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%s %s: status %d with a body that is not a JSON error (%s): %q",
				req.Method, req.URL.Path, rec.Code, rec.Header().Get("Content-Type"), out)
		}
		return
	}
	if platform == "" || rec.Code != http.StatusOK {
		return
	}
	if err := platformAnswer(platform, out); err != nil {
		t.Fatalf("%s %s: 200 is not a %s answer: %v\n%s", req.Method, req.URL.Path, platform, err, out)
	}
}

// platformAnswer checks that body is an answer the platform reads: only the
// fields it knows, with the types it expects.
func platformAnswer(platform string, body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	switch platform {
	case "tencent":
		var a struct {
			CallInBound *struct {
				OverrideAIAgentId int64
				OverrideIvrId     int64
				Variables         []struct{ Key, Value string }
			}
		}
		if err := dec.Decode(&a); err != nil {
			return err
		}
		if c := a.CallInBound; c == nil || c.OverrideAIAgentId < 0 || c.OverrideIvrId < 0 ||
			(c.OverrideAIAgentId > 0 && c.OverrideIvrId > 0) {
			return errors.New("CallInBound missing, or routed to a negative id or to an agent and an IVR")
		}
	case "8x8":
		var a struct {
			ClientActionID *string `json:"clientActionId"`
			Callflow       []struct {
				Action string          `json:"action"`
				Params json.RawMessage `json:"params"`
			} `json:"callflow"`
		}
		if err := dec.Decode(&a); err != nil {
			return err
		}
		for _, s := range a.Callflow {
			switch s.Action {
			case "say", "playFile", "sayAndCapture", "playAndCapture", "makeCall", "hangup":
			default:
				return fmt.Errorf("unknown action %q", s.Action)
			}
		}
		if a.ClientActionID != nil && *a.ClientActionID == "" {
			return errors.New("empty clientActionId")
		}
	case "callback", "callbot":
		var a struct {
			Method string            `json:"method"`
			Path   string            `json:"path"`
			Query  map[string]string `json:"query"`
			Body   json.RawMessage   `json:"body"`
		}
		if err := dec.Decode(&a); err != nil {
			return err
		}
		if a.Method != http.MethodPost || !strings.HasPrefix(a.Path, "/") || !json.Valid(a.Body) {
			return errors.New("not a rendered platform request")
		}
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// TestPlatformAnswer checks FuzzServer's judge of answers: every answer
// golden of testdata/webhooks passes, and answers a platform could not read
// fail.
func TestPlatformAnswer(t *testing.T) {
	for platform, patterns := range map[string][]string{
		"tencent":  {"agent*.json", "hangup.json", "ivr*.json", "keep*.json"},
		"8x8":      {"fallback_*.json", "render_*.json"},
		"callback": {"callback_*.json"},
		"callbot":  {"exam_result.json", "full.json", "minimal.json"},
	} {
		n := 0
		for _, p := range patterns {
			files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "webhooks", platform, "golden", p))
			for _, file := range files {
				body, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if err := platformAnswer(platform, body); err != nil {
					t.Errorf("%s: %v", file, err)
				}
				n++
			}
		}
		if n == 0 {
			t.Errorf("no %s answer goldens", platform)
		}
	}
	for _, bad := range []struct{ platform, body string }{
		{"tencent", `{"CallInBound":{"OverrideAIAgentId":1,"OverrideIvrId":2}}`},
		{"tencent", `{"CallInBound":{"OverrideAIAgentId":"1"}}`},
		{"tencent", `{}`},
		{"tencent", `{"CallInBound":{}}{}`},
		{"8x8", `{"callflow":[{"action":"dance"}]}`},
		{"8x8", `{"callflow":{}}`},
		{"8x8", `{"clientActionId":"","callflow":[]}`},
		{"8x8", `{"error":{"code":"x","message":"y"}}`},
		{"callback", `{"error":{"code":"flow_unavailable","message":"no"}}`},
		{"callbot", `{"method":"GET","path":"/x","body":{}}`},
	} {
		if platformAnswer(bad.platform, []byte(bad.body)) == nil {
			t.Errorf("%s answer %s passed", bad.platform, bad.body)
		}
	}
}
