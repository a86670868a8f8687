package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

const apology = "Sorry, something went wrong. Goodbye."

// The 8x8 safe fallback: the apology only when one is configured with a
// voice, then hangup.
const (
	fallbackHangup  = `{"callflow":[{"action":"hangup"}]}`
	fallbackApology = `{"callflow":[{"action":"say","params":{"text":"` + apology + `","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}},{"action":"hangup"}]}`
)

// tamper changes one character in the middle of a token.
func tamper(tok string) string {
	b := []byte(tok)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestForgedClientActionID(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []runtime.Option
		want string
	}{
		{"no apology", nil, fallbackHangup},
		{"apology without voice", []runtime.Option{runtime.WithApology(apology, "")}, fallbackHangup},
		{"apology", []runtime.Option{runtime.WithApology(apology, "en-US-ZiraRUS")}, fallbackApology},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newEngine(t, shipped(t), tc.opts...)
			c := newCall8x8(t, eng, "forged-"+strings.ReplaceAll(tc.name, " ", "-"), inHours)
			if res := c.start(); res.Outcome != runtime.Answered || c.resume == "" {
				t.Fatalf("start: %s %s", res.Outcome, res.Reply.Body)
			}
			c.resume = tamper(c.resume)
			res := c.press("1")
			if res.Outcome != runtime.Fallback || res.Reply.Status != 200 || string(res.Reply.Body) != tc.want {
				t.Errorf("forged: %s %d %s, want fallback 200 %s", res.Outcome, res.Reply.Status, res.Reply.Body, tc.want)
			}
			if errCode(res.Err) != "bad-token" {
				t.Errorf("err %v, want code bad-token", res.Err)
			}
		})
	}
}

func TestTokenFromAnotherSession(t *testing.T) {
	eng := newEngine(t, shipped(t))
	a := newCall8x8(t, eng, "call-a", inHours)
	b := newCall8x8(t, eng, "call-b", inHours)
	a.start()
	b.start()
	if a.resume == "" || b.resume == "" || a.resume == b.resume {
		t.Fatalf("tokens %q and %q: want two distinct tokens", a.resume, b.resume)
	}
	b.resume = a.resume // b's webhook echoes a's token
	res := b.press("1")
	if res.Outcome != runtime.Fallback || string(res.Reply.Body) != fallbackHangup || errCode(res.Err) != "bad-token" {
		t.Errorf("a token of another call: %s %s err %v, want the fallback and bad-token", res.Outcome, res.Reply.Body, res.Err)
	}
	// a's own token still resumes a.
	if res := a.press("1"); res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte(`"makeCall"`)) {
		t.Errorf("call a: %s %s, want makeCall", res.Outcome, res.Reply.Body)
	}
}

// crm is a lookup server that counts requests and records their targets.
type crm struct {
	*httptest.Server
	hits    atomic.Int64
	targets chan string
}

func newCRM(t *testing.T, h http.HandlerFunc) *crm {
	t.Helper()
	c := &crm{targets: make(chan string, 100)}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		select {
		case c.targets <- r.RequestURI:
		default:
		}
		h(w, r)
	}))
	t.Cleanup(c.Close)
	return c
}

func jsonHandler(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}
}

// reception compiles the shipped reception flow with its CRM lookup pointed
// at base.
func reception(t *testing.T, base string) *ir.Program {
	t.Helper()
	src, err := os.ReadFile("../flows/reception.flow")
	if err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile("../flows/vips.csv")
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte("https://crm.example.com"), []byte(base), 1)
	fsys := fstest.MapFS{"reception.flow": {Data: src}, "vips.csv": {Data: csv}}
	prog, ds := lang.CompileFiles(fsys, []string{"reception.flow"})
	if ds.HasErrors() || prog == nil {
		t.Fatalf("reception does not compile: %v", ds)
	}
	return prog
}

