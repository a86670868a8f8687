package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/redisstore/redistest"
)

// open starts a Redis for t and opens a store on it.
func open(t testing.TB, opts ...redisstore.Option) (*redisstore.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	s, err := redisstore.Open(context.Background(), srv.URL(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, srv
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func session(id string) *runtime.Session {
	return &runtime.Session{Platform: "8x8", ID: id, Flow: "menu", Version: "v1", Handler: "main", PC: 2,
		Vars:  map[string]any{"n": 41, "big": int64(1) << 60, "at": time.Date(2026, 12, 3, 9, 0, 0, 5, time.UTC), "wait": 3 * time.Second, "s": "text"},
		Order: []string{"n", "big", "at", "wait", "s"}, Started: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
}

func TestSessionCompareAndSet(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	if _, _, err := s.Get(ctx, "8x8|a"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Get of nothing: %v, want ErrNotFound", err)
	}
	if _, err := s.CompareAndSet(ctx, "8x8|a", 3, session("a"), time.Hour); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("CAS at 3 of nothing: %v, want ErrConflict", err)
	}
	rev, err := s.CompareAndSet(ctx, "8x8|a", 0, session("a"), time.Hour)
	if err != nil || rev != 1 {
		t.Fatalf("CAS creating: %d, %v; want 1", rev, err)
	}
	if _, err := s.CompareAndSet(ctx, "8x8|a", 0, session("a"), time.Hour); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("second create: %v, want ErrConflict", err)
	}
	got, grev, err := s.Get(ctx, "8x8|a")
	if err != nil || grev != 1 {
		t.Fatalf("Get: rev %d, %v", grev, err)
	}
	// Types survive: ints stay ints, times stay times.
	want := session("a")
	for k, v := range want.Vars {
		if got.Vars[k] != v {
			t.Errorf("var %s = %#v (%T), want %#v (%T)", k, got.Vars[k], got.Vars[k], v, v)
		}
	}
	if rev, err = s.CompareAndSet(ctx, "8x8|a", 1, got, time.Hour); err != nil || rev != 2 {
		t.Fatalf("CAS at 1: %d, %v; want 2", rev, err)
	}
	if _, err := s.CompareAndSet(ctx, "8x8|a", 1, got, time.Hour); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("stale CAS: %v, want ErrConflict", err)
	}
	if err := s.Delete(ctx, "8x8|a"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, "8x8|a"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
}

func TestSessionRaceOneWins(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	rev, err := s.CompareAndSet(ctx, "8x8|race", 0, session("race"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 50 {
		wg.Go(func() {
			<-start
			_, err := s.CompareAndSet(ctx, "8x8|race", rev, session("race"), time.Hour)
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, runtime.ErrConflict):
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 49 {
		t.Fatalf("%d won, %d conflicted; want 1 and 49", wins.Load(), conflicts.Load())
	}
}

func TestSessionTTL(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	if _, err := s.CompareAndSet(ctx, "8x8|ttl", 0, session("ttl"), 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	pttl := s.Client().PTTL(ctx, "callflow:{8x8:ttl}:s").Val()
	if pttl <= 0 || pttl > 1500*time.Millisecond {
		t.Fatalf("PTTL %s, want the TTL given, set with the write", pttl)
	}
	// Expiry is Redis's: let it happen now rather than wait for it.
	s.Client().PExpire(ctx, "callflow:{8x8:ttl}:s", time.Millisecond)
	waitGone(t, s, "callflow:{8x8:ttl}:s")
	if _, _, err := s.Get(ctx, "8x8|ttl"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Get after expiry: %v", err)
	}
	if rev, err := s.CompareAndSet(ctx, "8x8|ttl", 0, session("ttl"), time.Hour); err != nil || rev != 1 {
		t.Fatalf("create after expiry: %d, %v", rev, err)
	}
}

// waitGone polls until key no longer exists (Redis expires lazily or
// within 100 ms), with a deadline.
func waitGone(t *testing.T, s *redisstore.Store, key string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.Client().Exists(context.Background(), key).Val() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s still exists", key)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCorruptValues(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	rdb := s.Client()
	rdb.Set(ctx, "callflow:{8x8:bad}:s", "garbage", time.Hour)
	if _, _, err := s.Get(ctx, "8x8|bad"); err == nil || errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Get of a corrupted session: %v, want an error saying so", err)
	}
	if _, err := s.CompareAndSet(ctx, "8x8|bad", 0, session("bad"), time.Hour); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("CAS over a corrupted session: %v, want ErrConflict", err)
	}
	rdb.Set(ctx, "callflow:{8x8:bad2}:s", "1 {not json", time.Hour)
	if _, _, err := s.Get(ctx, "8x8|bad2"); err == nil || !strings.Contains(err.Error(), "not a session") {
		t.Fatalf("Get of a session that is not JSON: %v", err)
	}
	rdb.Set(ctx, "callflow:{tencent:x}:a", "zzz", time.Hour)
	if _, err := s.Claim(ctx, runtime.AnswerKey("tencent", "", "x", "x"), time.Second); err == nil || !strings.Contains(err.Error(), "not an answer") {
		t.Fatalf("Claim over a corrupted answer: %v", err)
	}
}

func TestClaimFillDuplicateWaits(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	key := runtime.AnswerKey("8x8", "", "call-1", "event-1")
	c, err := s.Claim(ctx, key, 3*time.Second)
	if err != nil || c.Answered || c.Token == 0 {
		t.Fatalf("first claim: %+v, %v", c, err)
	}
	reply := platform.Reply{Status: 200, Body: []byte("{\"a\":\"\\u00e9 \x00 byte for byte\"}\n")}
	got := make(chan runtime.Claim, 3)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			d, err := s.Claim(ctx, key, 3*time.Second)
			if err != nil {
				t.Error(err)
			}
			got <- d
		})
	}
	// The duplicates are polling; fill and they get the answer.
	if err := s.Fill(ctx, c, reply, time.Hour); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(got)
	for d := range got {
		if !d.Answered || d.Reply.Status != 200 || !bytes.Equal(d.Reply.Body, reply.Body) {
			t.Fatalf("duplicate got %+v, want the reply byte for byte", d)
		}
	}
	// A fill of a claim no longer held changes nothing.
	if err := s.Fill(ctx, runtime.Claim{Key: key, Token: c.Token + 1}, platform.Reply{Status: 500}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Claim(ctx, key, time.Second); d.Reply.Status != 200 {
		t.Fatalf("after a stranger's fill: %+v", d)
	}
	// A reply without a body comes back without one.
	k2 := runtime.AnswerKey("tencent", "", "s2", "s2")
	c2, _ := s.Claim(ctx, k2, time.Second)
	s.Fill(ctx, c2, platform.Reply{Status: 204}, time.Hour)
	if d, _ := s.Claim(ctx, k2, time.Second); !d.Answered || d.Reply.Status != 204 || d.Reply.Body != nil {
		t.Fatalf("204: %+v", d)
	}
}

func TestClaimReleaseAndExpiry(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	key := runtime.AnswerKey("tencent", "", "s1", "s1")
	c, _ := s.Claim(ctx, key, time.Hour)
	if err := s.Release(ctx, c); err != nil {
		t.Fatal(err)
	}
	c2, err := s.Claim(ctx, key, time.Hour)
	if err != nil || c2.Answered || c2.Token == c.Token {
		t.Fatalf("claim after release: %+v, %v", c2, err)
	}
	// An abandoned claim expires (its TTL is the answer budget), and the
	// next copy claims the key; the first claim can no longer fill it.
	key3 := runtime.AnswerKey("tencent", "", "s3", "s3")
	c3, _ := s.Claim(ctx, key3, 300*time.Millisecond)
	c4, err := s.Claim(ctx, key3, time.Second) // waits for the claim to expire
	if err != nil || c4.Answered || c4.Token == c3.Token {
		t.Fatalf("claim after the first expired: %+v, %v", c4, err)
	}
	s.Fill(ctx, c3, platform.Reply{Status: 200, Body: []byte("late")}, time.Hour)
	s.Fill(ctx, c4, platform.Reply{Status: 200, Body: []byte("second")}, time.Hour)
	if d, _ := s.Claim(ctx, key3, time.Second); string(d.Reply.Body) != "second" {
		t.Fatalf("answer %q, want the live claim's", d.Reply.Body)
	}
	// A copy waiting on a claim stops when its context ends.
	key5 := runtime.AnswerKey("tencent", "", "s5", "s5")
	s.Claim(ctx, key5, time.Hour)
	wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := s.Claim(wctx, key5, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: %v, want DeadlineExceeded", err)
	}
}

func TestConcurrentDeliveriesOneRuns(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	key := runtime.AnswerKey("8x8", "", "c", "e")
	var ran atomic.Int32
	var wg sync.WaitGroup
	answers := make(chan string, 20)
	for i := range 20 {
		wg.Go(func() {
			c, err := s.Claim(ctx, key, 3*time.Second)
			if err != nil {
				t.Error(err)
				return
			}
			if c.Answered {
				answers <- string(c.Reply.Body)
				return
			}
			ran.Add(1)
			body := []byte("answer of " + string(rune('A'+i)))
			s.Fill(ctx, c, platform.Reply{Status: 200, Body: body}, time.Hour)
			answers <- string(body)
		})
	}
	wg.Wait()
	close(answers)
	if ran.Load() != 1 {
		t.Fatalf("%d copies ran, want 1", ran.Load())
	}
	first := ""
	for a := range answers {
		if first == "" {
			first = a
		}
		if a != first {
			t.Fatalf("answers differ: %q and %q", first, a)
		}
	}
}

func TestClaimSessionAndSaveAndFill(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	rev, _ := s.CompareAndSet(ctx, "8x8|call", 0, session("call"), time.Hour)
	key := runtime.AnswerKey("8x8", "", "call", "ev2")
	c, read, err := s.ClaimSession(ctx, key, 3*time.Second, "8x8|call")
	if err != nil || c.Answered || read.Err != nil || read.Rev != rev || read.Session.Vars["n"] != 41 {
		t.Fatalf("ClaimSession: %+v %+v %v", c, read, err)
	}
	next := read.Session
	next.PC = 7
	reply := platform.Reply{Status: 200, Body: []byte(`{"next":1}`)}
	nrev, err := s.SaveAndFill(ctx, runtime.SessionWrite{Key: "8x8|call", Rev: rev, Session: next, TTL: time.Hour}, c, reply, time.Hour)
	if err != nil || nrev != rev+1 {
		t.Fatalf("SaveAndFill: %d, %v", nrev, err)
	}
	if got, grev, _ := s.Get(ctx, "8x8|call"); grev != nrev || got.PC != 7 {
		t.Fatalf("session after: rev %d pc %d", grev, got.PC)
	}
	if d, read, _ := s.ClaimSession(ctx, key, time.Second, "8x8|call"); !d.Answered || string(d.Reply.Body) != `{"next":1}` || read.Session != nil {
		t.Fatalf("duplicate: %+v %+v", d, read)
	}
	// A conflict writes nothing: neither the session nor the answer.
	key3 := runtime.AnswerKey("8x8", "", "call", "ev3")
	c3, _, _ := s.ClaimSession(ctx, key3, 3*time.Second, "8x8|call")
	if _, err := s.SaveAndFill(ctx, runtime.SessionWrite{Key: "8x8|call", Rev: rev, Session: next, TTL: time.Hour}, c3, reply, time.Hour); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("stale SaveAndFill: %v, want ErrConflict", err)
	}
	if v := s.Client().Get(ctx, "callflow:{8x8:call}:a:ev3").Val(); !strings.HasPrefix(v, "p ") {
		t.Fatalf("after a conflict the answer key holds %q, want the claim still", v)
	}
	// The call ends: the session is deleted with the answer filled.
	if _, err := s.SaveAndFill(ctx, runtime.SessionWrite{Key: "8x8|call", Rev: nrev}, c3, reply, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, "8x8|call"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("session after the call ended: %v", err)
	}
	// The platform says the call ended: deleted whatever its revision.
	s.CompareAndSet(ctx, "8x8|ended", 0, session("ended"), time.Hour)
	s.CompareAndSet(ctx, "8x8|ended", 1, session("ended"), time.Hour)
	ce, _, _ := s.ClaimSession(ctx, runtime.AnswerKey("8x8", "", "ended", "summary"), time.Second, "8x8|ended")
	if _, err := s.SaveAndFill(ctx, runtime.SessionWrite{Key: "8x8|ended"}, ce, reply, time.Hour); err != nil {
		t.Fatalf("SaveAndFill deleting at any revision: %v", err)
	}
	if _, _, err := s.Get(ctx, "8x8|ended"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("the session of an ended call: %v", err)
	}
	// A claim on a call with no session reads ErrNotFound.
	_, read, _ = s.ClaimSession(ctx, runtime.AnswerKey("8x8", "", "none", "e"), time.Second, "8x8|none")
	if !errors.Is(read.Err, runtime.ErrNotFound) {
		t.Fatalf("ClaimSession of no session: %v", read.Err)
	}
}

// TestKeysTaggedAndExpiring checks that every key a call's webhooks write
// is under the call's hash tag (one Cluster slot) and has a TTL.
func TestKeysTaggedAndExpiring(t *testing.T) {
	s, _ := open(t, redisstore.WithPrefix("cf-test"))
	ctx := ctxFor(t)
	id := "we}ird|id%"
	rev, _ := s.CompareAndSet(ctx, "8x8|"+id, 0, session(id), time.Hour)
	c, _, _ := s.ClaimSession(ctx, runtime.AnswerKey("8x8", "", id, "ev|1"), time.Second, "8x8|"+id)
	s.SaveAndFill(ctx, runtime.SessionWrite{Key: "8x8|" + id, Rev: rev, Session: session(id), TTL: time.Hour}, c, platform.Reply{Status: 200}, time.Hour)
	s.Claim(ctx, runtime.AnswerKey("8x8", "", id, "ev2"), time.Second)
	oc, _ := s.Outcomes().Claim(ctx, "callback:trig}", time.Minute)
	s.Outcomes().Release(ctx, oc)
	s.Outcomes().Claim(ctx, "callback:trig2", time.Minute)
	s.Bundles().Put(ctx, "abc123", []byte("bundle"), time.Hour)

	keys := s.Client().Keys(ctx, "*").Val()
	if len(keys) != 5 {
		t.Fatalf("keys %q, want 5", keys)
	}
	tags := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, "cf-test:{") {
			t.Errorf("key %q does not start with the prefix and a hash tag", k)
		}
		if ttl := s.Client().PTTL(ctx, k).Val(); ttl <= 0 {
			t.Errorf("key %q has no TTL (%s)", k, ttl)
		}
		tag := k[strings.IndexByte(k, '{')+1:]
		tags[tag[:strings.IndexByte(tag, '}')]] = true
	}
	want := map[string]bool{"8x8:we%7Dird|id%25": true, "callback:trig2": true, "bundle:abc123": true}
	if len(tags) != len(want) {
		t.Fatalf("hash tags %v, want %v: a call's keys share one", tags, want)
	}
	for tag := range want {
		if !tags[tag] {
			t.Errorf("no key tagged %q (tags %v)", tag, tags)
		}
	}
}

