package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/server"
)

// The flows of the dispatch tests: a callback, a callback that declines
// unless data.call is true, and a callbot campaign.
var dispatchFlows = map[string]string{
	"callme.flow": testFlows["callme.flow"],
	"maybe.flow": `flow maybe

target callback

when data.call == true -> now

handler now {
  callback {
    leg A to caller from "+6561112222"
    leg B to "+6561112222" from caller
  }
}
`,
	"notify.flow": `flow notify

target callbot

otherwise -> now

handler now {
  campaign "Reminder" {
    script "653b155db0f794"
    cid    "842499950291"
    dedupe session
    contact national(caller)
  }
}
`,
}

// The platforms' credentials: none may reach a log or an answer.
const (
	callbackToken = "dtl-token-5ecr3t-0123456789"
	omiKey        = "omi-api-key-5ecr3t-0123456789"
	omiToken      = "omi-access-token-5ecr3t-0123456789"
)

// platformCall is one request a fake platform got.
type platformCall struct {
	method, path, query string
	header              http.Header
	body                string
}

// fakePlatform is an httptest.Server playing DataTechLabs or OMICall:
// answer says how to answer the nth request (from 1) to a path.
type fakePlatform struct {
	*httptest.Server
	answer func(n int, c platformCall) (status int, body string)

	mu  sync.Mutex
	got []platformCall
}

func newFakePlatform(t *testing.T, answer func(n int, c platformCall) (int, string)) *fakePlatform {
	t.Helper()
	p := &fakePlatform{answer: answer}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c := platformCall{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: string(b)}
		p.mu.Lock()
		p.got = append(p.got, c)
		n := 0
		for _, g := range p.got {
			if g.path == c.path {
				n++
			}
		}
		p.mu.Unlock()
		status, body := p.answer(n, c)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(p.Close)
	return p
}

// calls returns the requests received on path.
func (p *fakePlatform) calls(path string) []platformCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []platformCall
	for _, c := range p.got {
		if c.path == path {
			out = append(out, c)
		}
	}
	return out
}

const (
	callbackPath = "/voice/call/callback"
	authPath     = "/api/auth"
	executePath  = "/api/call_bot/execute_by_phone"
	dtlAccepted  = `{"status":"queued","call_id":"c-9001"}`
	omiExecuted  = `{"instance_id":"stg","payload":{"bot_script_id":"653b155db0f794","autocall_id":"6552de1891be25"},"status_code":9999}`
)

// dataTechLabs answers callbacks with answer, after checking the token.
func dataTechLabs(t *testing.T, answer func(n int) (int, string)) *fakePlatform {
	return newFakePlatform(t, func(n int, c platformCall) (int, string) {
		if c.path != callbackPath || c.method != http.MethodPost {
			return 404, `{"message":"not found"}`
		}
		if c.header.Get("Authorization") != "Bearer "+callbackToken {
			return 401, `{"message":"bad token"}`
		}
		return answer(n)
	})
}

// omiCall hands out omiToken for omiKey and runs campaigns sent with both.
func omiCall(t *testing.T) *fakePlatform {
	return newFakePlatform(t, func(n int, c platformCall) (int, string) {
		switch c.path {
		case authPath:
			if c.query != "apiKey="+omiKey {
				return 200, `{"status_code":-9999,"message":"invalid API key"}`
			}
			return 200, `{"status_code":9999,"payload":{"access_token":"` + omiToken + `","token_type":"Bearer"}}`
		case executePath:
			if c.header.Get("Authorization") != "Bearer "+omiToken || c.header.Get("X-Api-Key") != omiKey {
				return 401, `{"status_code":-9999,"message":"Unauthorized"}`
			}
			return 200, omiExecuted
		}
		return 404, `{"status_code":-1,"message":"not found"}`
	})
}