func TestTencentRetryIsIdempotent(t *testing.T) {
	srv := newCRM(t, jsonHandler(`{"vip": true, "name": "Zhang San"}`))
	eng := newEngine(t, reception(t, srv.URL))
	body := webhook(t, "tencent", platform.Call{Session: "retried-session", Caller: "+14155550100", Callee: "+8675566668888", Bound: platform.Bound{IVRID: 5}})
	var first []byte
	for i := range 3 {
		res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
		wantOutcome := runtime.Answered
		if i > 0 {
			wantOutcome = runtime.Duplicate
		}
		if res.Outcome != wantOutcome || res.Err != nil {
			t.Errorf("delivery %d: outcome %s err %v, want %s", i+1, res.Outcome, res.Err, wantOutcome)
		}
		if i == 0 {
			first = res.Reply.Body
			continue
		}
		if !bytes.Equal(res.Reply.Body, first) {
			t.Errorf("delivery %d: %s, want the first answer %s", i+1, res.Reply.Body, first)
		}
	}
	if want := `{"CallInBound":{"OverrideAIAgentId":388,"Variables":[{"Key":"name","Value":"Zhang San"}]}}`; string(first) != want {
		t.Errorf("answer %s, want %s", first, want)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("the lookup ran %d times, want 1", n)
	}
}

func TestEightByEightRetryIsIdempotent(t *testing.T) {
	eng := newEngine(t, shipped(t))
	c := newCall8x8(t, eng, "retried-8x8", inHours)
	received := webhook(t, "8x8", platform.Call{Session: c.session, Delivery: "evt-1", Caller: c.caller, Callee: c.callee, At: inHours})
	r1 := serve(t, eng, &runtime.Request{Platform: "8x8", Body: received})
	r2 := serve(t, eng, &runtime.Request{Platform: "8x8", Body: received})
	if r1.Outcome != runtime.Answered || r2.Outcome != runtime.Duplicate || !bytes.Equal(r1.Reply.Body, r2.Reply.Body) {
		t.Fatalf("CALL_RECEIVED twice: %s %s / %s %s, want the same answer", r1.Outcome, r1.Reply.Body, r2.Outcome, r2.Reply.Body)
	}
	// The answer to the capture ends the call and frees the session; its
	// retry still gets the same makeCall, not a fallback.
	one := "1"
	input := webhook(t, "8x8", platform.Call{Session: c.session, Delivery: "evt-2", Caller: c.caller, Callee: c.callee, At: inHours,
		Digits: &one, Resume: clientActionID(t, r1.Reply.Body)})
	i1 := serve(t, eng, &runtime.Request{Platform: "8x8", Body: input})
	i2 := serve(t, eng, &runtime.Request{Platform: "8x8", Body: input})
	if i1.Outcome != runtime.Answered || !bytes.Contains(i1.Reply.Body, []byte(`"makeCall"`)) {
		t.Fatalf("press 1: %s %s, want makeCall", i1.Outcome, i1.Reply.Body)
	}
	if i2.Outcome != runtime.Duplicate || !bytes.Equal(i1.Reply.Body, i2.Reply.Body) {
		t.Errorf("the retried ACTION_COMPLETED: %s %s, want the duplicate of %s", i2.Outcome, i2.Reply.Body, i1.Reply.Body)
	}
}

// lookupFlow is a Tencent flow whose answer shows the lookup's value.
func lookupFlow(t *testing.T, base string) *ir.Program {
	return compile(t, "crm.flow", `flow crm
target tencent
number "+8675500000000"
lookup customer = get "`+base+`/customers/${caller}" timeout 1500ms else {vip: false, name: "nobody"}
otherwise -> main
handler main {
  set name = customer.name
  agent 1
}
`)
}

func lookupTrace(res *runtime.Result) string {
	if res.Trace == nil {
		return ""
	}
	for _, e := range res.Trace.Entries {
		if e.Kind == "lookup" {
			return e.Result
		}
	}
	return ""
}

func TestLookupOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    string // the name variable
		outcome string // the trace's lookup result, a prefix
	}{
		{"json", jsonHandler(`{"vip": true, "name": "Zhang San"}`), "Zhang San", "ok"},
		{"500", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, `{"name":"not this"}`, http.StatusInternalServerError)
		}, "nobody", "HTTP 500"},
		{"404", func(w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) }, "nobody", "HTTP 404"},
		{"bad json", jsonHandler(`{"name": "Zhang`), "nobody", "bad JSON"},
		{"html", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "<html>oops</html>") }, "nobody", "bad JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCRM(t, tc.handler)
			eng := newEngine(t, lookupFlow(t, srv.URL))
			body := webhook(t, "tencent", platform.Call{Session: "lk-" + tc.name, Caller: "+8613166668888", Callee: "+8675500000000"})
			res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body, Trace: true})
			want := `{"CallInBound":{"OverrideAIAgentId":1,"Variables":[{"Key":"name","Value":"` + tc.want + `"}]}}`
			if res.Outcome != runtime.Answered || string(res.Reply.Body) != want {
				t.Errorf("%s %s, want %s", res.Outcome, res.Reply.Body, want)
			}
			if got := lookupTrace(res); !strings.HasPrefix(got, tc.outcome) {
				t.Errorf("trace says the lookup gave %q, want %q…", got, tc.outcome)
			}
			if n := srv.hits.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

