package dispatch

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseEnvelope(t *testing.T) {
	env := callbotEnvelope(t)
	if env.Method != "POST" || env.Path != "/api/call_bot/execute_by_phone" || env.Query["cid"] != "842499950291" {
		t.Errorf("callbot envelope %+v", env)
	}
	base, _ := url.Parse("https://public-v1-stg.omicall.com/")
	if u := env.url(base).String(); u != "https://public-v1-stg.omicall.com/api/call_bot/execute_by_phone?cid=842499950291" {
		t.Errorf("url %s", u)
	}
	env = callbackEnvelope(t)
	if env.Method != "POST" || env.Path != "/voice/call/callback" || env.Query != nil {
		t.Errorf("callback envelope %+v", env)
	}
	empty, _ := ParseEnvelope([]byte(`{"method":"POST","path":"/x","query":{"cid":""},"body":{}}`))
	if u := empty.url(base).String(); !strings.HasSuffix(u, "/x?cid=") {
		t.Errorf("an empty query value must still be sent: %s", u)
	}
	for _, bad := range []string{
		``,
		`[]`,
		`{"method":"POST","path":"/x","body":{}} {}`,
		`{"method":"POST","path":"/x","body":{},"extra":1}`,
		`{"method":"post","path":"/x","body":{}}`,
		`{"method":"","path":"/x","body":{}}`,
		`{"method":"POST","path":"x","body":{}}`,
		`{"method":"POST","path":"//evil.example/x","body":{}}`,
		`{"method":"POST","path":"/x?y=1","body":{}}`,
		`{"method":"POST","path":"/x"}`,
		`{"method":"POST","path":"/x","body":null}`,
		`{"method":"POST","path":"/x","body":"text"}`,
	} {
		if _, err := ParseEnvelope([]byte(bad)); err == nil {
			t.Errorf("ParseEnvelope(%s): no error", bad)
		}
	}
}

func TestResponseBody(t *testing.T) {
	for body, want := range map[string]string{
		``:               `{"status":200,"body":null}`,
		` {"a":1} `:      `{"status":200,"body":{"a":1}}`,
		"accepted\n":     `{"status":200,"body":"accepted"}`,
		"<html>\xff</a>": `{"status":200,"body":"\u003chtml\u003e` + "\ufffd" + `\u003c/a\u003e"}`,
	} {
		b, err := json.Marshal(newResponse(&exchange{status: 200, body: []byte(body)}))
		if err != nil || string(b) != want {
			t.Errorf("body %q: %s, %v; want %s", body, b, err, want)
		}
	}
	if got := message([]byte(strings.Repeat("é", 300))); len(got) > 210 || !strings.HasSuffix(got, "…") {
		t.Errorf("long message not clipped: %d bytes", len(got))
	}
}

func TestDelay(t *testing.T) {
	p := retryPolicy{attempts: 10, base: time.Second, max: 8 * time.Second}
	for n, hi := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 9: 8 * time.Second} {
		for range 50 {
			if d := p.delay(n, nil); d < hi/2 || d > hi {
				t.Fatalf("delay(%d) = %v, want in [%v, %v]", n, d, hi/2, hi)
			}
		}
	}
	ex := &exchange{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"5"}}}
	if d := p.delay(1, ex); d != 5*time.Second {
		t.Errorf("Retry-After 5: %v", d)
	}
	ex.header.Set("Retry-After", "3600")
	if d := p.delay(1, ex); d != 8*time.Second {
		t.Errorf("Retry-After 3600: %v, want the 8 s cap", d)
	}
	if d := (retryPolicy{max: time.Second}).delay(3, nil); d != 0 {
		t.Errorf("no base: %v", d)
	}
}

func TestMemorySeen(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock(true)
	s := newMemorySeen(3, time.Hour, clk.Now)
	put := func(k string) { s.Put(ctx, k, Outcome{Result: Result{Attempts: len(k)}}) }
	has := func(k string) bool { _, ok, _ := s.Get(ctx, k); return ok }

	put("a")
	clk.Advance(30 * time.Minute)
	put("bb")
	if !has("a") || !has("bb") {
		t.Fatal("lost an entry")
	}
	if o, _, _ := s.Get(ctx, "bb"); o.Result.Attempts != 2 {
		t.Errorf("Get(bb) = %+v", o)
	}
	clk.Advance(30 * time.Minute)
	if has("a") || !has("bb") {
		t.Error("a should have expired after an hour, bb not")
	}
	put("c")
	if s.Len() != 2 {
		t.Errorf("Len %d after the expired a was pruned, want 2", s.Len())
	}
	put("d")
	put("e") // over the limit of 3: bb, the oldest, goes
	if has("bb") || !has("c") || !has("d") || !has("e") || s.Len() != 3 {
		t.Errorf("after the limit: bb %v c %v d %v e %v, Len %d", has("bb"), has("c"), has("d"), has("e"), s.Len())
	}
	put("c") // replaced: now the newest
	put("f")
	if !has("c") || has("d") {
		t.Errorf("replaced c should outlive d: c %v d %v", has("c"), has("d"))
	}
	for i := range 1000 {
		put(string(rune('A' + i%50)))
	}
	if s.Len() != 3 || len(s.queue)-s.head > 2*3+2 {
		t.Errorf("Len %d, queue %d (head %d): not bounded", s.Len(), len(s.queue), s.head)
	}
}

func TestSeenDefaultTTL(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(200, accepted)})
	clk := newFakeClock(true)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(clk))
	c.Dispatch(testContext(t), "callback", "t-1", callbackEnvelope(t))
	clk.Advance(DefaultSeenTTL - time.Second)
	if res, _ := c.Dispatch(testContext(t), "callback", "t-1", callbackEnvelope(t)); !res.Replayed {
		t.Error("forgotten before 24 h")
	}
	clk.Advance(time.Second)
	if res, _ := c.Dispatch(testContext(t), "callback", "t-1", callbackEnvelope(t)); res.Replayed {
		t.Error("remembered after 24 h")
	}
	if n := len(p.requests(callbackPath)); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// failingSeen cannot be read: Dispatch must not send.
type failingSeen struct{}

func (failingSeen) Get(context.Context, string) (Outcome, bool, error) {
	return Outcome{}, false, context.DeadlineExceeded
}
func (failingSeen) Put(context.Context, string, Outcome) error { return nil }

func TestSeenUnavailable(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(200, accepted)})
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithSeen(failingSeen{}))
	if _, err := c.Dispatch(testContext(t), "callback", "t-1", callbackEnvelope(t)); err == nil {
		t.Error("no error when the store cannot be read")
	}
	if n := len(p.requests(callbackPath)); n != 0 {
		t.Errorf("%d requests sent without checking the store", n)
	}
}