// dispatchServer serves dispatchFlows with the dispatcher on loopback; wrap,
// when set, wraps the handler. The log holds the server's and the
// dispatcher's lines.
type dispatchServer struct {
	url  string
	logs *syncBuffer
	seen []string // every answer body, to check for credentials
	mu   sync.Mutex
}

func newDispatchServer(t *testing.T, d func(*slog.Logger) dispatch.Dispatcher, wrap func(http.Handler) http.Handler) *dispatchServer {
	t.Helper()
	ds := &dispatchServer{logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(ds.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	eng, err := runtime.New(runtime.WithFlows(compile(t, dispatchFlows)), runtime.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	opts := []server.Option{server.WithLogger(logger)}
	if d != nil {
		opts = append(opts, server.WithDispatcher(d(logger.With("component", "dispatch"))))
	}
	srv, err := server.New(eng, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	ds.url = ts.URL
	return ds
}

// dispatcher builds a dispatch client for the tests: retries without waiting.
func dispatcher(opts ...dispatch.Option) func(*slog.Logger) dispatch.Dispatcher {
	return func(l *slog.Logger) dispatch.Dispatcher {
		c := dispatch.New(append([]dispatch.Option{dispatch.WithRetry(3, 0), dispatch.WithLogger(l)}, opts...)...)
		if err := c.Err(); err != nil {
			panic(err)
		}
		return c
	}
}

// trigger posts a trigger with id to the route and returns the answer.
func (ds *dispatchServer) trigger(t *testing.T, route, id, data string) (int, string) {
	t.Helper()
	status, body, err := post(ds.url+route, "application/json",
		fmt.Sprintf(`{"id":%q,"from":"+6591234567","to":"+6561112222","data":%s}`, id, data), nil)
	if err != nil {
		t.Fatal(err)
	}
	ds.mu.Lock()
	ds.seen = append(ds.seen, string(body))
	ds.mu.Unlock()
	return status, string(body)
}

// noSecrets fails the test if a credential is in a log or an answer.
func (ds *dispatchServer) noSecrets(t *testing.T) {
	t.Helper()
	ds.mu.Lock()
	out := strings.Join(ds.seen, "\n") + "\n" + ds.logs.String()
	ds.mu.Unlock()
	for _, s := range []string{callbackToken, omiKey, omiToken} {
		if strings.Contains(out, s) {
			t.Errorf("a credential (%s…) is in a log or an answer:\n%s", s[:8], out)
		}
	}
}

// dispatchLines are the dispatch fields of the webhook log lines.
func (ds *dispatchServer) dispatchLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range ds.logs.lines(t, "webhook") {
		m := map[string]any{}
		for _, k := range []string{"status", "outcome", "dispatch", "dispatch_attempts", "dispatch_replayed", "dispatch_status", "level"} {
			if v, ok := l[k]; ok {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

// dispatchAnswer is a dispatched trigger's answer.
type dispatchAnswer struct {
	Request struct {
		Method, URL string
		Body        json.RawMessage
	}
	Response *struct {
		Status int
		Body   json.RawMessage
	}
	Error *struct{ Code, Message string }
}

func decodeAnswer(t *testing.T, body string) dispatchAnswer {
	t.Helper()
	var a dispatchAnswer
	dec := json.NewDecoder(strings.NewReader(body))
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("the answer is not JSON: %q", body)
	}
	return a
}

func (ds *dispatchServer) metrics(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(ds.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func wantMetrics(t *testing.T, metrics string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(metrics, w+"\n") {
			t.Errorf("the metrics lack %q", w)
		}
	}
}

// A callback trigger is dispatched once; the same trigger again gets the
// identical answer and nothing is sent.
func TestDispatchCallback(t *testing.T) {
	dtl := dataTechLabs(t, func(int) (int, string) { return 200, dtlAccepted })
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallback(dtl.URL, dispatch.Bearer(callbackToken))), nil)

	status, body := ds.trigger(t, "/hooks/callback/callme", "web-1", "{}")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	a := decodeAnswer(t, body)
	wantBody := `{"leg_A":{"to":"+6591234567","from":"+6561112222"},"leg_B":{"to":"+6561112222","from":"+6591234567"}}`
	if a.Request.Method != "POST" || a.Request.URL != dtl.URL+callbackPath || string(a.Request.Body) != wantBody {
		t.Errorf("request %s %s %s; want POST %s %s", a.Request.Method, a.Request.URL, a.Request.Body, dtl.URL+callbackPath, wantBody)
	}
	if a.Response == nil || a.Response.Status != 200 || string(a.Response.Body) != dtlAccepted || a.Error != nil {
		t.Errorf("answer %s; want DataTechLabs' 200 %s", body, dtlAccepted)
	}
	got := dtl.calls(callbackPath)
	if len(got) != 1 || got[0].body != wantBody || got[0].header.Get("Content-Type") != "application/json" {
		t.Fatalf("DataTechLabs got %+v; want one request with %s", got, wantBody)
	}

	status2, body2 := ds.trigger(t, "/hooks/callback/callme", "web-1", "{}")
	if status2 != status || body2 != body {
		t.Errorf("the same trigger again: %d %s; want the identical %d %s", status2, body2, status, body)
	}
	if n := len(dtl.calls(callbackPath)); n != 1 {
		t.Errorf("DataTechLabs got %d requests for one trigger id, want 1", n)
	}

	lines := ds.dispatchLines(t)
	want := []string{
		`map[dispatch:ok dispatch_attempts:1 dispatch_replayed:false dispatch_status:200 level:INFO outcome:answered status:200]`,
		`map[dispatch:replayed dispatch_attempts:1 dispatch_replayed:true dispatch_status:200 level:INFO outcome:duplicate status:200]`,
	}
	if len(lines) != 2 || fmt.Sprint(lines[0]) != want[0] || fmt.Sprint(lines[1]) != want[1] {
		t.Errorf("webhook lines:\n%v\nwant\n%v", lines, want)
	}
	m := ds.metrics(t)
	wantMetrics(t, m,
		`callflow_dispatches_total{outcome="ok",platform="callback"} 1`,
		`callflow_dispatches_total{outcome="replayed",platform="callback"} 1`,
		`callflow_dispatches_total{outcome="error",platform="callback"} 0`)
	if strings.Contains(m, `callflow_dispatches_total{outcome="ok",platform="callbot"}`) {
		t.Error("callbot dispatch counters shown, but callbot is not dispatched")
	}
	checkExposition(t, m)
	ds.noSecrets(t)
}

// A flow that declines is answered 204 and nothing is sent.
func TestDispatchDeclined(t *testing.T) {
	dtl := dataTechLabs(t, func(int) (int, string) { return 200, dtlAccepted })
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallback(dtl.URL, dispatch.Bearer(callbackToken))), nil)
	status, body := ds.trigger(t, "/hooks/callback/maybe", "web-2", `{"call":false}`)
	if status != 204 || body != "" {
		t.Errorf("declined: %d %q; want 204 and no body", status, body)
	}
	if n := len(dtl.calls(callbackPath)); n != 0 {
		t.Errorf("DataTechLabs got %d requests for a declined trigger", n)
	}
	if status, body := ds.trigger(t, "/hooks/callback/maybe", "web-3", `{"call":true}`); status != 200 || len(dtl.calls(callbackPath)) != 1 {
		t.Errorf("accepted: %d %s; want 200 and one request", status, body)
	}
	if l := ds.dispatchLines(t); len(l) != 2 || l[0]["dispatch"] != nil || l[1]["dispatch"] != "ok" {
		t.Errorf("webhook lines %v; want no dispatch, then ok", l)
	}
	// A trigger naming no loaded flow is not dispatched either.
	if status, _ := ds.trigger(t, "/hooks/callback/nosuch", "web-4", "{}"); status != 404 || len(dtl.calls(callbackPath)) != 1 {
		t.Errorf("unknown flow: %d; want 404 and nothing sent", status)
	}
}

// A platform's 5xx is retried; the answer is the last attempt's.
func TestDispatchRetried(t *testing.T) {
	dtl := dataTechLabs(t, func(n int) (int, string) {
		if n < 3 {
			return 500, `{"message":"try later"}`
		}
		return 200, dtlAccepted
	})
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallback(dtl.URL, dispatch.Bearer(callbackToken))), nil)
	status, body := ds.trigger(t, "/hooks/callback/callme", "web-5", "{}")
	a := decodeAnswer(t, body)
	if status != 200 || a.Response == nil || a.Response.Status != 200 || a.Error != nil {
		t.Errorf("%d %s; want 200 with DataTechLabs' 200", status, body)
	}
	if n := len(dtl.calls(callbackPath)); n != 3 {
		t.Errorf("DataTechLabs got %d requests, want 3", n)
	}
	if l := ds.dispatchLines(t); len(l) != 1 || l[0]["dispatch_attempts"] != float64(3) {
		t.Errorf("webhook lines %v; want 3 attempts", l)
	}
	if n := len(ds.logs.lines(t, "dispatch attempt failed")); n != 2 {
		t.Errorf("%d failed attempts logged, want 2", n)
	}
	ds.noSecrets(t)
}

// A platform that cannot be reached gets 502 with the error; a later
// delivery of the trigger tries again, since nothing was sent.
func TestDispatchPlatformDown(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallback(downURL, dispatch.Bearer(callbackToken))), nil)
	for i := range 2 {
		status, body := ds.trigger(t, "/hooks/callback/callme", "web-6", "{}")
		a := decodeAnswer(t, body)
		if status != 502 || a.Error == nil || a.Error.Code != "dispatch_failed" || !strings.Contains(a.Error.Message, "dispatch callback") {
			t.Fatalf("delivery %d: %d %s; want 502 dispatch_failed", i+1, status, body)
		}
		if a.Request.URL != downURL+callbackPath || a.Response != nil || !strings.Contains(body, `"response":null`) {
			t.Errorf("delivery %d: %s; want the request and a null response", i+1, body)
		}
	}
	lines := ds.dispatchLines(t)
	if len(lines) != 2 || lines[0]["dispatch"] != "error" || lines[0]["dispatch_attempts"] != float64(3) || lines[0]["level"] != "ERROR" ||
		lines[1]["dispatch"] != "error" || lines[1]["dispatch_replayed"] != false {
		t.Errorf("webhook lines %v; want two failed dispatches of 3 attempts, logged as errors", lines)
	}
	if hooks := ds.logs.lines(t, "webhook"); len(hooks) == 0 || !strings.Contains(fmt.Sprint(hooks[0]["error"]), "dispatch callback") {
		t.Errorf("the webhook line does not say why: %v", hooks)
	}
	wantMetrics(t, ds.metrics(t), `callflow_dispatches_total{outcome="error",platform="callback"} 2`)
	ds.noSecrets(t)
}