// A lookup that never answers: the Tencent answer still arrives within the
// budget, with the else value, and the caller is path-escaped in the URL.
func TestLookupNeverAnswers(t *testing.T) {
	release := make(chan struct{})
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	eng := newEngine(t, lookupFlow(t, srv.URL), runtime.WithBudget("tencent", 300*time.Millisecond))
	body := webhook(t, "tencent", platform.Call{Session: "slow", Caller: "+86 10/20", Callee: "+8675500000000", Bound: platform.Bound{IVRID: 5}})
	start := time.Now()
	res, err := eng.Serve(context.Background(), &runtime.Request{Platform: "tencent", Body: body, Trace: true})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if took >= time.Second {
		t.Errorf("Serve took %s with a 300ms budget", took)
	}
	if want := `{"CallInBound":{"OverrideAIAgentId":1,"Variables":[{"Key":"name","Value":"nobody"}]}}`; string(res.Reply.Body) != want {
		t.Errorf("answer %s, want the else value: %s", res.Reply.Body, want)
	}
	if got := lookupTrace(res); !strings.HasPrefix(got, "timed out") {
		t.Errorf("trace says the lookup gave %q, want a timeout", got)
	}
	select {
	case target := <-srv.targets:
		if want := "/customers/+86%2010%2F20"; target != want {
			t.Errorf("requested %q, want %q", target, want)
		}
	default:
		t.Error("the lookup was not requested")
	}
}

// A lookup is fetched at most once per 8x8 call, however many webhooks
// read it.
func TestLookupOncePerSession(t *testing.T) {
	srv := newCRM(t, jsonHandler(`{"name": "Ana"}`))
	prog := compile(t, "acct.flow", `flow acct
target 8x8
number "+6560000001"
voice "en-US-ZiraRUS"
lookup account = get "`+srv.URL+`/accounts/${caller}" timeout 1s else {name: "friend"}
otherwise -> main
handler main {
  say "Hello ${account.name}."
  capture pin {
    prompt "Enter your pin."
    digits 4
    tries  2
  }
  say "Thanks ${account.name}."
  capture again {
    prompt "Press 1."
    digits 1
    tries  1
  }
  say "Bye ${account.name}."
  hangup
}
`)
	eng := newEngine(t, prog)
	c := newCall8x8(t, eng, "acct-1", inHours)
	c.callee = "+6560000001"
	for i, step := range []struct {
		res  *runtime.Result
		want string
	}{{c.start(), "Hello Ana."}, {c.press("1234"), "Thanks Ana."}, {c.press("1"), "Bye Ana."}} {
		if step.res.Outcome != runtime.Answered || !bytes.Contains(step.res.Reply.Body, []byte(`"text":"`+step.want+`"`)) {
			t.Errorf("webhook %d: %s %s, want %q", i+1, step.res.Outcome, step.res.Reply.Body, step.want)
		}
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("the lookup ran %d times in one call, want 1", n)
	}
	// A second call fetches it again.
	c2 := newCall8x8(t, eng, "acct-2", inHours)
	c2.callee = "+6560000001"
	c2.start()
	if n := srv.hits.Load(); n != 2 {
		t.Errorf("after a second call the lookup ran %d times, want 2", n)
	}
}

func TestRuntimeExpressionError(t *testing.T) {
	prog := compile(t, "bad.flow", `flow bad
target tencent
number "+6560000002"
otherwise -> main
handler main {
  set n = 10 / len(event.extra)
  agent 1
}
`)
	// The checker cannot know event.extra; on real data it is missing.
	eng := newEngine(t, prog)
	body := webhook(t, "tencent", platform.Call{Session: "expr-1", Caller: "+6591234567", Callee: "+6560000002", Bound: platform.Bound{IVRID: 5}})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if res.Outcome != runtime.Fallback || string(res.Reply.Body) != `{"CallInBound":{"OverrideIvrId":5}}` {
		t.Errorf("tencent: %s %s, want the fallback keeping IVR 5", res.Outcome, res.Reply.Body)
	}
	checkExprErr(t, res.Err, "bad.flow:6:11")
}

