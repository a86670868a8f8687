package runtime_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// sentPost is one request the CRM got.
type sentPost struct {
	method, path, auth, contentType, key string
	body                                 map[string]any
}

// postRecorder answers posts with answer and keeps what it got.
type postRecorder struct {
	mu   sync.Mutex
	got  []sentPost
	resp string
}

func (p *postRecorder) handler(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	json.Unmarshal(b, &body)
	p.mu.Lock()
	p.got = append(p.got, sentPost{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Idempotency-Key"), body})
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, p.resp)
}

func (p *postRecorder) sent() []sentPost {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]sentPost(nil), p.got...)
}

// secrets is a SecretReader over a map, as the environment would be.
func secrets(m map[string]string) lang.SecretReader {
	return func(name string) (string, bool, error) { v, ok := m[name]; return v, ok, nil }
}

// compileWith compiles one flow with options, failing the test on errors.
func compileWith(t *testing.T, name, src string, opts ...lang.Option) *ir.Program {
	t.Helper()
	prog, ds := lang.CompileFile(name, []byte(src), opts...)
	if ds.HasErrors() || prog == nil {
		t.Fatalf("%s does not compile:\n%v", name, ds)
	}
	return prog
}

const feedbackToken = "tok-9f8e7d"

// feedbackFlow posts a score with an authenticated header and keeps the
// receipt; the score comes from the call's data so each test sets it.
func feedbackFlow(base, timeout string) string {
	return `flow feedback
target tencent
number "+8675500000001"
otherwise -> main
handler main {
  post "` + base + `/feedback/${caller}" {
    json    {caller: caller, score: 5}
    header  "Authorization" "Bearer ${secret("CRM_TOKEN")}"
    timeout ` + timeout + `
    into    receipt
    else    {id: "none"}
  }
  set id = receipt.id
  agent 1
}
`
}

func TestPostSendsJSONWithHeadersAndKeepsTheAnswer(t *testing.T) {
	rec := &postRecorder{resp: `{"id": "r-42"}`}
	srv := newCRM(t, rec.handler)
	prog := compileWith(t, "feedback.flow", feedbackFlow(srv.URL, "1s"), lang.WithSecrets(secrets(map[string]string{"CRM_TOKEN": feedbackToken})))
	var logs logLines
	eng := newEngine(t, prog, runtime.WithLogger(logs.logger()))
	body := webhook(t, "tencent", platform.Call{Session: "fb-1", Caller: "+8613166668888", Callee: "+8675500000001"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body, Trace: true})
	if !bytes.Contains(res.Reply.Body, []byte(`"Value":"r-42"`)) {
		t.Fatalf("answer %s, want the receipt id r-42", res.Reply.Body)
	}
	got := rec.sent()
	if len(got) != 1 {
		t.Fatalf("the CRM got %d posts, want 1", len(got))
	}
	p := got[0]
	if p.method != "POST" || p.path != "/feedback/+8613166668888" || p.contentType != "application/json" || p.auth != "Bearer "+feedbackToken {
		t.Errorf("got %s %s, Content-Type %q, Authorization %q", p.method, p.path, p.contentType, p.auth)
	}
	if p.body["caller"] != "+8613166668888" || p.body["score"] != float64(5) {
		t.Errorf("body %v", p.body)
	}
	if len(p.key) < 20 {
		t.Errorf("Idempotency-Key %q", p.key)
	}
	trace := res.Trace.String()
	if !strings.Contains(trace, "post") || !strings.Contains(trace, "sent, HTTP 200") {
		t.Errorf("the trace has no post with its status:\n%s", trace)
	}
	// The secret is in the request only: not in the trace, the log, the
	// session or the answer.
	sess, _ := json.Marshal(res.Session)
	for where, text := range map[string]string{"trace": trace, "log": logs.String(), "session": string(sess), "answer": string(res.Reply.Body)} {
		if strings.Contains(text, feedbackToken) {
			t.Errorf("the %s holds the secret: %s", where, text)
		}
	}
}

