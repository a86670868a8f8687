package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
)

// exampleAt is the time of every call in these examples, a Monday morning
// in Shanghai and Singapore: a fixed clock makes the answers reproducible.
var exampleAt = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("+08", 8*3600))

// exampleRouter is a small Tencent inbound router.
const exampleRouter = `flow reception
target tencent
number "+8675566668888"

hours office "Mon-Fri 09:00-18:00" tz "Asia/Shanghai"

when caller startsWith "+861" and open(office) -> mandarin
when not open(office)                          -> closed
otherwise                                      -> keep_bound

handler mandarin {
  set language = "zh-CN"
  ivr 12
}

handler closed {
  hangup
}

handler keep_bound {
}
`

// exampleIVR is a small 8x8 IVR with one capture; greeting is what it says
// first, so two versions can be told apart.
func exampleIVR(greeting string) string {
	return `flow support
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> menu

handler menu {
  say "` + greeting + `"
  capture choice {
    prompt "Press 1 for sales or 2 for support."
    digits 1
    accept "1", "2"
    tries  2
  }
  say "You pressed ${choice}. Goodbye."
  hangup
}
`
}

// exampleCompile compiles one flow and stops the program on errors.
func exampleCompile(name, src string) *ir.Program {
	files := source.Files{}
	prog, ds := lang.CompileFile(name, []byte(src), lang.WithSources(files))
	if ds.HasErrors() {
		diag.Write(os.Stderr, diag.FormatText, ds, files)
		log.Fatal(diag.Summary(ds, 1))
	}
	return prog
}

// exampleWebhook8x8 builds the webhook 8x8 would send: a new call when
// digits is nil, else the end of the capture that resume (the previous
// answer's clientActionId) named.
func exampleWebhook8x8(session string, n int, resume string, digits *string) []byte {
	body, err := eightbyeight.New().Webhook(platform.Call{
		Session: session, Delivery: fmt.Sprintf("%s-%d", session, n),
		Caller: "+6591234567", Callee: "+6512345678", At: exampleAt,
		Resume: resume, Digits: digits,
	})
	if err != nil {
		log.Fatal(err)
	}
	return body
}

// exampleShort replaces a resume token in an 8x8 answer, so the output
// shows where it goes without its bytes.
func exampleShort(body []byte, token string) string {
	if token == "" {
		return string(body)
	}
	return strings.Replace(string(body), token, "<token>", 1)
}

// New builds an engine from functional options. Only WithFlows is needed
// in practice; WithSecret must be set (and shared) wherever 8x8 calls may
// reach more than one process or outlive a restart.
func ExampleNew() {
	prog := exampleCompile("reception.flow", exampleRouter)
	eng, err := runtime.New(
		runtime.WithFlows(prog),
		runtime.WithStore(runtime.NewMemoryStore(runtime.MemoryBudget(256<<20))),
		runtime.WithSecret([]byte("a shared secret of 16+ bytes, from the environment")),
		runtime.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))),
		runtime.WithHTTPClient(&http.Client{}),
		runtime.WithBudget("tencent", 2*time.Second),
		runtime.WithSessionTTL(time.Hour),
		runtime.WithApology("Sorry, something went wrong. Please call again later.", "en-US-ZiraRUS"),
		runtime.WithClock(func() time.Time { return exampleAt }),
	)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range eng.Program().Flows {
		fmt.Println(f.Name, f.Platforms, f.Numbers)
	}
	// Output:
	// reception [tencent] [+8675566668888]
}