func checkExprErr(t *testing.T, err error, at string) {
	t.Helper()
	var re *runtime.Error
	if !errors.As(err, &re) || re.Code != "expr" {
		t.Fatalf("err %v, want a runtime.Error with code expr", err)
	}
	if !re.At.IsValid() || !strings.HasPrefix(re.At.String(), at) || !strings.HasPrefix(err.Error(), at) {
		t.Errorf("error at %q (%v), want a position %s…", re.At, err, at)
	}
}

func TestRuntimeExpressionError8x8(t *testing.T) {
	prog := compile(t, "bad8.flow", `flow bad8
target 8x8
number "+6560000003"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  capture pin {
    prompt "Enter your pin."
    digits 4
    tries  1
  }
  say "Your number is ${int(pin) + 1}."
  hangup
}
`)
	eng := newEngine(t, prog, runtime.WithApology(apology, "en-US-ZiraRUS"))
	c := newCall8x8(t, eng, "expr-8x8", inHours)
	c.callee = "+6560000003"
	c.start()
	res := c.press("12#4") // not a number: int() fails
	if res.Outcome != runtime.Fallback || string(res.Reply.Body) != fallbackApology {
		t.Errorf("%s %s, want the apology fallback", res.Outcome, res.Reply.Body)
	}
	checkExprErr(t, res.Err, "bad8.flow:12:")
}

// sets is a Tencent flow whose handler runs n set steps and ends without
// a rule-ending step.
func sets(t *testing.T, n int) *ir.Program {
	var b strings.Builder
	b.WriteString("flow long\ntarget tencent\nnumber \"+8610000000001\"\notherwise -> main\nhandler main {\n")
	for i := range n {
		fmt.Fprintf(&b, "  set v%d = %d\n", i%3, i)
	}
	b.WriteString("}\n")
	return compile(t, "long.flow", b.String())
}

func TestStepLimit(t *testing.T) {
	body := webhook(t, "tencent", platform.Call{Session: "long", Caller: "+8613166668888", Callee: "+8610000000001", Bound: platform.Bound{IVRID: 5}})
	// 1,000 steps are allowed.
	res := serve(t, newEngine(t, sets(t, runtime.MaxSteps)), &runtime.Request{Platform: "tencent", Body: body})
	want := `{"CallInBound":{"OverrideIvrId":5,"Variables":[{"Key":"v0","Value":"999"},{"Key":"v1","Value":"997"},{"Key":"v2","Value":"998"}]}}`
	if res.Outcome != runtime.Answered || string(res.Reply.Body) != want {
		t.Errorf("1,000 steps: %s %s err %v, want %s", res.Outcome, res.Reply.Body, res.Err, want)
	}
	// 1,100 are not.
	res = serve(t, newEngine(t, sets(t, 1100)), &runtime.Request{Platform: "tencent", Body: body})
	if res.Outcome != runtime.Fallback || string(res.Reply.Body) != `{"CallInBound":{"OverrideIvrId":5}}` || errCode(res.Err) != "step-limit" {
		t.Errorf("1,100 steps: %s %s err %v, want the fallback with step-limit", res.Outcome, res.Reply.Body, res.Err)
	}
	var re *runtime.Error
	if errors.As(res.Err, &re) && !strings.HasPrefix(re.At.String(), "long.flow:") {
		t.Errorf("step-limit error at %q, want a long.flow position", re.At)
	}
}

// versioned is an 8x8 flow whose prompt and goodbye carry a label.
func versioned(t *testing.T, label string) *ir.Program {
	return compile(t, "pin.flow", `flow pin
target 8x8
number "+6560000004"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  capture choice {
    prompt "`+label+` prompt."
    digits 1
    tries  1
  }
  say "`+label+` goodbye."
  hangup
}
`)
}