// A webhook delivered twice gets the stored answer the second time, and
// the post is not sent again.
func TestPostAtMostOncePerDelivery(t *testing.T) {
	rec := &postRecorder{resp: `{"id": "r-1"}`}
	srv := newCRM(t, rec.handler)
	prog := compileWith(t, "feedback.flow", feedbackFlow(srv.URL, "1s"), lang.WithSecrets(secrets(map[string]string{"CRM_TOKEN": "t"})))
	eng := newEngine(t, prog)
	body := webhook(t, "tencent", platform.Call{Session: "fb-twice", Delivery: "d-1", Caller: "+8613166668888", Callee: "+8675500000001"})
	first := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	again := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if n := len(rec.sent()); n != 1 {
		t.Fatalf("the CRM got %d posts for one delivery sent twice, want 1", n)
	}
	if again.Outcome != runtime.Duplicate || !bytes.Equal(first.Reply.Body, again.Reply.Body) {
		t.Errorf("the copy was %s with %s, want the stored answer %s", again.Outcome, again.Reply.Body, first.Reply.Body)
	}
}

// A delivery run again where its answer was not kept (another replica,
// its answers lost) sends the same Idempotency-Key; another call, or the
// same step again in the same call, sends another.
func TestPostIdempotencyKey(t *testing.T) {
	rec := &postRecorder{resp: `{"id": "r"}`}
	srv := newCRM(t, rec.handler)
	prog := compileWith(t, "feedback.flow", feedbackFlow(srv.URL, "1s"), lang.WithSecrets(secrets(map[string]string{"CRM_TOKEN": "t"})))
	body := webhook(t, "tencent", platform.Call{Session: "fb-key", Delivery: "d-1", Caller: "+8613166668888", Callee: "+8675500000001"})
	serve(t, newEngine(t, prog), &runtime.Request{Platform: "tencent", Body: body})
	serve(t, newEngine(t, prog), &runtime.Request{Platform: "tencent", Body: body})
	other := webhook(t, "tencent", platform.Call{Session: "fb-other", Delivery: "d-1", Caller: "+8613166668888", Callee: "+8675500000001"})
	serve(t, newEngine(t, prog), &runtime.Request{Platform: "tencent", Body: other})
	got := rec.sent()
	if len(got) != 3 {
		t.Fatalf("%d posts, want 3", len(got))
	}
	if got[0].key != got[1].key {
		t.Errorf("one delivery run twice sent keys %q and %q, want one", got[0].key, got[1].key)
	}
	if got[2].key == got[0].key {
		t.Errorf("another call sent the same key %q", got[0].key)
	}

	loop := newCRM(t, (&postRecorder{resp: `{}`}).handler)
	loopRec := &postRecorder{resp: `{}`}
	loop.Config.Handler = http.HandlerFunc(loopRec.handler)
	prog = compile(t, "loop.flow", `flow loop
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  post "`+loop.URL+`/log" { json {at: "menu"} }
  capture choice { prompt "Press 1."; digits 1; tries 1 }
  if choice == "1" { goto main }
  hangup
}
`)
	c := newCall8x8(t, newEngine(t, prog), "loop-1", inHours)
	c.start()
	c.press("1")
	sent := loopRec.sent()
	if len(sent) != 2 || sent[0].key == sent[1].key {
		t.Errorf("the same step posted twice in one call sent %v, want two different keys", sent)
	}
}

// A post that is refused, hangs, fails, is redirected to another host or
// answers garbage gives its else value within the budget, logged with the
// URL without secrets; the call is answered as the flow says.
func TestPostFailuresGiveElse(t *testing.T) {
	refused := newCRM(t, jsonHandler(`{}`))
	refused.Close()
	other := newCRM(t, jsonHandler(`{"id": "stolen"}`))
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		cause   string
	}{
		{"refused", nil, "dial tcp"},
		// The server notices the client gave up only once the body is read.
		{"hangs", func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body); <-r.Context().Done() }, "timed out after 200ms"},
		{"500", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", 500) }, "HTTP 500"},
		{"bad json", jsonHandler(`{"id": `), "bad JSON"},
		{"wrong type", jsonHandler(`"ok"`), "the JSON is a string, the else value an object"},
		{"too large", jsonHandler(oversizedJSON()), "the body is over 1048576 bytes"},
		{"redirect elsewhere", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/x", http.StatusTemporaryRedirect)
		}, "HTTP 307: a post follows no redirect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := refused.URL
			if tc.handler != nil {
				base = newCRM(t, tc.handler).URL
			}
			other.hits.Store(0)
			// Only the hanging server waits for the timeout; the others get
			// room to read a megabyte on a loaded machine under -race.
			timeout := "2s"
			if tc.name == "hangs" {
				timeout = "200ms"
			}
			prog := compileWith(t, "feedback.flow", feedbackFlow(base+"/k?key=k3y", timeout), lang.WithSecrets(secrets(map[string]string{"CRM_TOKEN": feedbackToken})))
			var logs logLines
			eng := newEngine(t, prog, runtime.WithLogger(logs.logger()))
			body := webhook(t, "tencent", platform.Call{Session: "fb-" + tc.name, Caller: "+8613166668888", Callee: "+8675500000001"})
			res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body, Trace: true})
			if res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte(`"Value":"none"`)) {
				t.Fatalf("%s %s, want the else value", res.Outcome, res.Reply.Body)
			}
			recs := logs.lines(t, "post failed")
			if len(recs) != 1 {
				t.Fatalf("logged %s, want one post failed", logs.String())
			}
			if cause, _ := recs[0]["cause"].(string); !strings.Contains(cause, tc.cause) {
				t.Errorf("cause %q, want %q", cause, tc.cause)
			}
			if recs[0]["at"] != "feedback.flow:6:3" {
				t.Errorf("at %v, want feedback.flow:6:3", recs[0]["at"])
			}
			if other.hits.Load() != 0 {
				t.Errorf("the redirect reached the other host")
			}
			for _, secret := range []string{feedbackToken, "k3y"} {
				if strings.Contains(logs.String(), secret) || strings.Contains(res.Trace.String(), secret) {
					t.Errorf("the log or trace holds %q:\n%s\n%s", secret, logs.String(), res.Trace)
				}
			}
		})
	}
}

