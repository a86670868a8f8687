package dispatch

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/callbot"
	"github.com/callflow/callflow/runtime/platform"
)

const (
	authPath    = "/api/auth"
	executePath = "/api/call_bot/execute_by_phone"
	apiKey      = "key-abc123"
	executed    = `{"instance_id":"stg","payload":{"bot_script_id":"653b155db0f794","autocall_id":"6552de1891be25"},"instance_version":"1.2.164","key_enabled":false,"status_code":9999}`
)

// callbotEnvelope is what the callbot adapter renders for a campaign.
func callbotEnvelope(t *testing.T) Envelope {
	t.Helper()
	reply, err := callbot.New().Render(&platform.Event{}, &platform.Response{Actions: []platform.Action{platform.Campaign{
		Name: "Nhắc lịch hẹn", Script: "653b155db0f794", CID: "842499950291", Dedupe: "crm-batch-42",
		Contacts: []platform.Contact{{Phone: "0988888888", Code: "CRM-1", Vars: map[string]any{"full_name": "Trần Văn A"}}},
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

// tokens answers auth requests with tok-1, tok-2, … (checking the key).
func tokens(n int, r received) (int, string) {
	q, _ := url.ParseQuery(r.Query)
	if q.Get("apiKey") != apiKey {
		return 200, `{"status_code":-9999,"message":"API key không hợp lệ"}`
	}
	return 200, fmt.Sprintf(`{"status_code":9999,"instance_id":"stg","instance_name":"cloud-vihat","payload":{"access_token":"tok-%d","access_type":"normal","token_type":"Bearer"},"key_enabled":false}`, n)
}

// executeWith answers execute requests: 401 unless the bearer token is
// valid(token), else answer.
func executeWith(valid func(string) bool, ans answer) answer {
	return func(n int, r received) (int, string) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !valid(tok) || r.Header.Get("X-Api-Key") != apiKey {
			return 401, `{"status_code":-9999,"message":"Unauthorized"}`
		}
		return ans(n, r)
	}
}

func anyToken(string) bool { return true }

func omicallClient(t *testing.T, p *fakePlatform, opts ...Option) *Client {
	t.Helper()
	c := New(append([]Option{WithCallbot(p.URL, apiKey), WithRetry(3, time.Millisecond)}, opts...)...)
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOMICallTokenFetchedOnce(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{authPath: tokens, executePath: executeWith(anyToken, always(200, executed))})
	c := omicallClient(t, p, WithClock(newFakeClock(true)))
	env := callbotEnvelope(t)
	for i := range 3 {
		res, err := c.Dispatch(testContext(t), "callbot", "flow", fmt.Sprint("t-", i), env)
		if err != nil {
			t.Fatal(err)
		}
		if res.Response.Status != 200 || !strings.Contains(string(res.Response.Body), "6552de1891be25") {
			t.Errorf("Response %+v", res.Response)
		}
	}
	if n := len(p.requests(authPath)); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	got := p.requests(executePath)
	if len(got) != 3 {
		t.Fatalf("%d execute requests, want 3", len(got))
	}
	r := got[2]
	if r.Method != "POST" || r.Query != "cid=842499950291" {
		t.Errorf("request %s ?%s", r.Method, r.Query)
	}
	for k, want := range map[string]string{"Authorization": "Bearer tok-1", "X-Api-Key": apiKey, "Content-Type": "application/json"} {
		if v := r.Header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	if string(r.Body) != string(env.Body) || !strings.Contains(string(r.Body), `"ext_session_id":"crm-batch-42"`) {
		t.Errorf("body %s, want the rendered %s", r.Body, env.Body)
	}
	if a := p.requests(authPath)[0]; a.Method != "GET" || a.Query != "apiKey="+apiKey {
		t.Errorf("token request %s ?%s", a.Method, a.Query)
	}
}

func TestOMICallConcurrentSendsShareToken(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{authPath: tokens, executePath: executeWith(anyToken, always(200, executed))})
	c := omicallClient(t, p)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if _, err := c.Dispatch(testContext(t), "callbot", "flow", fmt.Sprint("t-", i), callbotEnvelope(t)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n, m := len(p.requests(authPath)), len(p.requests(executePath)); n != 1 || m != 10 {
		t.Errorf("%d token and %d execute requests, want 1 and 10", n, m)
	}
}

func TestOMICallTokenRefreshedBeforeExpiry(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{authPath: tokens, executePath: executeWith(anyToken, always(200, executed))})
	clk := newFakeClock(true)
	c := omicallClient(t, p, WithClock(clk))
	send := func(id string) {
		t.Helper()
		if _, err := c.Dispatch(testContext(t), "callbot", "flow", id, callbotEnvelope(t)); err != nil {
			t.Fatal(err)
		}
	}
	send("t-1")
	clk.Advance(24*time.Hour - 6*time.Minute)
	send("t-2")
	if n := len(p.requests(authPath)); n != 1 {
		t.Fatalf("%d token requests 6 minutes before expiry, want 1", n)
	}
	clk.Advance(2 * time.Minute) // 4 minutes before expiry
	send("t-3")
	if n := len(p.requests(authPath)); n != 2 {
		t.Fatalf("%d token requests 4 minutes before expiry, want 2", n)
	}
	if auth := p.requests(executePath)[2].Header.Get("Authorization"); auth != "Bearer tok-2" {
		t.Errorf("third send used %q, want the new token", auth)
	}
}

func TestOMICallJWTExpiry(t *testing.T) {
	clk := newFakeClock(true)
	exp := clk.Now().Add(time.Hour).Unix()
	jwt := "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `{"sub":"x","exp":%d}`, exp)) + ".sig"
	p := newFakePlatform(t, map[string]answer{
		authPath:    always(200, `{"status_code":9999,"payload":{"access_token":"`+jwt+`","token_type":"Bearer"}}`),
		executePath: executeWith(anyToken, always(200, executed)),
	})
	c := omicallClient(t, p, WithClock(clk))
	for i, step := range []time.Duration{0, 54 * time.Minute, 2 * time.Minute} {
		clk.Advance(step)
		if _, err := c.Dispatch(testContext(t), "callbot", "flow", fmt.Sprint("t-", i), callbotEnvelope(t)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(p.requests(authPath)); n != 2 {
		t.Errorf("%d token requests, want 2: the JWT expires after an hour", n)
	}
	if got := expiry("tok", "600", clk.Now()); !got.Equal(clk.Now().Add(10 * time.Minute)) {
		t.Errorf("expires_in 600: %v", got)
	}
	if got := expiry("tok", nil, clk.Now()); !got.Equal(clk.Now().Add(24 * time.Hour)) {
		t.Errorf("no expiry: %v, want 24 h", got)
	}
}

func TestOMICallTokenRefreshedOn401(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{
		authPath:    tokens,
		executePath: executeWith(func(tok string) bool { return tok != "tok-1" }, always(200, executed)),
	})
	c := omicallClient(t, p)
	res, err := c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	if err != nil {
		t.Fatal(err)
	}
	if n, m := len(p.requests(authPath)), len(p.requests(executePath)); n != 2 || m != 2 || res.Attempts != 2 {
		t.Errorf("%d token, %d execute requests, Attempts %d; want 2, 2, 2", n, m, res.Attempts)
	}
	if _, err := c.Dispatch(testContext(t), "callbot", "flow", "t-2", callbotEnvelope(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(p.requests(authPath)); n != 2 {
		t.Errorf("%d token requests, want the new token kept", n)
	}
}

func TestOMICall401Twice(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{
		authPath:    tokens,
		executePath: executeWith(func(string) bool { return false }, always(200, executed)),
	})
	c := omicallClient(t, p)
	_, err := c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	var de *Error
	if !errors.As(err, &de) || de.Status != 401 {
		t.Fatalf("err = %v, want the 401", err)
	}
	if n := len(p.requests(executePath)); n != 2 {
		t.Errorf("%d execute requests, want 2: one new token only", n)
	}
}

func TestOMICallStatusCode(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{
		authPath:    tokens,
		executePath: executeWith(anyToken, always(200, `{"instance_id":"stg","status_code":-9999,"message":"Kịch bản không tồn tại"}`)),
	})
	c := omicallClient(t, p)
	res, err := c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	var de *Error
	if !errors.As(err, &de) || de.Code != -9999 || de.Status != 200 || de.Message != "Kịch bản không tồn tại" {
		t.Fatalf("err = %#v, want status_code -9999 with the message", err)
	}
	if got := err.Error(); got != "dispatch callbot: status_code -9999: Kịch bản không tồn tại" {
		t.Errorf("Error() = %q", got)
	}
	if res.Response == nil || !strings.Contains(string(res.Response.Body), "-9999") {
		t.Errorf("Response %+v, want OMICall's answer", res.Response)
	}
	if n := len(p.requests(executePath)); n != 1 {
		t.Errorf("%d execute requests, want 1: not retried", n)
	}
	if again, err := c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t)); !again.Replayed || !errors.As(err, &de) {
		t.Errorf("duplicate: Replayed %v, err %v; want the stored failure", again.Replayed, err)
	}
}

func TestOMICallNoStatusCode(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{authPath: tokens, executePath: executeWith(anyToken, always(200, `{"ok":true}`))})
	_, err := omicallClient(t, p).Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	if err == nil || !strings.Contains(err.Error(), "no status_code") {
		t.Errorf("err = %v, want no status_code", err)
	}
}

func TestOMICallTokenFailure(t *testing.T) {
	var logs logBuffer
	p := newFakePlatform(t, map[string]answer{authPath: tokens, executePath: executeWith(anyToken, always(200, executed))})
	c := New(WithCallbot(p.URL, "wrong-key"), WithLogger(logs.logger()))
	_, err := c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	var de *Error
	if !errors.As(err, &de) || de.Code != -9999 || !strings.Contains(de.Message, "API key không hợp lệ") {
		t.Fatalf("err = %v, want the token refusal", err)
	}
	if n := len(p.requests(executePath)); n != 0 {
		t.Errorf("%d execute requests without a token", n)
	}
	// Nothing was sent: a later dispatch of the trigger tries again.
	c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	if n := len(p.requests(authPath)); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	if strings.Contains(logs.String(), "wrong-key") || strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("API key leaked:\n%s\n%v", logs.String(), err)
	}
}

func TestOMICallSecretsNotLeaked(t *testing.T) {
	var logs logBuffer
	p := newFakePlatform(t, nil)
	p.Close() // the token request fails on the network: its URL holds the key
	c := New(WithCallbot(p.URL, apiKey), WithLogger(logs.logger()), WithRetry(2, time.Millisecond))
	_, err := c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, s := range []string{logs.String(), err.Error()} {
		if strings.Contains(s, apiKey) {
			t.Errorf("API key leaked: %s", s)
		}
	}
	if !strings.Contains(err.Error(), "apiKey=[redacted]") {
		t.Errorf("error %q does not show the redacted token URL", err)
	}

	logs = logBuffer{}
	q := newFakePlatform(t, map[string]answer{authPath: tokens, executePath: executeWith(anyToken, always(503, `{}`))})
	c = New(WithCallbot(q.URL, apiKey), WithLogger(logs.logger()), WithRetry(2, time.Millisecond))
	res, err := c.Dispatch(testContext(t), "callbot", "flow", "t-1", callbotEnvelope(t))
	b, _ := json.Marshal(Outcome{Result: res, Err: err.(*Error)})
	for _, s := range []string{logs.String(), err.Error(), string(b)} {
		if strings.Contains(s, apiKey) || strings.Contains(s, "tok-1") {
			t.Errorf("secret leaked: %s", s)
		}
	}
}

func TestOMICallCancelledWaitingForToken(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	p := newFakePlatform(t, map[string]answer{authPath: func(n int, r received) (int, string) {
		if n == 1 {
			close(arrived)
			<-release
		}
		return tokens(n, r)
	}, executePath: executeWith(anyToken, always(200, executed))})
	defer close(release)
	c := omicallClient(t, p)
	go c.Dispatch(context.Background(), "callbot", "flow", "t-1", callbotEnvelope(t))
	within(t, arrived, "the token request")
	ctx, cancel := context.WithCancel(testContext(t))
	cancel()
	_, err := c.Dispatch(ctx, "callbot", "flow", "t-2", callbotEnvelope(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// FuzzTokenExpiry reads OMICall's token answers as they may come: any JWT
// payload, any expires_in. A token never outlives the documented 24 h, and
// an exp claim later than that, however large, never makes a token expire
// sooner (a claim past what a time can hold once made every send fetch a
// new token).
func FuzzTokenExpiry(f *testing.F) {
	for _, seed := range []struct {
		payload, expiresIn string
		number             bool
	}{
		{`{"exp":1764900000}`, "", false}, {`{"exp":1e300}`, "600", false}, {`{"exp":-1}`, "86400", true},
		{`{"exp":"soon"}`, "abc", false}, {`not json`, "1e-300", true}, {`{"exp":9.3e18}`, "NaN", false},
		{`{"exp":253402300800}`, "+Inf", false}, {`{}`, "3600", true},
	} {
		f.Add(seed.payload, seed.expiresIn, seed.number)
	}
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, payload, expiresIn string, number bool) {
		tok := "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
		var in any = expiresIn
		if number {
			v, err := strconv.ParseFloat(expiresIn, 64)
			if err != nil {
				t.Skip()
			}
			in = v
		}
		got := expiry(tok, in, now)
		without := expiry("opaque", in, now) // the same answer without a JWT
		if got.After(now.Add(tokenLife)) || got.After(without) {
			t.Fatalf("expires %v, later than %v without the claim (now %v)", got, without, now)
		}
		var claims struct{ Exp float64 }
		if json.Unmarshal([]byte(payload), &claims) == nil && claims.Exp > float64(now.Add(tokenLife).Unix()) && !got.Equal(without) {
			t.Fatalf("exp %g, after the 24 h, made the token expire at %v, not %v", claims.Exp, got, without)
		}
	})
}