// Handle answers one webhook: the platform, the flow named in the URL ("":
// the flow whose number was called) and the raw body in; the platform's
// answer out.
func ExampleEngine_Handle() {
	prog := exampleCompile("reception.flow", exampleRouter)
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithClock(func() time.Time { return exampleAt }))
	if err != nil {
		log.Fatal(err)
	}
	body := []byte(`{"Event":"CallInBound","SessionId":"6f1c1c52-4f1e-4b43-9d5a-1f0a2b3c4d5e","SdkAppId":1400692008,
	  "CallInBound":{"AIAgentId":0,"IvrId":5,"Caller":"+8613166668888","Callee":"+8675566668888"}}`)
	reply, err := eng.Handle(context.Background(), "tencent", "", body)
	if err != nil {
		// The flow could not run: reply is the platform's safe fallback.
		fmt.Println("fallback:", err)
	}
	fmt.Println(reply.Status, string(reply.Body))
	// Output:
	// 200 {"CallInBound":{"OverrideIvrId":12,"Variables":[{"Key":"language","Value":"zh-CN"}]}}
}

// An 8x8 call spans webhooks: an answer that captures digits carries a
// clientActionId, a signed resume token; 8x8 echoes it with the digits and
// the engine resumes the call from its session, right after the capture.
func ExampleEngine_Handle_eightByEight() {
	prog := exampleCompile("support.flow", exampleIVR("Welcome to ACME."))
	eng, err := runtime.New(runtime.WithFlows(prog),
		runtime.WithSecret([]byte("0123456789abcdef0123456789abcdef")),
		runtime.WithClock(func() time.Time { return exampleAt }))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// CALL_RECEIVED: the engine says the greeting and asks for a digit.
	res, err := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-1", 1, "", nil)})
	if err != nil {
		log.Fatal(err)
	}
	token := res.Response.Resume // also in the JSON, as clientActionId
	fmt.Println(res.Outcome, exampleShort(res.Reply.Body, token))

	// ACTION_COMPLETED with dtmf "2" and the clientActionId echoed back.
	two := "2"
	reply, err := eng.Handle(ctx, "8x8", "", exampleWebhook8x8("call-1", 2, token, &two))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(reply.Body))
	// Output:
	// answered {"clientActionId":"<token>","callflow":[{"action":"say","params":{"text":"Welcome to ACME.","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}},{"action":"sayAndCapture","params":{"promptMessage":"Press 1 for sales or 2 for support.","voiceProfile":"en-US-ZiraRUS","speed":1.0,"minDigits":1,"maxDigits":1,"completeOnHash":false,"digitTimeout":5000,"overallTimeout":10000,"noOfTries":1}}]}
	// {"callflow":[{"action":"say","params":{"text":"You pressed 2. Goodbye.","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}},{"action":"hangup"}]}
}

// Serve is Handle with more in and out: stubs for lookups and tables
// (Given: no HTTP is done for them), the call's time (Now), a trace, and
// the outcome, flow, version and handler of the answer.
func ExampleEngine_Serve() {
	prog := exampleCompile("vip.flow", `flow vip
target tencent
number "+8675500000000"

lookup customer = get "https://crm.example.com/customers/${caller}" timeout 1500ms else {vip: false}

when customer.vip -> vip
otherwise         -> keep_bound

handler vip {
  agent 388
}

handler keep_bound {
}
`)
	eng, err := runtime.New(runtime.WithFlows(prog))
	if err != nil {
		log.Fatal(err)
	}
	res, err := eng.Serve(context.Background(), &runtime.Request{
		Platform: "tencent",
		Body:     []byte(`{"Event":"CallInBound","SessionId":"s-1","CallInBound":{"Caller":"+8613066668888","Callee":"+8675500000000"}}`),
		Now:      exampleAt,
		Given:    map[string]any{"customer": map[string]any{"vip": true}},
		Trace:    true,
	})
	fmt.Println(res.Outcome, res.Flow, res.Handler, err)
	fmt.Println(string(res.Reply.Body))
	for _, e := range res.Trace.Entries {
		if e.Kind == "rule" || e.Kind == "lookup" {
			fmt.Println(e.At, e.Kind, e.Text, "→", e.Result)
		}
	}
	// Output:
	// answered vip vip <nil>
	// {"CallInBound":{"OverrideAIAgentId":388}}
	// vip.flow:5:1 lookup customer → given
	// vip.flow:7:1 rule when customer.vip → matched, handler vip
}