// A test's stub answers a post: nothing is sent.
func TestPostGivenSendsNothing(t *testing.T) {
	rec := &postRecorder{resp: `{"id": "real"}`}
	srv := newCRM(t, rec.handler)
	prog := compileWith(t, "feedback.flow", feedbackFlow(srv.URL, "1s"), lang.WithPlaceholderSecrets())
	eng := newEngine(t, prog)
	body := webhook(t, "tencent", platform.Call{Session: "fb-given", Caller: "+8613166668888", Callee: "+8675500000001"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body,
		Given: map[string]any{runtime.GivenPost(srv.URL + "/feedback/+8613166668888"): map[string]any{"id": "stub"}}})
	if !bytes.Contains(res.Reply.Body, []byte(`"Value":"stub"`)) || len(rec.sent()) != 0 {
		t.Errorf("answer %s after %d posts, want the stub and none", res.Reply.Body, len(rec.sent()))
	}
}

// A lookup sends its headers, secrets and settings read when the flow
// loaded; header values never reach the trace or the log.
func TestLookupSendsItsHeaders(t *testing.T) {
	var mu sync.Mutex
	var got http.Header
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		jsonHandler(`{"vip": true}`)(w, r)
	})
	prog := compileWith(t, "crm.flow", `flow crm
target tencent
number "+8675500000000"
lookup customer = get "`+srv.URL+`/c/${caller}" {
  header "Authorization" "Bearer ${secret("CRM_TOKEN")}"
  header "x-region"      env("REGION", "sg")
  header "X-Caller"      caller
  timeout 500ms
  else   {vip: false}
}
when customer.vip -> vip
otherwise -> other
handler vip { agent 1 }
handler other { agent 2 }
`, lang.WithSecrets(secrets(map[string]string{"CRM_TOKEN": feedbackToken})))
	var logs logLines
	eng := newEngine(t, prog, runtime.WithLogger(logs.logger()))
	body := webhook(t, "tencent", platform.Call{Session: "hdr", Caller: "+8613166668888", Callee: "+8675500000000"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body, Trace: true})
	if !bytes.Contains(res.Reply.Body, []byte(`"OverrideAIAgentId":1`)) {
		t.Fatalf("answer %s, want agent 1 from the CRM's answer", res.Reply.Body)
	}
	mu.Lock()
	defer mu.Unlock()
	for k, want := range map[string]string{"Authorization": "Bearer " + feedbackToken, "X-Region": "sg", "X-Caller": "+8613166668888", "Accept": "application/json"} {
		if got.Get(k) != want {
			t.Errorf("header %s = %q, want %q", k, got.Get(k), want)
		}
	}
	if strings.Contains(res.Trace.String(), feedbackToken) || strings.Contains(logs.String(), feedbackToken) {
		t.Errorf("the trace or log holds the secret")
	}
}