// A refusal (4xx) is final: 502 with the platform's answer, and the same
// trigger again gets the identical answer without being sent.
func TestDispatchRefused(t *testing.T) {
	dtl := dataTechLabs(t, func(int) (int, string) { return 422, `{"message":"leg_A.to is not a valid number"}` })
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallback(dtl.URL, dispatch.Bearer(callbackToken))), nil)
	status, body := ds.trigger(t, "/hooks/callback/callme", "web-7", "{}")
	a := decodeAnswer(t, body)
	if status != 502 || a.Error == nil || a.Error.Code != "dispatch_failed" || !strings.Contains(a.Error.Message, "not a valid number") ||
		a.Response == nil || a.Response.Status != 422 {
		t.Errorf("%d %s; want 502 with DataTechLabs' 422", status, body)
	}
	status2, body2 := ds.trigger(t, "/hooks/callback/callme", "web-7", "{}")
	if status2 != status || body2 != body || len(dtl.calls(callbackPath)) != 1 {
		t.Errorf("again: %d %s, %d requests; want the identical answer and one request", status2, body2, len(dtl.calls(callbackPath)))
	}
	wantMetrics(t, ds.metrics(t),
		`callflow_dispatches_total{outcome="error",platform="callback"} 1`,
		`callflow_dispatches_total{outcome="replayed",platform="callback"} 1`)
}