func TestVersionPinning(t *testing.T) {
	v1, v2 := versioned(t, "Old"), versioned(t, "New")
	if v1.Flow("pin").Version == v2.Flow("pin").Version {
		t.Fatal("two sources, one version")
	}
	eng := newEngine(t, v1)
	old := newCall8x8(t, eng, "pinned-old", inHours)
	old.callee = "+6560000004"
	if res := old.start(); !bytes.Contains(res.Reply.Body, []byte("Old prompt.")) {
		t.Fatalf("first call: %s", res.Reply.Body)
	}
	eng.Swap(v2)
	fresh := newCall8x8(t, eng, "pinned-new", inHours)
	fresh.callee = "+6560000004"
	if res := fresh.start(); res.Version != v2.Flow("pin").Version || !bytes.Contains(res.Reply.Body, []byte("New prompt.")) {
		t.Errorf("a call after the swap: version %s %s, want the new version", res.Version, res.Reply.Body)
	}
	res := old.press("1")
	if res.Version != v1.Flow("pin").Version || !bytes.Contains(res.Reply.Body, []byte("Old goodbye.")) {
		t.Errorf("the call started before the swap: version %s %s, want the old version's goodbye", res.Version, res.Reply.Body)
	}
	if res := fresh.press("1"); !bytes.Contains(res.Reply.Body, []byte("New goodbye.")) {
		t.Errorf("the new call: %s, want the new goodbye", res.Reply.Body)
	}
}

func TestRemovedFlowFinishesInFlightCalls(t *testing.T) {
	eng := newEngine(t, versioned(t, "Old"))
	c := newCall8x8(t, eng, "removed", inHours)
	c.callee = "+6560000004"
	c.start()
	eng.Swap(shipped(t)) // no flow pin any more
	if res := c.press("1"); res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte("Old goodbye.")) {
		t.Errorf("in-flight call: %s %s err %v, want it to finish", res.Outcome, res.Reply.Body, res.Err)
	}
	n := newCall8x8(t, eng, "removed-new", inHours)
	n.callee = "+6560000004"
	if res := n.start(); res.Outcome != runtime.Fallback || string(res.Reply.Body) != fallbackHangup || errCode(res.Err) != "no-flow" {
		t.Errorf("new call: %s %s err %v, want the fallback with no-flow", res.Outcome, res.Reply.Body, res.Err)
	}
}

func TestNoFlowFallbacks(t *testing.T) {
	eng := newEngine(t, shipped(t))
	n := 0
	tencentBody := func(callee string) []byte {
		n++
		return webhook(t, "tencent", platform.Call{Session: fmt.Sprintf("nf-%d", n), Caller: "+8613166668888", Callee: callee, Bound: platform.Bound{AgentID: 9}})
	}
	for _, tc := range []struct {
		name, platform, flow string
		body                 []byte
		status               int
		want                 string
	}{
		{"tencent unknown flow", "tencent", "nosuchflow", tencentBody("+8675566668888"), 200, `{"CallInBound":{"OverrideAIAgentId":9}}`},
		{"tencent callee with no flow", "tencent", "", tencentBody("+8600000000000"), 200, `{"CallInBound":{"OverrideAIAgentId":9}}`},
		{"tencent flow for another platform", "tencent", "support", tencentBody("+8675566668888"), 200, `{"CallInBound":{"OverrideAIAgentId":9}}`},
		{"8x8 unknown flow", "8x8", "nosuchflow", webhook(t, "8x8", platform.Call{Session: "nf-8x8", Caller: "+6591234567", Callee: "+6512345678", At: inHours}), 200, fallbackHangup},
		{"8x8 callee with no flow", "8x8", "", webhook(t, "8x8", platform.Call{Session: "nf-8x8-2", Caller: "+6591234567", Callee: "+6500000000", At: inHours}), 200, fallbackHangup},
		{"callback unknown flow", "callback", "nosuchflow", webhook(t, "callback", platform.Call{Session: "nf-cb", Caller: "+6591234567", Callee: "+6561112222"}), 404, ""},
		{"callback without a flow", "callback", "", webhook(t, "callback", platform.Call{Session: "nf-cb2", Caller: "+6591234567", Callee: "+6561112222"}), 404, ""},
		{"callbot unknown flow", "callbot", "nosuchflow", webhook(t, "callbot", platform.Call{Session: "nf-bot", Caller: "+84988888888", Callee: "842499950291"}), 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, eng, &runtime.Request{Platform: tc.platform, Flow: tc.flow, Body: tc.body})
			want := runtime.Fallback // a call gets the safe answer
			if tc.status == 404 {    // a trigger no flow takes was not routable
				want = runtime.Rejected
			}
			if res.Outcome != want || res.Reply.Status != tc.status || errCode(res.Err) != "no-flow" {
				t.Errorf("%s %d %s err %v, want %s %d no-flow", res.Outcome, res.Reply.Status, res.Reply.Body, res.Err, want, tc.status)
			}
			if tc.want != "" && string(res.Reply.Body) != tc.want {
				t.Errorf("body %s, want %s", res.Reply.Body, tc.want)
			}
			if tc.status == 404 { // a trigger's sender is told plainly
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(res.Reply.Body, &e); err != nil || e.Error.Code != "unknown_flow" || e.Error.Message == "" {
					t.Errorf("404 body %s: want the JSON error unknown_flow", res.Reply.Body)
				}
			}
		})
	}
}