// A header value that would split the request (a caller's data holding a
// line break) fails the lookup: its else value, logged.
func TestHeaderValueWithLineBreakFails(t *testing.T) {
	srv := newCRM(t, jsonHandler(`{"vip": true}`))
	prog := compile(t, "crm.flow", `flow crm
target callback
lookup customer = get "`+srv.URL+`/c" {
  header "X-Note" data.note
  else   {vip: false}
}
when customer.vip -> now
otherwise -> later
handler now { callback { leg A to caller from "+6561112222"; leg B to "+6561112222" from caller } }
handler later {}
`)
	var logs logLines
	eng := newEngine(t, prog, runtime.WithLogger(logs.logger()))
	body := webhook(t, "callback", platform.Call{Session: "nl", Caller: "+6591234567", Data: map[string]any{"note": "a\r\nX-Injected: 1"}})
	serve(t, eng, &runtime.Request{Platform: "callback", Flow: "crm", Body: body})
	if srv.hits.Load() != 0 {
		t.Errorf("the request was sent")
	}
	recs := logs.lines(t, lookupFailed)
	if len(recs) != 1 || !strings.Contains(recs[0]["cause"].(string), "line break") {
		t.Errorf("log %s, want the lookup failed for a line break", logs.String())
	}
}

// A post whose timeout is longer than what is left of the answer budget
// gives up in time to answer: the budget less the margin kept for the
// answer, logged, with the else value.
func TestPostGivesUpWithinTheBudget(t *testing.T) {
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body); <-r.Context().Done() })
	prog := compileWith(t, "feedback.flow", feedbackFlow(srv.URL, "2s"), lang.WithSecrets(secrets(map[string]string{"CRM_TOKEN": "t"})))
	var logs logLines
	eng := newEngine(t, prog, runtime.WithLogger(logs.logger()), runtime.WithBudget("tencent", 300*time.Millisecond))
	body := webhook(t, "tencent", platform.Call{Session: "fb-budget", Caller: "+8613166668888", Callee: "+8675500000001"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte(`"Value":"none"`)) {
		t.Fatalf("%s %s, want the else value", res.Outcome, res.Reply.Body)
	}
	recs := logs.lines(t, "post failed")
	if len(recs) != 1 || !regexp.MustCompile(`^timed out after (1\d\d|200)ms$`).MatchString(recs[0]["cause"].(string)) {
		t.Errorf("log %s, want the post timed out after the 200ms the budget left", logs.String())
	}
}

// A lookup and two posts in one webhook, all to a server that never
// answers, share one answer budget: each gives up within what the ones
// before it left, so together they never outlast it, and the caller still
// gets the else values.
func TestLookupAndPostsShareTheBudget(t *testing.T) {
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body); <-r.Context().Done() })
	src := `flow shared
target tencent
number "+8675500000002"
lookup crm = get "` + srv.URL + `/c/${caller}" timeout 1s else {name: "nobody"}
otherwise -> main
handler main {
  set name = crm.name
  post "` + srv.URL + `/one" {
    json    {caller: caller}
    timeout 1s
  }
  post "` + srv.URL + `/two" {
    json    {caller: caller}
    timeout 1s
    into    receipt
    else    {id: "none"}
  }
  set id = receipt.id
  agent 1
}
`
	var logs logLines
	eng := newEngine(t, compile(t, "shared.flow", src), runtime.WithLogger(logs.logger()), runtime.WithBudget("tencent", 600*time.Millisecond))
	body := webhook(t, "tencent", platform.Call{Session: "shared-budget", Caller: "+8613166668888", Callee: "+8675500000002"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte(`"Value":"nobody"`)) || !bytes.Contains(res.Reply.Body, []byte(`"Value":"none"`)) {
		t.Fatalf("%s %s, want the else values", res.Outcome, res.Reply.Body)
	}
	took := regexp.MustCompile(`after (\d+)ms`)
	total := 0
	recs := append(logs.lines(t, lookupFailed), logs.lines(t, "post failed")...)
	if len(recs) != 3 {
		t.Fatalf("logged %s, want the lookup and both posts failed", logs.String())
	}
	for _, r := range recs {
		cause, _ := r["cause"].(string)
		m := took.FindStringSubmatch(cause)
		if m == nil {
			continue // gave up before sending: no time left
		}
		var ms int
		fmt.Sscan(m[1], &ms)
		total += ms
	}
	if total > 600 {
		t.Errorf("the lookup and posts waited %dms together, over the 600ms budget:\n%s", total, logs.String())
	}
}

// oversizedJSON is valid JSON one byte over what a lookup or post reads.
func oversizedJSON() string {
	return `{"id": "` + strings.Repeat("a", 1<<20-9) + `"}`
}