// OMICall: one token for several triggers, sent as a bearer token with
// the API key; the answer holds OMICall's reply.
func TestDispatchCallbot(t *testing.T) {
	omi := omiCall(t)
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallbot(omi.URL, omiKey)), nil)
	for _, id := range []string{"exam-1", "exam-2", "exam-1"} {
		status, body := ds.trigger(t, "/hooks/callbot/notify", id, "{}")
		a := decodeAnswer(t, body)
		if status != 200 || a.Response == nil || string(a.Response.Body) != omiExecuted {
			t.Fatalf("trigger %s: %d %s; want 200 with OMICall's reply", id, status, body)
		}
		if a.Request.URL != omi.URL+executePath+"?cid=842499950291" || !strings.Contains(string(a.Request.Body), `"ext_session_id":"`+id+`"`) {
			t.Errorf("trigger %s: request %s %s", id, a.Request.URL, a.Request.Body)
		}
	}
	if n := len(omi.calls(authPath)); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	exec := omi.calls(executePath)
	if len(exec) != 2 {
		t.Fatalf("%d campaigns sent, want 2 (exam-1, exam-2)", len(exec))
	}
	for _, c := range exec {
		if c.header.Get("Authorization") != "Bearer "+omiToken || c.header.Get("X-Api-Key") != omiKey || c.query != "cid=842499950291" {
			t.Errorf("campaign sent with Authorization %q, X-Api-Key %q, query %q", c.header.Get("Authorization"), c.header.Get("X-Api-Key"), c.query)
		}
	}
	wantMetrics(t, ds.metrics(t),
		`callflow_dispatches_total{outcome="ok",platform="callbot"} 2`,
		`callflow_dispatches_total{outcome="replayed",platform="callbot"} 1`)
	ds.noSecrets(t)
}

