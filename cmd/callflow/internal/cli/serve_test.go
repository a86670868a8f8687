package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serveBuffer is an output safe for the server's goroutines.
type serveBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *serveBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *serveBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe parses args as `callflow serve` would and runs it until the
// returned cancel is called; it waits until the server listens and the
// flows are loaded. The table of the start is printed (--startup-table
// always: stdout is no terminal here).
func startServe(t *testing.T, hooks *serveHooks, args ...string) (addr string, stdout, stderr *serveBuffer, cancel func(), done <-chan error) {
	t.Helper()
	stdout, stderr = &serveBuffer{}, &serveBuffer{}
	var cli app
	kctx, code, finished := parse(&cli, append([]string{"serve", "--startup-table", "always"}, args...), stdout, stderr)
	if finished {
		t.Fatalf("callflow serve %q: exit %d: %s", args, code, stderr)
	}
	if kctx.Command() != "serve" {
		t.Fatalf("parsed as %q", kctx.Command())
	}
	listening := make(chan string, 1)
	hooks.listening = func(a string) { listening <- a }
	ctx, stop := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- cli.Serve.serve(ctx, &env{stdout: stdout, stderr: stderr}, hooks) }()
	select {
	case addr = <-listening:
	case err := <-errc:
		t.Fatalf("serve ended at once: %v\nstderr: %s", err, stderr)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(stop)
	return addr, stdout, stderr, stop, errc
}

const serveFlow = `flow hello

target tencent
number "+10000000001"

lookup crm = get "%s/agent" timeout 2500ms else {agent: 5}

otherwise -> main

handler main {
  agent crm.agent
}
`