func TestBadWebhooks(t *testing.T) {
	eng := newEngine(t, shipped(t))
	for _, tc := range []struct {
		name, platform, body string
		field                string // must appear in the message
	}{
		{"tencent not JSON", "tencent", `{"Event":`, "not JSON"},
		{"tencent empty", "tencent", ``, "empty body"},
		{"tencent array", "tencent", `[1,2]`, "JSON object"},
		{"tencent SessionId number", "tencent", `{"Event":"CallInBound","SessionId":5,"CallInBound":{"Caller":"+1","Callee":"+2"}}`, "SessionId"},
		{"tencent missing CallInBound", "tencent", `{"Event":"CallInBound","SessionId":"s"}`, "CallInBound"},
		{"tencent missing Caller", "tencent", `{"Event":"CallInBound","SessionId":"s","CallInBound":{"Callee":"+2"}}`, "CallInBound.Caller"},
		{"tencent IvrId string", "tencent", `{"Event":"CallInBound","SessionId":"s","CallInBound":{"Caller":"+1","Callee":"+2","IvrId":"5"}}`, "CallInBound.IvrId"},
		{"8x8 not JSON", "8x8", `eventType=CALL_ACTION`, "not JSON"},
		{"8x8 missing payload", "8x8", `{"eventType":"CALL_ACTION"}`, "payload"},
		{"8x8 missing sessionId", "8x8", `{"eventType":"CALL_ACTION","payload":{"callStatus":"CALL_RECEIVED"}}`, "payload.sessionId"},
		{"8x8 eventData number", "8x8", `{"eventType":"CALL_ACTION","payload":{"sessionId":"s","callStatus":"ACTION_COMPLETED","eventData":5}}`, "payload.eventData"},
		{"8x8 dtmf object", "8x8", `{"eventType":"CALL_ACTION","payload":{"sessionId":"s","callStatus":"ACTION_COMPLETED","eventData":{"dtmf":{}}}}`, "payload.eventData.dtmf"},
		{"8x8 unknown event", "8x8", `{"eventType":"NOPE","payload":{"sessionId":"s"}}`, "eventType"},
		{"callback missing id", "callback", `{"from":"+1","to":"+2","data":{}}`, "id"},
		{"callback data string", "callback", `{"id":"x","from":"+1","to":"+2","data":"high"}`, "data"},
		{"callbot not JSON", "callbot", `<xml/>`, "not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := eng.Serve(context.Background(), &runtime.Request{Platform: tc.platform, Flow: "support", Body: []byte(tc.body)})
			if err == nil {
				t.Error("no error")
			}
			if res.Outcome != runtime.Rejected || res.Reply.Status != http.StatusBadRequest {
				t.Fatalf("%s %d %s, want rejected 400", res.Outcome, res.Reply.Status, res.Reply.Body)
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(res.Reply.Body, &e); err != nil {
				t.Fatalf("400 body %s is not JSON: %v", res.Reply.Body, err)
			}
			if e.Error.Code != "bad_webhook" || !strings.Contains(e.Error.Message, tc.field) {
				t.Errorf("error %+v, want code bad_webhook naming %q", e.Error, tc.field)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	eng := newEngine(t, shipped(t))
	// A valid webhook padded with spaces to one byte over the limit.
	body := webhook(t, "tencent", platform.Call{Session: "big", Caller: "+8613166668888", Callee: "+8675566668888"})
	big := append(bytes.Repeat([]byte(" "), runtime.MaxBody+1-len(body)), body...)
	res, err := eng.Serve(context.Background(), &runtime.Request{Platform: "tencent", Body: big})
	if !errors.Is(err, runtime.ErrBodyTooLarge) || res.Outcome != runtime.Rejected || res.Reply.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("%d bytes: %s %d err %v, want rejected 413", len(big), res.Outcome, res.Reply.Status, err)
	}
	// At the limit it is taken.
	res = serve(t, eng, &runtime.Request{Platform: "tencent", Body: big[1:], Given: map[string]any{"customer": map[string]any{"vip": false, "name": ""}}})
	if res.Outcome != runtime.Answered {
		t.Errorf("%d bytes: %s %s err %v, want answered", len(big)-1, res.Outcome, res.Reply.Body, res.Err)
	}
}

func TestUnknownPlatform(t *testing.T) {
	eng := newEngine(t, shipped(t))
	res, err := eng.Serve(context.Background(), &runtime.Request{Platform: "nosuch", Body: []byte(`{}`)})
	if !errors.Is(err, runtime.ErrUnknownPlatform) || res.Outcome != runtime.Rejected || res.Reply.Status != http.StatusNotFound {
		t.Errorf("%s %d err %v, want rejected 404 ErrUnknownPlatform", res.Outcome, res.Reply.Status, err)
	}
	if _, err := eng.Handle(context.Background(), "", "", []byte(`{}`)); !errors.Is(err, runtime.ErrUnknownPlatform) {
		t.Errorf("Handle with no platform: err %v, want ErrUnknownPlatform", err)
	}
}

// Variables keep their types across a capture, though the session went
// through the store as JSON: an int stays an int, a time a time.
func TestVariablesKeepTheirTypesAcrossACapture(t *testing.T) {
	prog := compile(t, "vars.flow", `flow vars
target 8x8
number "+6560000009"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  set n = 2
  set ratio = 0.5
  set xs = [1, 2, 3]
  set m = {a: 1}
  set started = now
  set wait = duration("90s")
  set ok = true
  capture c {
    prompt "Press."
    digits 1
    tries  1
  }
  if n == 2 and n * 3 == 6 and xs[1] == 2 and m.a == 1 and ok {
    say "${n + 1} ${ratio * 2} ${xs[2]} ${int(n) + 1} ${started.Year()} ${started.Hour()} ${wait.Seconds()} ${c}"
  } else {
    say "wrong"
  }
  hangup
}
`)
	eng := newEngine(t, prog)
	c := newCall8x8(t, eng, "vars", inHours)
	c.callee = "+6560000009"
	c.start()
	res := c.press("7")
	if res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte(`"text":"3 1 3 3 2026 10 90 7"`)) {
		t.Errorf("%s %s err %v, want the variables as they were set", res.Outcome, res.Reply.Body, res.Err)
	}
}

// A lookup typed by its else value gets a JSON value of that type: a JSON
// number for an int lookup is an int; a value of another type is replaced
// by the else value.
func TestLookupConformsToElseType(t *testing.T) {
	for _, tc := range []struct {
		name, json, want string
	}{
		{"whole number", `5`, "6"},
		{"fraction", `5.5`, "1"},
		{"string", `"5"`, "1"},
		{"null", `null`, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCRM(t, jsonHandler(tc.json))
			prog := compile(t, "score.flow", `flow score
target tencent
number "+8610000000001"
lookup score = get "`+srv.URL+`/score/${caller}" else 0
when score >= 0 -> main
handler main {
  set next = score + 1
  agent next
}
`)
			body := webhook(t, "tencent", platform.Call{Session: "score", Caller: "+8613166668888", Callee: "+8610000000001"})
			res := serve(t, newEngine(t, prog), &runtime.Request{Platform: "tencent", Body: body})
			want := `{"CallInBound":{"OverrideAIAgentId":` + tc.want + `,"Variables":[{"Key":"next","Value":"` + tc.want + `"}]}}`
			if res.Outcome != runtime.Answered || string(res.Reply.Body) != want {
				t.Errorf("%s %s err %v, want %s", res.Outcome, res.Reply.Body, res.Err, want)
			}
		})
	}
}

// Environments are reused from webhook to webhook: nothing one call set
// may be seen by the next, here a variable only VIP callers get.
func TestCallsDoNotSeeEachOthersVariables(t *testing.T) {
	eng := newEngine(t, compile(t, "marks.flow", `flow marks
target tencent
number "+8675566668888"
otherwise -> main
handler main {
  if caller == "+8613000000001" { set mark = "vip" }
  set seen = "mark=${mark}"
  agent 5
}
`))
	for i := range 50 {
		caller, want := "+8613000000002", `{"CallInBound":{"OverrideAIAgentId":5,"Variables":[{"Key":"seen","Value":"mark="}]}}`
		if i%2 == 0 {
			caller, want = "+8613000000001", `{"CallInBound":{"OverrideAIAgentId":5,"Variables":[{"Key":"mark","Value":"vip"},{"Key":"seen","Value":"mark=vip"}]}}`
		}
		body := webhook(t, "tencent", platform.Call{Session: fmt.Sprintf("marks-%d", i), Caller: caller, Callee: "+8675566668888"})
		res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
		if string(res.Reply.Body) != want {
			t.Fatalf("call %d from %s: %s\nwant %s", i, caller, res.Reply.Body, want)
		}
	}
}

// The clientActionId of an earlier step of the same call is authentic but
// no longer names the pending capture: refused, and the call goes on with
// the current one.
func TestEarlierTokenOfTheSameCall(t *testing.T) {
	eng := newEngine(t, shipped(t))
	c := newCall8x8(t, eng, "replay", inHours)
	c.start()
	menu := c.resume
	if res := c.press("9"); res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte("order number")) {
		t.Fatalf("press 9: %s %s", res.Outcome, res.Reply.Body)
	}
	order := c.resume
	c.resume = menu
	if res := c.press("1"); res.Outcome != runtime.Fallback || errCode(res.Err) != "bad-token" {
		t.Errorf("the menu's token at the order capture: %s %s err %v, want the fallback and bad-token", res.Outcome, res.Reply.Body, res.Err)
	}
	c.resume = order
	if res := c.press("12345#"); res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte("Order 12345")) {
		t.Errorf("the order capture's token: %s %s, want the order read out", res.Outcome, res.Reply.Body)
	}
}

