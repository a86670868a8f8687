package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/tencent"
)

var (
	stepAt     = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("+08", 8*3600)) // support is open
	stepSecret = []byte("redis-test-secret-0123456789abcd")
)

const (
	support   = "+6512345678"
	reception = "+8675566668888"
)

// roundTrips counts what the client sends to Redis: each command and each
// pipeline is one round trip. What go-redis sends once per new connection
// (HELLO, CLIENT SETINFO) is not a webhook's and is left out.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name != "hello" && name != "client" {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if name := cmds[0].Name(); name != "hello" && name != "client" {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// count is how many round trips fn made.
func (r *roundTrips) count(fn func()) int64 {
	before := r.n.Load()
	fn()
	return r.n.Load() - before
}

func shipped(t testing.TB) *ir.Program {
	t.Helper()
	prog, ds := lang.CompileDir(os.DirFS("../../flows"), lang.WithPlaceholderSecrets())
	if ds.HasErrors() || prog == nil {
		t.Fatalf("the shipped flows do not compile: %v", ds)
	}
	return prog
}

// crm answers every lookup from memory.
type crm string

func (c crm) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(c))), ContentLength: int64(len(c)), Request: req}, nil
}

func engine(t testing.TB, prog *ir.Program, opts ...runtime.Option) *runtime.Engine {
	t.Helper()
	opts = append([]runtime.Option{runtime.WithFlows(prog), runtime.WithSecret(stepSecret),
		runtime.WithClock(func() time.Time { return stepAt }),
		runtime.WithHTTPClient(&http.Client{Transport: crm(`{"vip":false,"name":""}`)}), runtime.WithUnguardedLookups()}, opts...)
	eng, err := runtime.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func webhook8x8(t testing.TB, session string, n int, resume string, digits *string) []byte {
	t.Helper()
	body, err := eightbyeight.New().Webhook(platform.Call{Session: session, Delivery: fmt.Sprintf("%s-e%d", session, n),
		Caller: "+6591234567", Callee: support, At: stepAt, Resume: resume, Digits: digits})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// sessionSummary is 8x8's SESSION_SUMMARY of a call.
func sessionSummary(t testing.TB, session string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../testdata/webhooks/8x8/session_summary.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	p := m["payload"].(map[string]any)
	p["sessionId"], p["eventId"] = session, session+"-summary"
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func resumeOf(t testing.TB, body []byte) string {
	t.Helper()
	var out struct {
		ClientActionID string `json:"clientActionId"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ClientActionID == "" {
		t.Fatalf("no clientActionId in the 8x8 answer (%v): %s", err, body)
	}
	return out.ClientActionID
}

// TestEngineRoundTrips is figure P8: Redis round trips per webhook,
// counted by a hook on the client, for a tencent webhook and each webhook
// of an 8x8 call (target ≤ 2); and the bytes one 8x8 session takes in
// Redis (MEMORY USAGE).
func TestEngineRoundTrips(t *testing.T) {
	rt := &roundTrips{}
	s, _ := open(t, redisstore.WithHook(rt))
	ctx := ctxFor(t)
	eng := engine(t, shipped(t), runtime.WithStore(s))

	body, err := tencent.New().Webhook(platform.Call{Session: "tc-1", Caller: "+8613166668888", Callee: reception, Bound: platform.Bound{IVRID: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var first platform.Reply
	if n := rt.count(func() { first, err = eng.Handle(ctx, "tencent", "", body) }); err != nil || n > 2 {
		t.Fatalf("tencent webhook: %d round trips (%v), want ≤ 2", n, err)
	} else {
		t.Logf("P8 tencent webhook: %d Redis round trips", n)
	}
	var again platform.Reply
	if n := rt.count(func() { again, _ = eng.Handle(ctx, "tencent", "", body) }); n != 1 || string(again.Body) != string(first.Body) {
		t.Fatalf("tencent retry: %d round trips, %s; want 1 and the first answer %s", n, again.Body, first.Body)
	}

	var reply platform.Reply
	n := rt.count(func() { reply, err = eng.Handle(ctx, "8x8", "", webhook8x8(t, "call-1", 0, "", nil)) })
	if err != nil || n > 2 {
		t.Fatalf("8x8 new call: %d round trips (%v), want ≤ 2", n, err)
	}
	t.Logf("P8 8x8 call received: %d Redis round trips", n)
	nine := "9"
	step := webhook8x8(t, "call-1", 1, resumeOf(t, reply.Body), &nine)
	n = rt.count(func() { reply, err = eng.Handle(ctx, "8x8", "", step) })
	if err != nil || n > 2 || !strings.Contains(string(reply.Body), "Enter your order number") {
		t.Fatalf("8x8 step: %d round trips (%v) %s, want ≤ 2 and the order prompt", n, err, reply.Body)
	}
	t.Logf("P8 8x8 step (claim + session; session + answer): %d Redis round trips", n)
	if n := rt.count(func() { again, _ = eng.Handle(ctx, "8x8", "", step) }); n != 1 || string(again.Body) != string(reply.Body) {
		t.Fatalf("8x8 step retried: %d round trips, %s; want 1 and the answer given", n, again.Body)
	}

	key := "callflow:{8x8:call-1}:s"
	bytes, err := s.Client().MemoryUsage(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bytes per 8x8 session in Redis (MEMORY USAGE of %s): %d", key, bytes)
	if bytes > 4096 {
		t.Errorf("an 8x8 session takes %d bytes in Redis", bytes)
	}
	for _, k := range []string{"callflow:{8x8:call-1}:a:call-1-e1", "callflow:{tencent:tc-1}:a"} {
		t.Logf("bytes of an answer in Redis (MEMORY USAGE of %s): %d", k, s.Client().MemoryUsage(ctx, k).Val())
	}

	// The call ends: its session is deleted with the acknowledgement kept.
	summary := sessionSummary(t, "call-1")
	var res *runtime.Result
	if n := rt.count(func() { res, err = eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: summary}) }); err != nil || n > 2 || res.Outcome != runtime.Ended {
		t.Fatalf("8x8 session summary: %d round trips (%v, %s), want ≤ 2", n, err, res.Outcome)
	} else {
		t.Logf("P8 8x8 session summary: %d Redis round trips", n)
	}
	if s.Client().Exists(ctx, key).Val() != 0 {
		t.Fatal("the session outlived the end of its call")
	}
}

// TestEngineReplicasShareCalls runs one 8x8 call on two engines sharing a
// Redis (and the resume-token key), its webhooks alternating between
// them, and a duplicate delivered to both: the call goes on wherever its
// webhooks land, and a duplicate gets the answer already given.
func TestEngineReplicasShareCalls(t *testing.T) {
	s, srv := open(t)
	ctx := ctxFor(t)
	prog := shipped(t)
	s2, err := redisstore.Open(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	a, b := engine(t, prog, runtime.WithStore(s)), engine(t, prog, runtime.WithStore(s2))

	reply, err := a.Handle(ctx, "8x8", "", webhook8x8(t, "shared", 0, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	nine := "9"
	step := webhook8x8(t, "shared", 1, resumeOf(t, reply.Body), &nine)
	onB, err := b.Handle(ctx, "8x8", "", step)
	if err != nil || !strings.Contains(string(onB.Body), "Enter your order number") {
		t.Fatalf("the step on the other replica: %v %s", err, onB.Body)
	}
	onA, err := a.Handle(ctx, "8x8", "", step)
	if err != nil || string(onA.Body) != string(onB.Body) {
		t.Fatalf("the duplicate on the first replica: %v\n%s\nwant\n%s", err, onA.Body, onB.Body)
	}
	// Without the store the other replica could not resume it.
	mem := engine(t, prog)
	if _, err := mem.Handle(ctx, "8x8", "", webhook8x8(t, "shared", 9, resumeOf(t, onB.Body), &nine)); err == nil {
		t.Fatal("an engine without the shared store resumed a call it never saw")
	}
}

// BenchmarkStep8x8 is an 8x8 step (the caller presses 9 at the menu)
// through the engine with the Redis store on loopback and with the
// default memory store, in one run: the ratio, the Redis round trips per
// step (counted) and the bytes of one session in Redis.
func BenchmarkStep8x8(b *testing.B) {
	rt := &roundTrips{}
	s, _ := open(b, redisstore.WithHook(rt))
	prog := shipped(b)
	ctx := context.Background()
	withRedis := engine(b, prog, runtime.WithStore(s))
	inMemory := engine(b, prog)
	nine := "9"
	prepare := func(eng *runtime.Engine, id string) []byte {
		reply, err := eng.Handle(ctx, "8x8", "", webhook8x8(b, id, 0, "", nil))
		if err != nil {
			b.Fatal(err)
		}
		return webhook8x8(b, id, 1, resumeOf(b, reply.Body), &nine)
	}
	step := func(eng *runtime.Engine, body []byte) {
		reply, err := eng.Handle(ctx, "8x8", "", body)
		if err != nil || !strings.Contains(string(reply.Body), "Enter your order number") {
			b.Fatalf("%v %s", err, reply.Body)
		}
	}
	var tRedis, tMem time.Duration
	var trips int64
	var each []time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		id := fmt.Sprintf("bench-%d", n)
		rb, mb := prepare(withRedis, id), prepare(inMemory, id)
		b.StartTimer()
		t0 := time.Now()
		trips += rt.count(func() { step(withRedis, rb) })
		t1 := time.Now()
		step(inMemory, mb)
		tRedis, tMem = tRedis+t1.Sub(t0), tMem+time.Since(t1)
		each = append(each, t1.Sub(t0))
		n++
	}
	slices.Sort(each)
	b.ReportMetric(float64(each[len(each)*99/100].Nanoseconds()), "redis-p99-ns/step")
	usage := s.Client().MemoryUsage(ctx, "callflow:{8x8:bench-0}:s").Val()
	b.ReportMetric(float64(tRedis.Nanoseconds())/float64(n), "redis-ns/step")
	b.ReportMetric(float64(tMem.Nanoseconds())/float64(n), "memory-ns/step")
	b.ReportMetric(float64(tRedis)/float64(tMem), "redis/memory")
	b.ReportMetric(float64(trips)/float64(n), "round-trips/step")
	b.ReportMetric(float64(usage), "B/session-redis")
}

// TestEngineRedisFull: a Redis that refuses writes (OOM command not
// allowed) does not hang or drop a webhook: a new 8x8 call gets the safe
// fallback within its budget, the failure logged; a Tencent webhook is
// answered without its claim.
func TestEngineRedisFull(t *testing.T) {
	s, _ := open(t, redisstore.WithPrefix("full"))
	ctx := ctxFor(t)
	if err := s.Client().ConfigSet(ctx, "maxmemory", "1").Err(); err != nil { // 1 byte: every write is refused
		t.Fatal(err)
	}
	var log strings.Builder
	eng := engine(t, shipped(t), runtime.WithStore(s), runtime.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))

	start := time.Now()
	res, err := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: webhook8x8(t, "full-1", 0, "", nil)})
	if err == nil || res.Outcome != runtime.Fallback || res.Reply.Status != 200 {
		t.Fatalf("8x8 call on a full Redis: %v, %s %d %s; want the fallback", err, res.Outcome, res.Reply.Status, res.Reply.Body)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("answered after %s, beyond 8x8's budget", d)
	}
	if !strings.Contains(log.String(), "OOM command not allowed") {
		t.Errorf("the refusal is not logged:\n%s", log.String())
	}

	body, _ := tencent.New().Webhook(platform.Call{Session: "full-tc", Caller: "+8613166668888", Callee: reception, Bound: platform.Bound{IVRID: 5}})
	reply, err := eng.Handle(ctx, "tencent", "", body)
	if err != nil || !strings.Contains(string(reply.Body), "CallInBound") {
		t.Fatalf("tencent on a full Redis: %v %s; want its answer, unclaimed", err, reply.Body)
	}
}

// TestEngineCorruptSession: a value under a call's session key that is not
// a session is answered with the fallback and logged, never a panic.
func TestEngineCorruptSession(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	eng := engine(t, shipped(t), runtime.WithStore(s))
	reply, err := eng.Handle(ctx, "8x8", "", webhook8x8(t, "bad-1", 0, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	s.Client().Set(ctx, "callflow:{8x8:bad-1}:s", "1 {\"h\": 5", time.Hour)
	nine := "9"
	res, err := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: webhook8x8(t, "bad-1", 1, resumeOf(t, reply.Body), &nine)})
	if err == nil || res.Outcome != runtime.Fallback || !strings.Contains(err.Error(), "not a session") {
		t.Fatalf("a corrupted session: %v (%s); want the fallback saying why", err, res.Outcome)
	}
}

// TestEngineRollingVersion: a call started on a replica running one
// version of a flow finishes on that version on a replica that loaded only
// the next one (a rolling deploy), which fetches the first version's
// bundle from Redis, verifies and compiles it.
func TestEngineRollingVersion(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	compile := func(edit func(string) string) *ir.Program {
		files := fstest.MapFS{}
		for _, name := range []string{"support.flow", "vips.csv"} {
			b, err := os.ReadFile("../../flows/" + name)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = &fstest.MapFile{Data: []byte(edit(string(b)))}
		}
		prog, ds := lang.CompileDir(files)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		return prog
	}
	v1 := compile(func(s string) string { return s })
	v2 := compile(func(s string) string {
		return strings.Replace(s, "Enter your order number", "Type your order number", 1)
	})
	if v1.Flow("support").Version == v2.Flow("support").Version {
		t.Fatal("the edit made no new version")
	}
	old := engine(t, v1, runtime.WithStore(s), runtime.WithBundleStore(s.Bundles()))
	next := engine(t, v2, runtime.WithStore(s), runtime.WithBundleStore(s.Bundles()))

	reply, err := old.Handle(ctx, "8x8", "", webhook8x8(t, "rolling", 0, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	key := "callflow:{bundle:" + v1.Flow("support").Version + "}:b"
	deadline := time.Now().Add(5 * time.Second) // the bundle is stored in the background when a version is loaded
	for s.Client().Exists(ctx, key).Val() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s never stored", key)
		}
		time.Sleep(time.Millisecond)
	}
	nine := "9"
	res, err := next.Serve(ctx, &runtime.Request{Platform: "8x8", Body: webhook8x8(t, "rolling", 1, resumeOf(t, reply.Body), &nine)})
	if err != nil || !strings.Contains(string(res.Reply.Body), "Enter your order number") || res.Version != v1.Flow("support").Version {
		t.Fatalf("the step on the replica with the next version: %v, version %s, %s; want the call's own version", err, res.Version, res.Reply.Body)
	}
}

// BenchmarkTencentThroughput is the throughput of tencent webhooks (each a
// new delivery, its lookup answered in memory) through an engine with the
// Redis store on loopback against one in memory, 16 at a time, in one run:
// the ratio is the figure (target ≥ 0.5); and the Redis round trips per
// webhook, counted (figure P8, target ≤ 2).
func BenchmarkTencentThroughput(b *testing.B) {
	const batch, workers = 512, 16
	rt := &roundTrips{}
	s, _ := open(b, redisstore.WithHook(rt))
	prog := shipped(b)
	ctx := context.Background()
	withRedis := engine(b, prog, runtime.WithStore(s))
	inMemory := engine(b, prog)
	run := func(eng *runtime.Engine, bodies [][]byte) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		next := atomic.Int64{}
		for range workers {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(len(bodies)); i = next.Add(1) - 1 {
					if _, err := eng.Handle(ctx, "tencent", "", bodies[i]); err != nil {
						b.Error(err)
					}
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	var tRedis, tMem time.Duration
	var trips int64
	n := 0
	for b.Loop() {
		b.StopTimer()
		bodies := make([][]byte, batch)
		for i := range bodies {
			body, err := tencent.New().Webhook(platform.Call{Session: fmt.Sprintf("tp-%d-%d", n, i), Caller: "+8613166668888", Callee: reception, Bound: platform.Bound{IVRID: 5}})
			if err != nil {
				b.Fatal(err)
			}
			bodies[i] = body
		}
		b.StartTimer()
		trips += rt.count(func() { tRedis += run(withRedis, bodies) })
		tMem += run(inMemory, bodies)
		n++
	}
	if kept := s.Client().DBSize(ctx).Val(); kept != int64(n*batch) { // a claim that failed is answered anyway, unkept
		b.Errorf("%d answers kept in Redis for %d webhooks", kept, n*batch)
	}
	redisRate := float64(n*batch) / tRedis.Seconds()
	memRate := float64(n*batch) / tMem.Seconds()
	b.ReportMetric(redisRate, "redis-webhooks/s")
	b.ReportMetric(memRate, "memory-webhooks/s")
	b.ReportMetric(redisRate/memRate, "redis/memory")
	b.ReportMetric(float64(trips)/float64(n*batch), "round-trips/webhook")
}