// Without a dispatcher, or for a platform it does not handle, the trigger
// is answered with the envelope, as without dispatch.
func TestDispatchNotConfigured(t *testing.T) {
	dtl := dataTechLabs(t, func(int) (int, string) { return 200, dtlAccepted })
	for name, d := range map[string]func(*slog.Logger) dispatch.Dispatcher{
		"none":          nil,
		"callback only": dispatcher(dispatch.WithCallback(dtl.URL, dispatch.Bearer(callbackToken))),
	} {
		t.Run(name, func(t *testing.T) {
			ds := newDispatchServer(t, d, nil)
			status, body := ds.trigger(t, "/hooks/callbot/notify", "exam-3", "{}")
			if status != 200 || !strings.HasPrefix(body, `{"method":"POST","path":"/api/call_bot/execute_by_phone"`) {
				t.Errorf("%d %s; want the envelope", status, body)
			}
			if l := ds.dispatchLines(t); len(l) != 1 || l[0]["dispatch"] != nil {
				t.Errorf("webhook lines %v; want no dispatch", l)
			}
			if strings.Contains(ds.metrics(t), `callflow_dispatches_total{outcome="ok",platform="callbot"}`) {
				t.Error("callbot dispatch counters shown, but callbot is not dispatched")
			}
		})
	}
	if n := len(dtl.calls(callbackPath)); n != 0 {
		t.Errorf("DataTechLabs got %d requests", n)
	}
}

