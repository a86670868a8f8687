package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// jsonStore is a session store that keeps sessions as JSON, as a store
// shared by replicas does: what the engine keeps must survive encoding.
type jsonStore struct {
	mu   sync.Mutex
	rev  uint64
	data map[string][]byte
	revs map[string]uint64
}

func newJSONStore() *jsonStore {
	return &jsonStore{data: map[string][]byte{}, revs: map[string]uint64{}}
}

func (s *jsonStore) Get(_ context.Context, key string) (*runtime.Session, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.data[key]
	if !ok {
		return nil, 0, runtime.ErrNotFound
	}
	var sess runtime.Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, 0, err
	}
	return &sess, s.revs[key], nil
}

func (s *jsonStore) CompareAndSet(_ context.Context, key string, rev uint64, sess *runtime.Session, _ time.Duration) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revs[key] != rev {
		return 0, runtime.ErrConflict
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return 0, err
	}
	s.rev++
	s.data[key], s.revs[key] = b, s.rev
	return s.rev, nil
}

func (s *jsonStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.data, key)
	delete(s.revs, key)
	return nil
}

// pinFlow checks a PIN with a lookup whose URL carries it, until the CRM
// says it is right.
func pinFlow(base string) string {
	return `flow pins
target 8x8
number "+6560000002"
voice "en-US-ZiraRUS"
lookup check = get "` + base + `/check?pin=${pin}" timeout 1s else {ok: false}
otherwise -> main
handler main {
  capture pin {
    prompt "Enter your pin."
    digits 4
    tries  1
  }
  if check.ok {
    say "Welcome."
    hangup
  }
  say "Wrong pin."
  goto main
}
`
}

