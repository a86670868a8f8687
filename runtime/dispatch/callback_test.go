package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/callback"
	"github.com/callflow/callflow/runtime/platform"
)

const callbackPath = "/voice/call/callback"

// callbackEnvelope is what the callback adapter renders for a two-leg call.
func callbackEnvelope(t *testing.T) Envelope {
	t.Helper()
	reply, err := callback.New().Render(&platform.Event{}, &platform.Response{Actions: []platform.Action{platform.Callback{
		A: platform.Leg{To: "1000123", From: "1000125"},
		B: platform.Leg{To: "1000125", From: "1000123"},
	}}})
	if err != nil || reply.Status != http.StatusOK {
		t.Fatalf("Render: %v, %d", err, reply.Status)
	}
	env, err := ParseEnvelope(reply.Body)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

const accepted = `{"code":0,"status":200,"data":"accepted","request_id":"9976f46a"}`

func TestCallbackSuccess(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{"/api" + callbackPath: always(200, accepted)})
	c := New(WithCallback(p.URL+"/api/", Bearer("s3cret")), WithClock(newFakeClock(true)))
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	env := callbackEnvelope(t)
	res, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", env)
	if err != nil {
		t.Fatal(err)
	}
	got := p.requests("/api" + callbackPath)
	if len(got) != 1 {
		t.Fatalf("platform got %d requests, want 1 (paths: %v)", len(got), p.got)
	}
	r := got[0]
	if r.Method != "POST" || r.Query != "" {
		t.Errorf("request %s ?%s, want POST without a query", r.Method, r.Query)
	}
	if string(r.Body) != string(env.Body) {
		t.Errorf("body %s, want the rendered %s", r.Body, env.Body)
	}
	for k, want := range map[string]string{"Authorization": "Bearer s3cret", "Content-Type": "application/json"} {
		if v := r.Header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	if res.Attempts != 1 || res.Replayed {
		t.Errorf("Attempts %d, Replayed %v; want 1, false", res.Attempts, res.Replayed)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"request":{"method":"POST","url":"%s/api/voice/call/callback","body":{"leg_A":{"to":"1000123","from":"1000125"},"leg_B":{"to":"1000125","from":"1000123"}}},"response":{"status":200,"body":%s}}`, p.URL, accepted)
	if string(b) != want {
		t.Errorf("Result JSON\n got %s\nwant %s", b, want)
	}
}

func TestCallbackCredentials(t *testing.T) {
	for name, tt := range map[string]struct {
		cr         Credentials
		header, is string
	}{
		"basic":  {Basic("user", "pa:ss"), "Authorization", "Basic dXNlcjpwYTpzcw=="},
		"header": {Header("x-auth-token", "tok"), "X-Auth-Token", "tok"},
		"none":   {Credentials{}, "Authorization", ""},
	} {
		t.Run(name, func(t *testing.T) {
			p := newFakePlatform(t, map[string]answer{callbackPath: always(200, accepted)})
			c := New(WithCallback(p.URL, tt.cr))
			if _, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t)); err != nil {
				t.Fatal(err)
			}
			if v := p.requests(callbackPath)[0].Header.Get(tt.header); v != tt.is {
				t.Errorf("%s = %q, want %q", tt.header, v, tt.is)
			}
		})
	}
}

func TestCallbackRetried(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: func(n int, _ received) (int, string) {
		if n == 1 {
			return 503, `{"message":"busy"}`
		}
		return 200, accepted
	}})
	clk := newFakeClock(true)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(clk), WithRetry(3, time.Second))
	res, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.requests(callbackPath)); n != 2 {
		t.Errorf("platform got %d requests, want 2", n)
	}
	if res.Attempts != 2 || res.Response.Status != 200 {
		t.Errorf("Attempts %d, status %d; want 2, 200", res.Attempts, res.Response.Status)
	}
	if w := clk.Waits(); len(w) != 1 || w[0] < 500*time.Millisecond || w[0] > time.Second {
		t.Errorf("backoffs %v, want one in [0.5s, 1s]", w)
	}
	// Reported once: a duplicate replays it.
	again, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	if err != nil || !again.Replayed || again.Attempts != 2 {
		t.Errorf("duplicate: %+v, %v; want the replayed first result", again, err)
	}
	if n := len(p.requests(callbackPath)); n != 2 {
		t.Errorf("platform got %d requests after the duplicate, want 2", n)
	}
}

func TestCallbackRetriesExhausted(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(502, `{"error":{"message":"upstream down"}}`)})
	clk := newFakeClock(true)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(clk), WithRetry(4, 100*time.Millisecond))
	res, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	var de *Error
	if !errors.As(err, &de) || de.Status != 502 || de.Message != "upstream down" || de.Err != nil {
		t.Fatalf("err = %#v, want a 502 *Error with the platform's message", err)
	}
	if res.Attempts != 4 || len(p.requests(callbackPath)) != 4 {
		t.Errorf("Attempts %d, requests %d; want 4", res.Attempts, len(p.requests(callbackPath)))
	}
	w := clk.Waits()
	for i, d := range w {
		lo := 100 * time.Millisecond << i / 2
		if d < lo || d > 2*lo {
			t.Errorf("backoff %d = %v, want in [%v, %v]", i+1, d, lo, 2*lo)
		}
	}
	if len(w) != 3 {
		t.Errorf("%d backoffs, want 3", len(w))
	}
}

func TestNetworkFailure(t *testing.T) {
	p := newFakePlatform(t, nil)
	p.Close() // nothing listens: every attempt is refused
	clk := newFakeClock(true)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(clk), WithRetry(3, time.Millisecond))
	res, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	var de *Error
	if !errors.As(err, &de) || de.Err == nil || de.Status != 0 {
		t.Fatalf("err = %v, want an *Error with a network cause", err)
	}
	if res.Attempts != 3 || res.Response != nil || len(clk.Waits()) != 2 {
		t.Errorf("Attempts %d, Response %v, backoffs %v; want 3 attempts, no response, 2 backoffs", res.Attempts, res.Response, clk.Waits())
	}
	if !strings.Contains(err.Error(), p.URL+callbackPath) {
		t.Errorf("error %q does not name the URL", err)
	}
	// Nothing reached the platform: not remembered, so it is tried again.
	res, _ = c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	if res.Replayed || res.Attempts != 3 {
		t.Errorf("second dispatch: Replayed %v, Attempts %d; want a new try of 3", res.Replayed, res.Attempts)
	}
}

func TestLostAnswerRemembered(t *testing.T) {
	release := make(chan struct{})
	p := newFakePlatform(t, map[string]answer{callbackPath: func(int, received) (int, string) {
		<-release // the answer never comes in time
		return 200, accepted
	}})
	defer close(release)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(newFakeClock(true)), WithRetry(2, time.Millisecond),
		WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	res, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	var de *Error
	if !errors.As(err, &de) || de.Err == nil || res.Attempts != 2 {
		t.Fatalf("err = %v, Attempts %d; want a network error after 2 attempts", err, res.Attempts)
	}
	// The request went out and may have been acted on: never sent again.
	again, err2 := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	if !again.Replayed || err2 == nil || len(p.requests(callbackPath)) != 2 {
		t.Errorf("duplicate: Replayed %v, err %v, requests %d; want the stored failure", again.Replayed, err2, len(p.requests(callbackPath)))
	}
}

func TestClientErrorNotRetried(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(400, `{"code":12,"message":"leg_B.to is not a number"}`)})
	clk := newFakeClock(true)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(clk), WithRetry(5, time.Millisecond))
	res, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	var de *Error
	if !errors.As(err, &de) || de.Status != 400 || de.Message != "leg_B.to is not a number" {
		t.Fatalf("err = %v, want the 400 with its message", err)
	}
	if got := err.Error(); got != "dispatch callback: HTTP 400: leg_B.to is not a number" {
		t.Errorf("Error() = %q", got)
	}
	if res.Attempts != 1 || len(p.requests(callbackPath)) != 1 || len(clk.Waits()) != 0 {
		t.Errorf("Attempts %d, requests %d, backoffs %v; want 1, 1, none", res.Attempts, len(p.requests(callbackPath)), clk.Waits())
	}
	// The refusal is the outcome: a duplicate gets it again without sending.
	again, err2 := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	if !again.Replayed || err2 != error(de) || len(p.requests(callbackPath)) != 1 {
		t.Errorf("duplicate: Replayed %v, err %v, requests %d; want the stored refusal", again.Replayed, err2, len(p.requests(callbackPath)))
	}
}

func TestTooManyRequestsRetried(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: func(n int, _ received) (int, string) {
		if n == 1 {
			return 429, `{}`
		}
		return 201, accepted
	}})
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(newFakeClock(true)), WithRetry(2, time.Millisecond))
	if res, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t)); err != nil || res.Attempts != 2 {
		t.Fatalf("Attempts %d, err %v; want success on the second", res.Attempts, err)
	}
}

func TestDuplicateSentOnce(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(200, accepted)})
	c := New(WithCallback(p.URL, Bearer("s3cret")))
	ctx := testContext(t)
	first, err := c.Dispatch(ctx, "callback", "flow", "t-1", callbackEnvelope(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		res, err := c.Dispatch(ctx, "callback", "flow", "t-1", callbackEnvelope(t))
		if err != nil || !res.Replayed || res.Request.URL != first.Request.URL || res.Response.Status != 200 {
			t.Fatalf("duplicate: %+v, %v; want the first result replayed", res, err)
		}
	}
	if _, err := c.Dispatch(ctx, "callback", "flow", "t-2", callbackEnvelope(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(p.requests(callbackPath)); n != 2 {
		t.Errorf("platform got %d requests for t-1 ×4 and t-2, want 2", n)
	}
}

func TestConcurrentDuplicatesSentOnce(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	p := newFakePlatform(t, map[string]answer{callbackPath: func(n int, _ received) (int, string) {
		if n == 1 {
			close(arrived)
			<-release
		}
		return 200, accepted
	}})
	const dups = 8
	waiting := make(chan string, dups+1)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithOutcomeStore(claimHook{NewMemoryOutcomes(0), waiting}))
	ctx := testContext(t)

	results := make(chan Result, dups+1)
	var wg sync.WaitGroup
	run := func() {
		defer wg.Done()
		res, err := c.Dispatch(ctx, "callback", "flow", "t-1", callbackEnvelope(t))
		if err != nil {
			t.Error(err)
		}
		results <- res
	}
	wg.Add(1)
	go run()
	within(t, arrived, "the first request")
	<-waiting // the first's own claim
	for range dups {
		wg.Add(1)
		go run()
	}
	for range dups {
		select {
		case key := <-waiting:
			if key != Key("callback", "flow", "t-1") {
				t.Errorf("waiting on %q", key)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("duplicates did not wait for the first")
		}
	}
	close(release)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	within(t, done, "the dispatches")
	close(results)
	replayed := 0
	for r := range results {
		if r.Replayed {
			replayed++
		}
	}
	if n := len(p.requests(callbackPath)); n != 1 {
		t.Errorf("platform got %d requests, want 1", n)
	}
	if replayed != dups {
		t.Errorf("%d results replayed, want %d", replayed, dups)
	}
}

func TestCancelledDuringBackoff(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(503, `{"message":"maintenance"}`)})
	clk := newFakeClock(false) // the backoff never ends by itself
	clk.waiting = make(chan time.Duration, 1)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(clk), WithRetry(5, time.Hour))
	ctx, cancel := context.WithCancel(testContext(t))
	type outcome struct {
		res Result
		err error
	}
	out := make(chan outcome, 1)
	go func() {
		res, err := c.Dispatch(ctx, "callback", "flow", "t-1", callbackEnvelope(t))
		out <- outcome{res, err}
	}()
	select {
	case <-clk.waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("no backoff started")
	}
	cancel()
	select {
	case o := <-out:
		var de *Error
		if !errors.Is(o.err, context.Canceled) || !errors.As(o.err, &de) || de.Status != 503 {
			t.Errorf("err = %v, want context.Canceled after the 503", o.err)
		}
		if o.res.Attempts != 1 || o.res.Response == nil || o.res.Response.Status != 503 {
			t.Errorf("Result %+v, want 1 attempt answered 503", o.res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Dispatch did not return after ctx was cancelled")
	}
	if n := len(p.requests(callbackPath)); n != 1 {
		t.Errorf("platform got %d requests, want 1", n)
	}
}

func TestCancelledWhileWaitingForDuplicate(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	p := newFakePlatform(t, map[string]answer{callbackPath: func(int, received) (int, string) {
		close(arrived)
		<-release
		return 200, accepted
	}})
	defer close(release)
	waiting := make(chan string, 2)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithOutcomeStore(claimHook{NewMemoryOutcomes(0), waiting}))
	go c.Dispatch(context.Background(), "callback", "flow", "t-1", callbackEnvelope(t))
	within(t, arrived, "the first request")
	<-waiting // the first's own claim
	ctx, cancel := context.WithCancel(testContext(t))
	errc := make(chan error, 1)
	go func() {
		_, err := c.Dispatch(ctx, "callback", "flow", "t-1", callbackEnvelope(t))
		errc <- err
	}()
	<-waiting
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting duplicate did not return")
	}
}

func TestSecretsNotLogged(t *testing.T) {
	var logs logBuffer
	p := newFakePlatform(t, map[string]answer{callbackPath: func(n int, _ received) (int, string) {
		if n == 1 {
			return 500, `{}`
		}
		return 400, `{"message":"no"}`
	}})
	c := New(WithCallback(p.URL, Header("X-Key", "hunter2")), WithLogger(logs.logger()),
		WithClock(newFakeClock(true)), WithRetry(2, time.Millisecond))
	_, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(logs.String(), "hunter2") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("credentials leaked:\n%s\n%v", logs.String(), err)
	}
	if !strings.Contains(logs.String(), "dispatch failed") {
		t.Errorf("no failure logged:\n%s", logs.String())
	}
	cr := Bearer("hunter2")
	var b strings.Builder
	fmt.Fprintf(&b, "%v %+v %#v %s", cr, cr, cr, cr)
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "cr", cr)
	j, _ := json.Marshal(struct{ C Credentials }{cr})
	b.Write(j)
	if strings.Contains(b.String(), "hunter2") || strings.Contains(b.String(), "Bearer") {
		t.Errorf("Credentials printed: %s", b.String())
	}
}

func TestConfiguration(t *testing.T) {
	for name, opt := range map[string]Option{
		"relative":      WithCallback("/voice", Credentials{}),
		"not a URL":     WithCallback("https://u:p@h/%zz", Credentials{}),
		"ftp":           WithCallback("ftp://h", Credentials{}),
		"userinfo":      WithCallback("https://u:p@h", Credentials{}),
		"query":         WithCallback("https://h?x=1", Credentials{}),
		"empty bearer":  WithCallback("https://h", Bearer("")),
		"bad header":    WithCallback("https://h", Header("X Key", "v")),
		"newline value": WithCallback("https://h", Header("X-Key", "a\nb")),
		"no api key":    WithCallbot("https://h", ""),
		"bad callbot":   WithCallbot("h", "k"),
	} {
		c := New(opt)
		if c.Err() == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if _, err := c.Dispatch(context.Background(), "callback", "flow", "t", callbackEnvelope(t)); err != c.Err() {
			t.Errorf("%s: Dispatch = %v, want %v", name, err, c.Err())
		}
		if strings.Contains(c.Err().Error(), "p@") {
			t.Errorf("%s: %v shows the password", name, c.Err())
		}
	}
	c := New(WithCallback("https://h", Credentials{}))
	if !c.Handles("callback") || c.Handles("callbot") {
		t.Error("Handles: want callback only")
	}
	if _, err := c.Dispatch(context.Background(), "callbot", "flow", "t", callbackEnvelope(t)); err == nil {
		t.Error("dispatch to an unconfigured platform: no error")
	}
	if _, err := c.Dispatch(context.Background(), "callback", "flow", "", callbackEnvelope(t)); err == nil {
		t.Error("dispatch without a trigger id: no error")
	}
	if _, err := c.Dispatch(context.Background(), "callback", "flow", "t", Envelope{Method: "POST", Path: "//evil.example/x", Body: json.RawMessage(`{}`)}); err == nil {
		t.Error("dispatch to a path with a host: no error")
	}
}