// Swap installs a new program for new calls; a call already in progress
// finishes on the version it started on.
func ExampleEngine_Swap() {
	v1 := exampleCompile("support.flow", exampleIVR("Welcome to ACME."))
	eng, err := runtime.New(runtime.WithFlows(v1), runtime.WithClock(func() time.Time { return exampleAt }))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	say := func(res *runtime.Result) string {
		if s, ok := res.Response.Actions[0].(platform.Say); ok {
			return s.Text
		}
		return fmt.Sprintf("%T", res.Response.Actions[0])
	}

	old, _ := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-old", 1, "", nil)})
	fmt.Println("call-old:", say(old))

	eng.Swap(exampleCompile("support.flow", exampleIVR("Welcome to ACME, now with more.")))

	fresh, _ := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-new", 1, "", nil)})
	fmt.Println("call-new:", say(fresh))

	one := "1"
	res, err := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-old", 2, old.Response.Resume, &one)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("call-old:", say(res), res.Version == old.Version, res.Version == fresh.Version)
	// Output:
	// call-old: Welcome to ACME.
	// call-new: Welcome to ACME, now with more.
	// call-old: You pressed 1. Goodbye. true false
}

// exampleStore is a SessionStore that reports what the engine asks of the
// store it wraps: a shared store (Redis, SQL) implements the same three
// methods.
type exampleStore struct{ runtime.SessionStore }

func (s exampleStore) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	sess, rev, err := s.SessionStore.Get(ctx, key)
	fmt.Printf("get %s: revision %d, err %v\n", key, rev, err)
	return sess, rev, err
}

func (s exampleStore) CompareAndSet(ctx context.Context, key string, rev uint64, sess *runtime.Session, ttl time.Duration) (uint64, error) {
	next, err := s.SessionStore.CompareAndSet(ctx, key, rev, sess, ttl)
	fmt.Printf("compare-and-set %s: revision %d → %d, waiting in %s at %d, ttl %s, err %v\n", key, rev, next, sess.Handler, sess.PC, ttl, err)
	return next, err
}

func (s exampleStore) Delete(ctx context.Context, key string) error {
	fmt.Printf("delete %s\n", key)
	return s.SessionStore.Delete(ctx, key)
}