// A clientActionId brought back after the session TTL is refused as
// expired, by the engine's clock, even while the store still holds the
// session.
func TestExpiredClientActionID(t *testing.T) {
	eng := newEngine(t, shipped(t), runtime.WithSessionTTL(time.Minute))
	c := newCall8x8(t, eng, "late", inHours)
	c.start()
	c.at = c.at.Add(2 * time.Minute)
	res := c.press("1")
	if res.Outcome != runtime.Fallback || errCode(res.Err) != "bad-token" || !strings.Contains(res.Err.Error(), "expired") {
		t.Errorf("a late answer: %s %s err %v, want the fallback and an expired bad-token", res.Outcome, res.Reply.Body, res.Err)
	}
}

// Issue 10, item 3: a session the store evicts to stay within its memory
// budget is never dropped silently: the engine logs it (a warning naming
// the session, its size and the budget) and passes it to the observer, and
// that caller's next webhook gets the fallback.
func TestEvictionIsLoggedAndObserved(t *testing.T) {
	var logs bytes.Buffer
	var seen []runtime.Eviction
	probe := newEngine(t, shipped(t))
	first := newCall8x8(t, probe, "probe", inHours).start()
	if first.Session == nil {
		t.Fatalf("support.flow did not wait at the menu: %s", first.Reply.Body)
	}
	one := runtime.SessionSize("8x8|probe", first.Session)
	store := runtime.NewMemoryStore(runtime.MemoryBudget(2*one + one/2)) // two calls fit, not three
	eng := newEngine(t, shipped(t), runtime.WithStore(store),
		runtime.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))),
		runtime.WithEvictionObserver(func(ev runtime.Eviction) { seen = append(seen, ev) }))
	calls := []*call8x8{newCall8x8(t, eng, "evict-1", inHours), newCall8x8(t, eng, "evict-2", inHours), newCall8x8(t, eng, "evict-3", inHours)}
	for i, c := range calls {
		c.at = c.at.Add(time.Duration(i) * time.Minute) // evict-1 expires first
		if res := c.start(); res.Outcome != runtime.Answered {
			t.Fatalf("%s: %s %v", c.session, res.Outcome, res.Err)
		}
	}
	if len(seen) != 1 || seen[0].Key != "8x8|evict-1" || seen[0].Bytes <= 0 || seen[0].Held != 1 {
		t.Fatalf("observed evictions %+v, want evict-1's", seen)
	}
	var line struct {
		Level, Msg, Session string
		Bytes, Budget       int64
	}
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil || line.Level != "WARN" || !strings.Contains(line.Msg, "session evicted") ||
		line.Session != "8x8|evict-1" || line.Bytes != seen[0].Bytes || line.Budget != 2*one+one/2 {
		t.Errorf("log %s (%v), want one warning for evict-1", logs.Bytes(), err)
	}
	if res := calls[0].press("1"); res.Outcome != runtime.Fallback {
		t.Errorf("the evicted call's next webhook: %s, want the fallback", res.Outcome)
	}
	if res := calls[2].press("1"); res.Outcome != runtime.Answered {
		t.Errorf("a kept call's next webhook: %s %v", res.Outcome, res.Err)
	}
}