// Within one webhook too, a lookup whose URL reads a variable is resolved
// for the URL of the moment it is read: a flow that sets the variable
// between two reads gets each URL's answer, and a URL that reads nothing
// that changes is fetched once however often it is read.
func TestLookupURLChangesWithinAWebhook(t *testing.T) {
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		jsonHandler(fmt.Sprintf(`{"id": %q}`, r.URL.Query().Get("k")))(w, r)
	})
	prog := compile(t, "keys.flow", `flow keys
target tencent
number "+8675500000000"

lookup byVar = get "`+srv.URL+`/v?k=${key}" timeout 1s else {id: "none"}
lookup byCaller = get "`+srv.URL+`/c?k=${caller}" timeout 1s else {id: "none"}
otherwise -> main
handler main {
  set key = "a"
  set first = byVar.id + byCaller.id
  set key = "b"
  set second = byVar.id + byCaller.id
  set third = byCaller.id
  agent 1
}
`)
	eng := newEngine(t, prog)
	body := webhook(t, "tencent", platform.Call{Session: "keys", Caller: "+8613166668888", Callee: "+8675500000000"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	want := `{"CallInBound":{"OverrideAIAgentId":1,"Variables":[{"Key":"key","Value":"b"},` +
		`{"Key":"first","Value":"a+8613166668888"},{"Key":"second","Value":"b+8613166668888"},{"Key":"third","Value":"+8613166668888"}]}}`
	if res.Outcome != runtime.Answered || string(res.Reply.Body) != want {
		t.Fatalf("%s %s\nwant %s", res.Outcome, res.Reply.Body, want)
	}
	if n := srv.hits.Load(); n != 3 {
		t.Errorf("%d fetches, want 3: byVar for a and for b, byCaller once", n)
	}
}

// A lookup whose URL uses a variable is fetched again when the variable
// changes, and not when it comes back to a value already fetched: once per
// call for each distinct URL, through a store that keeps sessions as JSON
// as well as the default one.
func TestLookupOncePerURL(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store runtime.SessionStore
	}{{"memory", nil}, {"json", newJSONStore()}} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			hits := map[string]int{}
			srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
				pin := r.URL.Query().Get("pin")
				mu.Lock()
				hits[pin]++
				mu.Unlock()
				jsonHandler(fmt.Sprintf(`{"ok": %t}`, pin == "4321"))(w, r)
			})
			var opts []runtime.Option
			if tc.store != nil {
				opts = append(opts, runtime.WithStore(tc.store))
			}
			eng := newEngine(t, compile(t, "pins.flow", pinFlow(srv.URL)), opts...)
			c := newCall8x8(t, eng, "pins-"+tc.name, inHours)
			c.callee = "+6560000002"
			for i, step := range []struct{ press, want string }{
				{"", "Enter your pin."},
				{"1111", "Wrong pin."},
				{"2222", "Wrong pin."},
				{"1111", "Wrong pin."}, // the first URL again: its answer is kept
				{"4321", "Welcome."},
			} {
				var res *runtime.Result
				if step.press == "" {
					res = c.start()
				} else {
					res = c.press(step.press)
				}
				if res.Outcome != runtime.Answered || !bytes.Contains(res.Reply.Body, []byte(`"`+step.want+`"`)) {
					t.Fatalf("webhook %d (%q): %s %s, want %q", i+1, step.press, res.Outcome, res.Reply.Body, step.want)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if want := map[string]int{"1111": 1, "2222": 1, "4321": 1}; !equalCounts(hits, want) {
				t.Errorf("requests by pin %v, want %v", hits, want)
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// hostileCaller has every character whose escaping depends on where it
// stands in a URL.
const hostileCaller = "a+b&c=d/e#f?g h é"

// Each ${…} of a lookup URL reaches the server as the value it was: in the
// path as one segment, in the query string as one parameter's value.
func TestLookupURLEscapedWhereItStands(t *testing.T) {
	type seen struct{ path, segment, query, q, pin string }
	got := make(chan seen, 1)
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.URL.EscapedPath(), strings.TrimPrefix(r.URL.Path, "/c/"), r.URL.RawQuery, r.URL.Query().Get("q"), r.URL.Query().Get("pin")}
		jsonHandler(`{"name": "ok"}`)(w, r)
	})
	prog := compile(t, "esc.flow", `flow esc
target tencent
number "+8675500000000"
lookup customer = get "`+srv.URL+`/c/${caller}?q=${caller}&pin=${"1 2"}#${caller}" timeout 1s else {name: "nobody"}
otherwise -> main
handler main {
  set name = customer.name
  agent 1
}
`)
	eng := newEngine(t, prog)
	body := webhook(t, "tencent", platform.Call{Session: "esc", Caller: hostileCaller, Callee: "+8675500000000"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if !bytes.Contains(res.Reply.Body, []byte(`"Value":"ok"`)) {
		t.Fatalf("answer %s, want the lookup's name", res.Reply.Body)
	}
	s := <-got
	if s.segment != hostileCaller || strings.Count(s.path, "/") != 2 {
		t.Errorf("the server got the path %q (segment %q), want one segment %q", s.path, s.segment, hostileCaller)
	}
	if s.q != hostileCaller || s.pin != "1 2" || strings.Count(s.query, "&") != 1 || strings.Count(s.query, "=") != 2 {
		t.Errorf("the server got the query %q (q=%q pin=%q), want q=%q and pin=%q only", s.query, s.q, s.pin, hostileCaller, "1 2")
	}
}

// logLines captures an engine's log as JSON lines.
type logLines struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the records whose msg is msg.
func (l *logLines) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(l.b.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("log line %s: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logLines) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(l, nil)) }

const lookupFailed = "lookup failed, used its else value"

// A lookup that fails in any way is logged at warn with its flow, name,
// position, URL without secrets, cause and duration, and its else value
// is used.
func TestLookupFailureIsLogged(t *testing.T) {
	refused := newCRM(t, jsonHandler(`{}`))
	refused.Close() // nothing listens there any more
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc // nil: the refused server
		cause   string           // a prefix
		outcome string
	}{
		{"refused", nil, "dial tcp", "error"},
		{"timeout", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, "timed out after 200ms", "timeout"},
		{"500", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", 500) }, "HTTP 500", "error"},
		{"bad json", jsonHandler(`{"name": "Zh`), "bad JSON", "error"},
		{"wrong type", jsonHandler(`["a list"]`), "the JSON is a list, the else value an object", "error"},
		{"too large", jsonHandler(oversizedJSON()), "the body is over 1048576 bytes", "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := refused.URL
			if tc.handler != nil {
				base = newCRM(t, tc.handler).URL
			}
			base = strings.Replace(base, "http://", "http://ana:s3cr3t@", 1)
			// Only the timeout case waits for its timeout; the others get
			// room to read a megabyte on a loaded machine under -race.
			timeout := "2s"
			if tc.outcome == "timeout" {
				timeout = "200ms"
			}
			prog := compile(t, "crm.flow", `flow crm
target tencent
number "+8675500000000"

lookup customer = get "`+base+`/customers/${caller}?key=k3y&pin=${caller}#frag" timeout `+timeout+` else {vip: false, name: "nobody"}
otherwise -> main
handler main {
  set name = customer.name
  agent 1
}
`)
			var logs logLines
			var events []runtime.LookupEvent
			eng := newEngine(t, prog, runtime.WithLogger(logs.logger()),
				runtime.WithLookupObserver(func(ev runtime.LookupEvent) { events = append(events, ev) }))
			body := webhook(t, "tencent", platform.Call{Session: "fail-" + tc.name, Caller: "+8613166668888", Callee: "+8675500000000"})
			res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
			if !bytes.Contains(res.Reply.Body, []byte(`"Value":"nobody"`)) {
				t.Errorf("answer %s, want the else value", res.Reply.Body)
			}
			recs := logs.lines(t, lookupFailed)
			if len(recs) != 1 {
				t.Fatalf("%d lines %q, want 1:\n%s", len(recs), lookupFailed, logs.String())
			}
			rec := recs[0]
			wantURL := strings.Replace(base, "ana:s3cr3t@", "", 1) + "/customers/+8613166668888?key=…&pin=…"
			for k, want := range map[string]string{"level": "WARN", "flow": "crm", "lookup": "customer", "at": "crm.flow:5:1", "url": wantURL} {
				if rec[k] != want {
					t.Errorf("%s = %v, want %q", k, rec[k], want)
				}
			}
			if cause, _ := rec["cause"].(string); !strings.HasPrefix(cause, tc.cause) {
				t.Errorf("cause %q, want %q…", cause, tc.cause)
			}
			if took, _ := rec["took"].(float64); took <= 0 {
				t.Errorf("took %v, want a duration", rec["took"])
			}
			line := logs.String()
			for _, secret := range []string{"s3cr3t", "k3y", "frag"} {
				if strings.Contains(line, secret) {
					t.Errorf("the log holds %q: %s", secret, line)
				}
			}
			if len(events) != 1 || events[0].Flow != "crm" || events[0].Lookup != "customer" || events[0].Outcome != tc.outcome {
				t.Errorf("observed %+v, want one %s of crm/customer", events, tc.outcome)
			}
		})
	}
}

// A lookup whose URL reads the lookup itself fails with its else value,
// logged; it does not recurse until the process dies. The checker refuses
// such a flow (bad-lookup), so the program is altered after compiling, as
// one built by other means could be: lookup a's URL reads b, and b is given
// that same URL, so b's URL reads b.
func TestLookupURLNeedsItself(t *testing.T) {
	srv := newCRM(t, jsonHandler(`"x"`))
	prog := compile(t, "self.flow", `flow self
target tencent
number "+8675500000000"
lookup a = get "`+srv.URL+`/a/${b}" timeout 1s else "none"
lookup b = get "`+srv.URL+`/b" timeout 1s else "none"
otherwise -> main
handler main {
  set name = b
  agent 1
}
`)
	f := prog.Flow("self")
	b := *f.Lookups["b"]
	b.URL = f.Lookups["a"].URL
	f.Lookups["b"] = &b
	var logs logLines
	eng := newEngine(t, prog, runtime.WithLogger(logs.logger()))
	body := webhook(t, "tencent", platform.Call{Session: "self", Caller: "+8613166668888", Callee: "+8675500000000"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if !bytes.Contains(res.Reply.Body, []byte(`"Value":"none"`)) {
		t.Errorf("answer %s, want the else value", res.Reply.Body)
	}
	recs := logs.lines(t, lookupFailed)
	if len(recs) != 1 || !strings.Contains(recs[0]["cause"].(string), "needs lookup b itself") {
		t.Errorf("log %s, want one %q naming the cycle", logs.String(), lookupFailed)
	}
	if n := srv.hits.Load(); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

// hostsClient is a client whose dialer maps host names to loopback
// listeners, so a test can have several hosts without DNS.
func hostsClient(hosts map[string]string) *http.Client {
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if to, ok := hosts[addr]; ok {
			addr = to
		}
		return d.DialContext(ctx, network, addr)
	}}}
}

// crmFlow is a tencent flow that looks the caller up at query+"c=" and the
// caller (query ends with "?" or "&"), and answers agent 1, with the name
// found, "nobody" when the lookup fails, in the variable name.
func crmFlow(query string) string {
	return `flow crm
target tencent
number "+8675500000000"
lookup customer = get "` + query + `c=${caller}" timeout 1s else {name: "nobody"}
otherwise -> main
handler main {
  set name = customer.name
  agent 1
}
`
}

// A lookup follows a redirect on its own host, and refuses one to another
// host (the else value, and a log line) unless the engine is unguarded.
func TestLookupRedirects(t *testing.T) {
	other := newCRM(t, jsonHandler(`{"name": "other host"}`))
	crmHost := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "http://other.test/stolen", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/final", http.StatusMovedPermanently)
		case "/final":
			jsonHandler(`{"name": "same host"}`)(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	hosts := map[string]string{"crm.test:80": crmHost.Listener.Addr().String(), "other.test:80": other.Listener.Addr().String()}
	for _, tc := range []struct {
		name, path string
		opts       []runtime.Option
		want       string
		otherHits  int64
		logged     string // the cause logged, a part; "" for none
	}{
		{"same host", "/same", nil, "same host", 0, ""},
		{"another host", "/moved", nil, "nobody", 0, "redirect from crm.test to another host, other.test"},
		{"another host, unguarded", "/moved", []runtime.Option{runtime.WithUnguardedLookups()}, "other host", 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other.hits.Store(0)
			prog := compile(t, "crm.flow", crmFlow("http://crm.test"+tc.path+"?"))
			var logs logLines
			opts := append([]runtime.Option{runtime.WithHTTPClient(hostsClient(hosts)), runtime.WithLogger(logs.logger())}, tc.opts...)
			eng := newEngine(t, prog, opts...)
			body := webhook(t, "tencent", platform.Call{Session: "redirect", Caller: "+8613166668888", Callee: "+8675500000000"})
			res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
			if !bytes.Contains(res.Reply.Body, []byte(`"Value":"`+tc.want+`"`)) {
				t.Errorf("answer %s, want %q", res.Reply.Body, tc.want)
			}
			if n := other.hits.Load(); n != tc.otherHits {
				t.Errorf("the other host got %d requests, want %d", n, tc.otherHits)
			}
			recs := logs.lines(t, lookupFailed)
			switch {
			case tc.logged == "" && len(recs) != 0:
				t.Errorf("logged %v, want nothing", recs)
			case tc.logged != "" && (len(recs) != 1 || !strings.Contains(recs[0]["cause"].(string), tc.logged)):
				t.Errorf("log %s, want a line whose cause has %q", logs.String(), tc.logged)
			}
		})
	}
}

// A URL naming a metadata address is refused before any request is made,
// even to a proxy (which would connect to the address itself).
func TestLookupMetadataAddressRefused(t *testing.T) {
	proxy := newCRM(t, jsonHandler(`"credentials"`))
	proxyURL, err := url.Parse(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}
	prog := compile(t, "meta.flow", `flow meta
target tencent
number "+8675500000000"
lookup creds = get "http://169.254.169.254/latest/meta-data/iam/security-credentials/${caller}" timeout 1s else "none"
otherwise -> main
handler main {
  set name = creds
  agent 1
}
`)
	var logs logLines
	eng := newEngine(t, prog, runtime.WithLogger(logs.logger()), runtime.WithHTTPClient(client))
	body := webhook(t, "tencent", platform.Call{Session: "meta", Caller: "+8613166668888", Callee: "+8675500000000"})
	res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
	if !bytes.Contains(res.Reply.Body, []byte(`"Value":"none"`)) {
		t.Errorf("answer %s, want the else value", res.Reply.Body)
	}
	recs := logs.lines(t, lookupFailed)
	if len(recs) != 1 || !strings.Contains(recs[0]["cause"].(string), "169.254.169.254 is a link-local address") {
		t.Errorf("log %s, want the refusal", logs.String())
	}
	if n := proxy.hits.Load(); n != 0 {
		t.Errorf("the proxy got %d requests, want none", n)
	}
}

// A lookup's JSON numbers are decoded exactly, as webhooks' are: an agent id
// beyond 2^53 read from a CRM reaches the answer as the CRM sent it, whole
// or inside an object, not rounded to the nearest float64.
func TestLookupNumbersExact(t *testing.T) {
	object := newCRM(t, jsonHandler(`{"agent": 9007199254740993}`))
	whole := newCRM(t, jsonHandler(`9007199254740993`))
	for _, tc := range []struct{ name, lookup, agent string }{
		{"in an object", `lookup crm = get "` + object.URL + `/agent" timeout 1s else {agent: 1}`, "agent crm.agent"},
		{"whole", `lookup crm = get "` + whole.URL + `/agent" timeout 1s else 1`, "agent crm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := compile(t, "exact.flow", "flow exact\ntarget tencent\nnumber \"+8675500000000\"\n"+tc.lookup+"\notherwise -> main\nhandler main {\n  "+tc.agent+"\n}\n")
			eng := newEngine(t, prog)
			body := webhook(t, "tencent", platform.Call{Session: "exact", Caller: "+8613166668888", Callee: "+8675500000000"})
			res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body})
			if want := `"OverrideAIAgentId":9007199254740993`; !bytes.Contains(res.Reply.Body, []byte(want)) {
				t.Errorf("answer %s, want %s", res.Reply.Body, want)
			}
		})
	}
}