// An in-flight webhook finishes during a graceful shutdown, and serve
// returns nil.
func TestServeGracefulShutdown(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		fmt.Fprint(w, `{"agent": 77}`)
	}))
	defer crm.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.flow"), []byte(fmt.Sprintf(serveFlow, crm.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "broken.flow"), []byte("flow broken\n\nhandler {\n"), 0o644)

	var once sync.Once
	hooks := &serveHooks{shutdown: func() { once.Do(func() { close(release) }) }}
	addr, stdout, stderr, cancel, done := startServe(t, hooks, "--addr", "127.0.0.1:0", "--dir", dir, "--log-format", "json", "--tencent-budget", "4.5s")
	url := "http://" + addr

	for path, want := range map[string]string{"/healthz": `"ok"`, "/readyz": `"ready"`, "/v1/flows": `"name":"hello"`, "/metrics": "callflow_flows_loaded"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d %s; want 200 and %s", path, resp.StatusCode, b, want)
		}
	}

	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		body := `{"Event":"CallInBound","SessionId":"s-1","SdkAppId":1,"CallInBound":{"AIAgentId":0,"IvrId":7,"Caller":"+8613066668888","Callee":"+10000000001"}}`
		resp, err := http.Post(url+"/hooks/tencent", "application/json", strings.NewReader(body))
		if err != nil {
			answered <- answer{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- answer{status: resp.StatusCode, body: string(b)}
	}()
	select {
	case <-arrived: // the webhook is in flight, waiting on its lookup
	case a := <-answered:
		t.Fatalf("the webhook was answered without its lookup: %+v\nstdout: %s", a, stdout)
	case <-time.After(15 * time.Second):
		t.Fatal("the webhook's lookup never came")
	}
	cancel() // SIGTERM
	a := <-answered
	if a.err != nil || a.status != 200 || a.body != `{"CallInBound":{"OverrideAIAgentId":77}}` {
		t.Errorf("the in-flight webhook got %d %q %v; want agent 77 from its lookup", a.status, a.body, a.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not return after the shutdown")
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still accepts connections after the shutdown")
	}

	out := stdout.String()
	for _, want := range []string{"listening on http://127.0.0.1:", "loaded 1 flow; 1 with errors", "hello", "broken", "not serving", "broken.flow:3:", "error[syntax]"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"shutting down: finishing the webhooks in flight"`, `"msg":"stopped"`, `"msg":"webhook"`, `"msg":"flow failed to load"`, "random key"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "8613066668888") {
		t.Errorf("the caller's number is in the log unmasked:\n%s", logs)
	}
}

// --require-tests keeps a flow whose tests fail from serving.
func TestServeRequireTests(t *testing.T) {
	dir := t.TempDir()
	flow := "flow hello\n\ntarget tencent\nnumber \"+10000000001\"\n\notherwise -> main\n\nhandler main {\n  agent 1\n}\n"
	test := "flow hello\n\ntest \"agent 2\" {\n  call tencent from \"+8613066668888\" to \"+10000000001\"\n  expect agent 2\n}\n"
	os.WriteFile(filepath.Join(dir, "hello.flow"), []byte(flow), 0o644)
	os.WriteFile(filepath.Join(dir, "hello_test.flow"), []byte(test), 0o644)
	addr, _, _, _, _ := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", dir, "--require-tests")
	resp, err := http.Get("http://" + addr + "/v1/flows")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Flows []struct {
			Name, Status string
			Serving      bool
			Diagnostics  []struct{ Code, Message string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if len(st.Flows) != 1 || st.Flows[0].Status != "error" || st.Flows[0].Serving ||
		len(st.Flows[0].Diagnostics) != 1 || st.Flows[0].Diagnostics[0].Code != "tests-failed" ||
		!strings.Contains(st.Flows[0].Diagnostics[0].Message, "agent 2") {
		t.Errorf("flows %+v; want hello in error with its failing test", st.Flows)
	}
}

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("x\n"), 0o600)
	tests := []struct {
		args []string
		env  map[string]string
		msg  string
	}{
		{[]string{"--dir", filepath.Join(dir, "nosuch")}, nil, "--dir"},
		{[]string{"--dir", secret}, nil, "is not a folder"},
		{[]string{"--dir", dir, "--tencent-budget", "5s"}, nil, "--tencent-budget"},
		{[]string{"--dir", dir, "--apology", "Sorry"}, nil, "--apology-voice"},
		{[]string{"--dir", dir, "--allow", "10.0.0.0/33"}, nil, "--allow"},
		{[]string{"--dir", dir, "--log-format", "xml"}, nil, "--log-format"},
		{[]string{"--dir", dir, "--secret-file", secret}, nil, "at least 16"},
		{[]string{"--dir", dir, "--addr", "127.0.0.1:bad"}, nil, "--addr"},
		{[]string{"--dir", dir}, map[string]string{"CALLFLOW_8X8_AUTH": "a", "CALLFLOW_8X8_AUTH_FILE": secret}, "not both"},
		{[]string{"--dir", dir}, map[string]string{"CALLFLOW_TRIGGER_TOKEN_FILE": filepath.Join(dir, "nosuch")}, "CALLFLOW_TRIGGER_TOKEN_FILE"},
		{nil, map[string]string{"CALLFLOW_DIR": filepath.Join(dir, "nosuch")}, "--dir"},
		{nil, map[string]string{"CALLFLOW_DIR": dir, "CALLFLOW_POLL": "-1s"}, "--poll"},
		{[]string{"--dir", dir, "--callback-url", "https://dtl.example"}, nil, "--callback-url needs DataTechLabs credentials"},
		{[]string{"--dir", dir}, map[string]string{"CALLFLOW_CALLBACK_URL": "https://dtl.example", "CALLFLOW_CALLBACK_AUTH_HEADER": "X-Api-Key"}, "--callback-url needs DataTechLabs credentials"},
		{[]string{"--dir", dir, "--callbot-url", "https://omi.example"}, nil, "--callbot-url needs OMICall's API key"},
		{[]string{"--dir", dir, "--callback-url", "https://dtl.example"}, map[string]string{"CALLFLOW_CALLBACK_TOKEN": "t", "CALLFLOW_CALLBACK_AUTH": "a"}, "not both"},
		{[]string{"--dir", dir, "--callback-url", "https://dtl.example", "--callback-auth-header", "X-Key"}, map[string]string{"CALLFLOW_CALLBACK_TOKEN": "t"}, "--callback-auth-header"},
		{[]string{"--dir", dir, "--callback-url", "ftp://dtl.example"}, map[string]string{"CALLFLOW_CALLBACK_TOKEN": "t"}, "--callback-url: base URL"},
		{[]string{"--dir", dir, "--callbot-url", "https://user:pw@omi.example"}, map[string]string{"CALLFLOW_CALLBOT_API_KEY": "k"}, "--callbot-url: base URL"},
		{[]string{"--dir", dir, "--callbot-url", "https://omi.example"}, map[string]string{"CALLFLOW_CALLBOT_API_KEY_FILE": filepath.Join(dir, "nosuch")}, "CALLFLOW_CALLBOT_API_KEY_FILE"},
		{[]string{"--dir", dir, "--dispatch-retries", "-1"}, nil, "--dispatch-retries"},
		{[]string{"--dir", dir, "--dispatch-timeout", "0s"}, nil, "--dispatch-timeout"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			if code := Run(append([]string{"serve"}, tt.args...), &stdout, &stderr); code != exitUsage {
				t.Errorf("exit %d, want 2; stderr %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.msg) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.msg)
			}
		})
	}
}

// Secrets come from the environment or files, never from flags; their
// values never reach the output.
func TestServeSecretsFromEnv(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("file-token-0123456789abcdef\n"), 0o600)
	t.Setenv("CALLFLOW_TRIGGER_TOKEN_FILE", tokenFile)
	t.Setenv("CALLFLOW_8X8_AUTH", "env-8x8-value-0123456789")
	t.Setenv("CALLFLOW_SECRET", "signing-key-0123456789abcdef")
	flows := filepath.Join(dir, "flows")
	os.Mkdir(flows, 0o755)
	os.WriteFile(filepath.Join(flows, "callme.flow"), []byte("flow callme\n\ntarget callback\n\notherwise -> now\n\nhandler now {\n  callback {\n    leg A to caller from \"+6561112222\"\n    leg B to \"+6561112222\" from caller\n  }\n}\n"), 0o644)
	addr, stdout, stderr, cancel, done := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", flows, "--log-format", "text")
	url := "http://" + addr
	do := func(path, auth string) int {
		req, _ := http.NewRequest("POST", url+path, strings.NewReader(`{"id":"t-1","from":"+6591234567","to":"+6561112222"}`))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := do("/hooks/callback/callme", ""); got != 401 {
		t.Errorf("no token: %d, want 401", got)
	}
	if got := do("/hooks/callback/callme", "Bearer file-token-0123456789abcdef"); got != 200 {
		t.Errorf("the token from the file: %d, want 200", got)
	}
	if got := do("/hooks/8x8", ""); got != 401 {
		t.Errorf("8x8 without its header: %d, want 401", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := stdout.String() + stderr.String()
	for _, s := range []string{"file-token-0123456789abcdef", "env-8x8-value-0123456789", "signing-key-0123456789abcdef"} {
		if strings.Contains(out, s) {
			t.Errorf("a secret is in the output:\n%s", out)
		}
	}
	if strings.Contains(out, "random key") {
		t.Error("CALLFLOW_SECRET was not used")
	}
}

// --callback-url and --callbot-url dispatch triggers with the credentials
// from the environment; the answer holds the request and the platform's
// reply; the credentials never reach the output.
func TestServeDispatch(t *testing.T) {
	const (
		dtlToken = "dtl-token-5ecr3t-0123456789"
		omiKey   = "omi-key-5ecr3t-0123456789"
		omiToken = "omi-token-5ecr3t-0123456789"
	)
	var mu sync.Mutex
	var got []string
	platforms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		got = append(got, r.URL.Path)
		mu.Unlock()
		switch {
		case r.URL.Path == "/dtl/voice/call/callback" && r.Header.Get("Authorization") == "Bearer "+dtlToken:
			fmt.Fprint(w, `{"status":"queued"}`)
		case r.URL.Path == "/api/auth" && r.URL.Query().Get("apiKey") == omiKey:
			fmt.Fprint(w, `{"status_code":9999,"payload":{"access_token":"`+omiToken+`"}}`)
		case r.URL.Path == "/api/call_bot/execute_by_phone" && r.Header.Get("Authorization") == "Bearer "+omiToken && r.Header.Get("X-Api-Key") == omiKey:
			fmt.Fprint(w, `{"status_code":9999,"payload":{"autocall_id":"a-1"}}`)
		default:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"status_code":-9999,"message":"Unauthorized"}`)
		}
	}))
	defer platforms.Close()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "omi-key")
	os.WriteFile(keyFile, []byte(omiKey+"\n"), 0o600)
	t.Setenv("CALLFLOW_CALLBACK_TOKEN", dtlToken)
	t.Setenv("CALLFLOW_CALLBOT_API_KEY_FILE", keyFile)
	t.Setenv("CALLFLOW_CALLBOT_URL", platforms.URL)
	flows := filepath.Join(dir, "flows")
	os.Mkdir(flows, 0o755)
	os.WriteFile(filepath.Join(flows, "callme.flow"), []byte("flow callme\n\ntarget callback\n\notherwise -> now\n\nhandler now {\n  callback {\n    leg A to caller from \"+6561112222\"\n    leg B to \"+6561112222\" from caller\n  }\n}\n"), 0o644)
	os.WriteFile(filepath.Join(flows, "notify.flow"), []byte("flow notify\n\ntarget callbot\n\notherwise -> now\n\nhandler now {\n  campaign \"Reminder\" {\n    script \"653b155db0f794\"\n    cid \"842499950291\"\n    dedupe session\n    contact national(caller)\n  }\n}\n"), 0o644)
	addr, stdout, stderr, cancel, done := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", flows,
		"--callback-url", platforms.URL+"/dtl", "--dispatch-retries", "0")
	url := "http://" + addr
	trigger := func(route, id string) (int, string) {
		resp, err := http.Post(url+route, "application/json", strings.NewReader(`{"id":"`+id+`","from":"+84988888888","to":"+6561112222"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := trigger("/hooks/callback/callme", "t-1"); status != 200 ||
		!strings.HasPrefix(body, `{"request":{"method":"POST","url":"`+platforms.URL+`/dtl/voice/call/callback","body":{"leg_A":`) ||
		!strings.HasSuffix(body, `"response":{"status":200,"body":{"status":"queued"}}}`+"\n") {
		t.Errorf("callback: %d %s", status, body)
	}
	if status, body := trigger("/hooks/callbot/notify", "t-2"); status != 200 ||
		!strings.Contains(body, `"response":{"status":200,"body":{"status_code":9999,"payload":{"autocall_id":"a-1"}}}`) {
		t.Errorf("callbot: %d %s", status, body)
	}
	if status, _ := trigger("/hooks/callback/callme", "t-1"); status != 200 {
		t.Errorf("callback again: %d", status)
	}
	mu.Lock()
	if want := "/dtl/voice/call/callback /api/auth /api/call_bot/execute_by_phone"; strings.Join(got, " ") != want {
		t.Errorf("the platforms got %v, want %s", got, want)
	}
	mu.Unlock()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{
		"dispatching callback triggers to " + platforms.URL + " (bearer token; 0 retries, 20s timeout)",
		"dispatching callbot triggers to " + platforms.URL + " (API key; 0 retries, 20s timeout)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	logs := stderr.String()
	if !strings.Contains(logs, `"dispatch":"replayed"`) || !strings.Contains(logs, `"msg":"omicall token fetched"`) {
		t.Errorf("the log lacks the dispatches:\n%s", logs)
	}
	for _, s := range []string{dtlToken, omiKey, omiToken, "/dtl\""} {
		if strings.Contains(out+logs, s) {
			t.Errorf("%q is in the output:\n%s\n%s", s, out, logs)
		}
	}
	if strings.Contains(logs, "84988888888") {
		t.Errorf("the caller's number is in the log unmasked:\n%s", logs)
	}
}

// The real process: SIGTERM shuts it down with exit 0.
func TestServeSignal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	if os.Getenv("CALLFLOW_SERVE_HELPER") == "1" {
		os.Exit(Run(strings.Fields(os.Getenv("CALLFLOW_SERVE_ARGS")), os.Stdout, os.Stderr))
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hello.flow"), []byte("flow hello\n\ntarget tencent\n\notherwise -> main\n\nhandler main {\n  agent 1\n}\n"), 0o644)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeSignal$")
	cmd.Env = append(os.Environ(), "CALLFLOW_SERVE_HELPER=1", "CALLFLOW_SERVE_ARGS=serve --startup-table always --addr 127.0.0.1:0 --dir "+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stdout)
	var url string
	for lines.Scan() {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
		}
		if strings.HasPrefix(lines.Text(), "loaded ") {
			break
		}
	}
	if url == "" {
		t.Fatalf("no listening line; stderr:\n%s", stderr.String())
	}
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/readyz: %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no stopped line:\n%s", stderr.String())
	}
}