// The sender hanging up does not cut the dispatch short: it finishes, is
// remembered as sent, and the next delivery replays it.
func TestDispatchOutlivesTheSender(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	dtl := dataTechLabs(t, func(int) (int, string) {
		once.Do(func() { close(arrived) })
		<-release
		return 200, dtlAccepted
	})
	gone := make(chan struct{}) // the server saw the first sender hang up
	var first sync.Once
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			first.Do(func() {
				ctx := r.Context()
				go func() {
					<-ctx.Done()
					close(gone)
				}()
			})
			h.ServeHTTP(w, r)
		})
	}
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallback(dtl.URL, dispatch.Bearer(callbackToken))), wrap)

	ctx, hangUp := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ds.url+"/hooks/callback/callme",
		strings.NewReader(`{"id":"web-8","from":"+6591234567","to":"+6561112222"}`))
	req.Header.Set("Content-Type", "application/json")
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the dispatch never reached DataTechLabs")
	}
	hangUp()
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the server never saw the sender hang up")
	}
	if err := <-errc; err == nil {
		t.Error("the sender got an answer before hanging up")
	}
	close(release)

	// The next delivery waits for the dispatch under way, or finds it done,
	// and replays its success.
	status, body := ds.trigger(t, "/hooks/callback/callme", "web-8", "{}")
	a := decodeAnswer(t, body)
	if status != 200 || a.Response == nil || a.Response.Status != 200 {
		t.Errorf("the next delivery: %d %s; want 200 with the dispatch's success", status, body)
	}
	if n := len(dtl.calls(callbackPath)); n != 1 {
		t.Errorf("DataTechLabs got %d requests, want 1", n)
	}
}

// fakeDispatcher fails every dispatch with a given error.
type fakeDispatcher struct{ err error }

func (f fakeDispatcher) Dispatch(ctx context.Context, platform, flow, id string, env dispatch.Envelope) (dispatch.Result, error) {
	return dispatch.Result{}, f.err
}

// A dispatcher without Handles takes both trigger platforms; an error that
// is not a *dispatch.Error is a 502 too, with a null request.
func TestDispatchOtherErrors(t *testing.T) {
	ds := newDispatchServer(t, func(*slog.Logger) dispatch.Dispatcher {
		return fakeDispatcher{err: fmt.Errorf("dispatch: store unavailable")}
	}, nil)
	for _, route := range []string{"/hooks/callback/callme", "/hooks/callbot/notify"} {
		status, body := ds.trigger(t, route, "x-1", "{}")
		if status != 502 || body != `{"error":{"code":"dispatch_failed","message":"dispatch: store unavailable"},"request":null,"response":null}`+"\n" {
			t.Errorf("%s: %d %s", route, status, body)
		}
	}
}

// One trigger id sent to two flows' routes is two triggers: each flow
// runs and each dispatch is sent (the outcome is kept by platform, flow
// and id), neither is a replay of the other. A copy on the same route is.
func TestDispatchKeyedByFlow(t *testing.T) {
	dtl := dataTechLabs(t, func(int) (int, string) { return 200, dtlAccepted })
	ds := newDispatchServer(t, dispatcher(dispatch.WithCallback(dtl.URL, dispatch.Bearer(callbackToken))), nil)
	for _, route := range []string{"/hooks/callback/callme", "/hooks/callback/maybe", "/hooks/callback/maybe"} {
		if status, body := ds.trigger(t, route, "shared-1", `{"call":true}`); status != 200 {
			t.Fatalf("%s: %d %s", route, status, body)
		}
	}
	if n := len(dtl.calls(callbackPath)); n != 2 {
		t.Errorf("DataTechLabs got %d requests, want 2: one per flow", n)
	}
	var got []any
	for _, l := range ds.dispatchLines(t) {
		got = append(got, l["dispatch"])
	}
	if fmt.Sprint(got) != "[ok ok replayed]" {
		t.Errorf("dispatch outcomes %v, want [ok ok replayed]", got)
	}
}
