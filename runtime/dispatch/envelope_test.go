package dispatch

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
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

// FuzzPlatformAnswer reads what a platform may answer a dispatch with, and
// any envelope: the answer goes into the trigger's JSON answer as valid
// JSON, its message is at most 200 bytes of valid UTF-8 (and an ellipsis),
// OMICall's verdict is success exactly for status_code 9999, and an
// envelope that parses goes to the platform's own host with a JSON body.
func FuzzPlatformAnswer(f *testing.F) {
	for _, s := range []string{`{"status_code":9999}`, `{"status_code":1,"message":"bad"}`, `{"status_code":0}`, `{"error":{"message":"no"}}`,
		`not json ` + strings.Repeat("é", 150), "\xff\xfe", ``, `"\ud800"`, `{"status_code":9999.5}`, `{"msg":""}`,
		`{"method":"POST","path":"/voice/call/callback","body":{}}`, `{"method":"GET","path":"/x y/%zz","query":{"a&b":"c d"},"body":{"k":1}}`} {
		f.Add([]byte(s), 200)
	}
	base, _ := url.Parse("https://api.example.com/v1/")
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		ex := &exchange{status: status, body: body}
		out, err := json.Marshal(Result{Response: newResponse(ex)})
		if err != nil || !json.Valid(out) {
			t.Fatalf("the answer does not make JSON: %v\n%q", err, out)
		}
		if m := message(body); !utf8.ValidString(m) || len(strings.TrimSuffix(m, "…")) > 200 {
			t.Fatalf("message %q: not valid UTF-8, or over 200 bytes", m)
		}
		var a struct {
			StatusCode json.RawMessage `json:"status_code"`
		}
		success := json.Unmarshal(body, &a) == nil && string(a.StatusCode) == "9999" // as OMICall writes it
		if e := verdict("callbot", ex, ""); (e == nil) != success {
			t.Fatalf("verdict %v for %q", e, body)
		}
		env, err := ParseEnvelope(body)
		if err != nil {
			return
		}
		if u := env.url(base); u.Host != base.Host || u.Scheme != base.Scheme || !strings.HasPrefix(u.Path, "/v1/") {
			t.Fatalf("envelope %+v goes to %s", env, u)
		}
		if !json.Valid(env.Body) {
			t.Fatalf("envelope body %q is not JSON", env.Body)
		}
	})
}