// WithStore sets where sessions of calls waiting on a capture are kept:
// here the in-memory store, bounded to 1 MiB of sessions (some 2,500 calls
// waiting at a capture), behind a wrapper that prints each call the engine
// makes. The engine sees the store only through the wrapper, so the store
// reports its evictions itself.
func ExampleWithStore() {
	store := runtime.NewMemoryStore(runtime.MemoryBudget(1<<20), runtime.OnEviction(func(ev runtime.Eviction) {
		log.Printf("session %s evicted", ev.Key)
	}))
	eng, err := runtime.New(
		runtime.WithFlows(exampleCompile("support.flow", exampleIVR("Welcome to ACME."))),
		runtime.WithStore(exampleStore{store}),
		runtime.WithClock(func() time.Time { return exampleAt }),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	res, _ := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-1", 1, "", nil)})
	fmt.Println("sessions:", store.Len())
	one := "1"
	eng.Handle(ctx, "8x8", "", exampleWebhook8x8("call-1", 2, res.Response.Resume, &one))
	fmt.Println("sessions:", store.Len())
	// Output:
	// compare-and-set 8x8|call-1: revision 0 → 1, waiting in menu at 1, ttl 2h0m0s, err <nil>
	// sessions: 1
	// get 8x8|call-1: revision 1, err <nil>
	// delete 8x8|call-1
	// sessions: 0
}

// exampleHooks mounts an engine in your own HTTP server: POST
// /hooks/{platform} and /hooks/{platform}/{flow}.
func exampleHooks(eng *runtime.Engine, logger *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, runtime.MaxBody))
		if err != nil {
			status, code := http.StatusBadRequest, "bad_body"
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				status, code = http.StatusRequestEntityTooLarge, "body_too_large"
			}
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"code":%q,"message":%q}}`, code, err.Error())
			return
		}
		res, err := eng.Serve(r.Context(), &runtime.Request{
			Platform: r.PathValue("platform"),
			Flow:     r.PathValue("flow"),
			Body:     body,
			Header:   r.Header,
		})
		logger.LogAttrs(r.Context(), slog.LevelInfo, "webhook",
			slog.String("platform", r.PathValue("platform")), slog.String("flow", res.Flow),
			slog.String("version", res.Version), slog.String("handler", res.Handler),
			slog.String("outcome", string(res.Outcome)), slog.Any("error", err))
		w.WriteHeader(res.Reply.Status)
		w.Write(res.Reply.Body)
	}
}

// Engine.Serve behind an http.HandlerFunc: the body is limited to 64 KiB,
// the reply's status and body are written as they are, fallbacks included.
func ExampleEngine_Serve_http() {
	eng, err := runtime.New(
		runtime.WithFlows(exampleCompile("reception.flow", exampleRouter)),
		runtime.WithClock(func() time.Time { return exampleAt }),
	)
	if err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	mux.Handle("POST /hooks/{platform}", exampleHooks(eng, logger))
	mux.Handle("POST /hooks/{platform}/{flow}", exampleHooks(eng, logger))

	for _, body := range []string{
		`{"Event":"CallInBound","SessionId":"s-1","CallInBound":{"Caller":"+8613166668888","Callee":"+8675566668888"}}`,
		`{"Event":"CallInBound"}`,
		strings.Repeat(" ", runtime.MaxBody+1),
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("POST", "/hooks/tencent/reception", strings.NewReader(body)))
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 200 {"CallInBound":{"OverrideIvrId":12,"Variables":[{"Key":"language","Value":"zh-CN"}]}}
	// 400 {"error":{"code":"bad_webhook","message":"SessionId: missing"}}
	// 413 {"error":{"code":"body_too_large","message":"http: request body too large"}}
}

// exampleKV is what a shared session store needs from a key-value store:
// a read that returns the value with its revision, an atomic
// compare-and-set on the revision with an expiry, and a delete. Redis gives
// the compare-and-set with a Lua script, SQL with UPDATE … WHERE rev = ?.
type exampleKV interface {
	Get(ctx context.Context, key string) (value []byte, rev uint64, found bool, err error)
	CompareAndSet(ctx context.Context, key string, rev uint64, value []byte, ttl time.Duration) (next uint64, swapped bool, err error)
	Delete(ctx context.Context, key string) error
}

// sharedStore is a runtime.SessionStore over an exampleKV: sessions are
// held as JSON, so every replica can read what another wrote.
type sharedStore struct {
	kv     exampleKV
	prefix string
}

func (s sharedStore) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	data, rev, found, err := s.kv.Get(ctx, s.prefix+key)
	if err != nil {
		return nil, 0, err
	}
	if !found {
		return nil, 0, runtime.ErrNotFound
	}
	var sess runtime.Session
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, 0, err
	}
	return &sess, rev, nil
}

func (s sharedStore) CompareAndSet(ctx context.Context, key string, rev uint64, sess *runtime.Session, ttl time.Duration) (uint64, error) {
	data, err := json.Marshal(sess)
	if err != nil {
		return 0, err
	}
	next, swapped, err := s.kv.CompareAndSet(ctx, s.prefix+key, rev, data, ttl)
	if err != nil {
		return 0, err
	}
	if !swapped {
		return 0, runtime.ErrConflict
	}
	return next, nil
}

func (s sharedStore) Delete(ctx context.Context, key string) error {
	return s.kv.Delete(ctx, s.prefix+key)
}

// memKV stands in for Redis in the example.
type memKV struct {
	mu sync.Mutex
	m  map[string]memKVEntry
}

type memKVEntry struct {
	value   []byte
	rev     uint64
	expires time.Time
}

func (k *memKV) Get(_ context.Context, key string) ([]byte, uint64, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.m[key]
	if !ok || time.Now().After(e.expires) {
		return nil, 0, false, nil
	}
	return e.value, e.rev, true, nil
}

func (k *memKV) CompareAndSet(_ context.Context, key string, rev uint64, value []byte, ttl time.Duration) (uint64, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.m[key]
	if ok && time.Now().After(e.expires) {
		ok = false
	}
	if (ok && e.rev != rev) || (!ok && rev != 0) {
		return 0, false, nil
	}
	k.m[key] = memKVEntry{value: value, rev: rev + 1, expires: time.Now().Add(ttl)}
	return rev + 1, true, nil
}

func (k *memKV) Delete(_ context.Context, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, key)
	return nil
}

// A SessionStore shared by replicas: two engines (two processes, in
// production) with the same secret and the same store; the call starts on
// one and resumes on the other.
func ExampleSessionStore() {
	prog := exampleCompile("support.flow", exampleIVR("Welcome to ACME."))
	store := sharedStore{kv: &memKV{m: map[string]memKVEntry{}}, prefix: "callflow:session:"}
	secret := []byte("the same 32-byte secret on every replica")
	replica := func() *runtime.Engine {
		eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithStore(store), runtime.WithSecret(secret))
		if err != nil {
			log.Fatal(err)
		}
		return eng
	}
	a, b := replica(), replica()
	ctx := context.Background()

	res, err := a.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-1", 1, "", nil), Now: exampleAt})
	if err != nil {
		log.Fatal(err)
	}
	two := "2"
	res, err = b.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-1", 2, res.Response.Resume, &two), Now: exampleAt})
	fmt.Println(res.Outcome, err)
	fmt.Println(string(res.Reply.Body))
	// Output:
	// answered <nil>
	// {"callflow":[{"action":"say","params":{"text":"You pressed 2. Goodbye.","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}},{"action":"hangup"}]}
}

// Replicas that share their stores are one server: a call may start on
// one and continue on another, even one serving another version of its
// flow (a rolling deploy), which fetches the call's version from the
// bundle store. Every store here is the in-memory one, for the example;
// replicas give each option the same shared store (Redis).
func ExampleWithBundleStore() {
	sessions, answers, bundles := runtime.NewMemoryStore(), runtime.NewMemoryAnswers(0), runtime.NewMemoryBundles()
	replica := func(greeting string) *runtime.Engine {
		eng, err := runtime.New(
			runtime.WithFlows(exampleCompile("support.flow", exampleIVR(greeting))),
			runtime.WithStore(sessions),      // sessions of calls waiting on a capture
			runtime.WithAnswerStore(answers), // the answer to each delivery, for its retries
			runtime.WithBundleStore(bundles), // every flow version loaded, by version hash
			runtime.WithSecret([]byte("the same 32-byte secret on every replica")),
		)
		if err != nil {
			log.Fatal(err)
		}
		return eng
	}
	ctx := context.Background()
	old := replica("Welcome to ACME.")
	if err := old.StoreBundles(ctx); err != nil { // done in the background too; here, to be sure
		log.Fatal(err)
	}
	next := replica("Welcome to the new ACME.")

	res, err := old.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-1", 1, "", nil), Now: exampleAt})
	if err != nil {
		log.Fatal(err)
	}
	started := res.Version
	one := "1"
	res, err = next.Serve(ctx, &runtime.Request{Platform: "8x8", Body: exampleWebhook8x8("call-1", 2, res.Response.Resume, &one), Now: exampleAt})
	fmt.Println(res.Outcome, err, "on the version it started on:", res.Version == started)
	fmt.Println(string(res.Reply.Body))
	// Output:
	// answered <nil> on the version it started on: true
	// {"callflow":[{"action":"say","params":{"text":"You pressed 1. Goodbye.","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}},{"action":"hangup"}]}
}