func TestOutcomes(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	o := s.Outcomes()
	c, err := o.Claim(ctx, "callbot:t1", time.Second)
	if err != nil || c.Settled {
		t.Fatalf("%+v %v", c, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		d, err := o.Claim(ctx, "callbot:t1", time.Second)
		if err != nil || !d.Settled || d.Outcome.Result.Request.URL != "https://x/y" {
			t.Errorf("waiting copy got %+v, %v", d, err)
		}
	}()
	out := dispatch.Outcome{Result: dispatch.Result{Request: dispatch.Request{Method: "POST", URL: "https://x/y", Body: []byte(`{}`)}}}
	if err := o.Fill(ctx, c, out, time.Hour); err != nil {
		t.Fatal(err)
	}
	<-done
}

func TestBundles(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	b := s.Bundles()
	if _, err := b.Get(ctx, "v1"); !errors.Is(err, runtime.ErrNoBundle) {
		t.Fatalf("Get of nothing: %v", err)
	}
	b.Put(ctx, "v1", []byte("first"), time.Minute)
	b.Put(ctx, "v1", []byte("second"), time.Hour)
	if v, _ := b.Get(ctx, "v1"); string(v) != "first" {
		t.Fatalf("got %q, want the first kept", v)
	}
	if ttl := s.Client().PTTL(ctx, "callflow:{bundle:v1}:b").Val(); ttl < 59*time.Minute {
		t.Fatalf("TTL %s, want extended to the later Put's hour", ttl)
	}
	b.Put(ctx, "v1", []byte("first"), time.Second)
	if ttl := s.Client().PTTL(ctx, "callflow:{bundle:v1}:b").Val(); ttl < 59*time.Minute {
		t.Fatalf("TTL %s, shortened by a Put of a shorter TTL", ttl)
	}
}

// TestRedisGone checks that a store whose Redis is gone fails fast, within
// the timeouts, and works again when Redis is back.
func TestRedisGone(t *testing.T) {
	s, srv := open(t)
	ctx := ctxFor(t)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, err := s.Get(ctx, "8x8|x")
	if err == nil || errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Get with Redis gone: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a failed Get took %s", d)
	}
	srv.Restart(t)
	if _, err := s.CompareAndSet(ctx, "8x8|x", 0, session("x"), time.Hour); err != nil {
		t.Fatalf("after Redis came back (scripts lost: EVAL fallback): %v", err)
	}
}

// asleep returns once Redis at addr stops answering PING within 20 ms (a
// DEBUG SLEEP reached it), with a deadline.
func asleep(t *testing.T, addr string) {
	t.Helper()
	probe := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: 20 * time.Millisecond, MaxRetries: -1})
	defer probe.Close()
	deadline := time.Now().Add(5 * time.Second)
	for probe.Ping(context.Background()).Err() == nil {
		if time.Now().After(deadline) {
			t.Fatal("Redis never went to sleep")
		}
	}
}

func TestSlowRedisBoundedByContext(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	addr := s.Client().(*redis.Client).Options().Addr
	other := redis.NewClient(&redis.Options{Addr: addr})
	defer other.Close()
	go other.Do(context.Background(), "DEBUG", "SLEEP", "1")
	asleep(t, addr)
	wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := s.Get(wctx, "8x8|x")
	if err == nil {
		t.Fatal("Get on a Redis asleep for 1s succeeded")
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("Get took %s past a 100 ms deadline", d)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get past its deadline: %v, want it to be the context's error too", err)
	}
}
