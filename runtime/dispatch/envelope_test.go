package dispatch

import (
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
