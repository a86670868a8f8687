package degrade_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/redisstore/redistest"
)

// TestRealRedisStoppedAndRestarted runs webhooks through an engine on a
// real redis-server (skipped loudly without one, failed under CI=true),
// stops it and starts it again empty, as a crash does: while it is gone
// every answer comes within its budget, new calls are answered by their
// flow from this process, a call whose session was only in Redis gets the
// safe fallback; after the pause a probe finds Redis back, new calls go to
// it again, and the call started during the outage finishes here.
func TestRealRedisStoppedAndRestarted(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	// A stopped Redis refuses at once: the timeouts only keep a loaded
	// machine's healthy Redis from looking slow.
	store, err := redisstore.Open(ctx, srv.URL(), redisstore.WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	const pause = 300 * time.Millisecond
	r := rigOn(t, store, degrade.WithPause(pause))
	redisstore.SetLogger(slog.New(slog.NewTextHandler(r.log, nil))) // go-redis's failed dials, in the rig's log
	ref := reference(t)

	before := r.handle("8x8", webhook8x8(t, "before", 0, "", ""))
	r.want(t, before, budget8x8, menuPrompt)
	if n := store.Client().Exists(ctx, "callflow:{8x8:before}:s").Val(); n != 1 {
		t.Fatal("the call did not start in Redis")
	}

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	tencentAnswers := make([]answer, 8)
	for i := range tencentAnswers {
		wg.Go(func() { tencentAnswers[i] = r.handle("tencent", webhookTencent(t, fmt.Sprintf("down-%d", i))) })
	}
	wg.Wait()
	for i, a := range tencentAnswers {
		want := ref.answer(t, "tencent", webhookTencent(t, fmt.Sprintf("down-%d", i)))
		if a.err != nil || !bytes.Equal(a.reply.Body, want) || a.took > budgetTencent {
			t.Fatalf("tencent webhook with Redis stopped: %v %s after %v; want the flow's answer %s within %v", a.err, a.reply.Body, a.took, want, budgetTencent)
		}
	}
	during := r.handle("8x8", webhook8x8(t, "during", 0, "", ""))
	r.want(t, during, budget8x8, menuPrompt)
	step := webhook8x8(t, "before", 1, resumeOf(t, before.reply.Body), "9")
	if a := r.handle("8x8", step); !bytes.Equal(a.reply.Body, fallbackOf(t, "8x8", step)) || a.took > budget8x8 {
		t.Fatalf("the call held in the stopped Redis: %s after %v; want the safe fallback in time", a.reply.Body, a.took)
	}
	if st := r.g.Status(); st.Breaker != degrade.Open {
		t.Fatalf("with Redis stopped the breaker is %s (%s)", st.Breaker, st.LastError)
	}

	srv.Restart(t)
	waitFor(t, func() bool { return r.g.Status().Breaker == degrade.HalfOpen }, "the breaker to probe again")
	after := r.handle("8x8", webhook8x8(t, "after", 0, "", ""))
	r.want(t, after, budget8x8, menuPrompt)
	if st := r.g.Status(); st.Breaker != degrade.Closed {
		t.Fatalf("after a probe to the restarted Redis the breaker is %s (%s)", st.Breaker, st.LastError)
	}
	if n := store.Client().Exists(ctx, "callflow:{8x8:after}:s").Val(); n != 1 {
		t.Fatal("a call started after Redis came back is not in Redis")
	}
	b := r.handle("8x8", webhook8x8(t, "during", 1, resumeOf(t, during.reply.Body), "9"))
	r.want(t, b, budget8x8, orderPrompt)
	r.want(t, r.handle("8x8", webhook8x8(t, "during", 2, resumeOf(t, b.reply.Body), "12345#")), budget8x8, orderDone)
	if n, m := r.log.lines("serving degraded"), r.log.lines("shared store back"); n != 1 || m != 1 {
		t.Fatalf("degraded logged %d times and back %d times, want once each:\n%s", n, m, r.log)
	}
}

// waitFor waits until cond holds, checking it every few milliseconds, for
// at most ten seconds.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
		<-tick.C
	}
}

// TestRealRedisSlow: a real redis-server that stops answering for three
// seconds (DEBUG SLEEP, as a Redis stuck on a slow command or a fork is)
// costs each webhook at most go-redis's timeouts: every answer is the
// flow's, within budget; the breaker opens, and closes once Redis answers
// again.
func TestRealRedisSlow(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	// Timeouts of 300 ms (two tries each) against a sleep of 3 s: the
	// breaker's three failures fit in the sleep with time to spare, and a
	// loaded machine's healthy Redis is not taken for a slow one.
	store, err := redisstore.Open(ctx, srv.URL(), redisstore.WithTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	r := rigOn(t, store, degrade.WithPause(100*time.Millisecond))
	redisstore.SetLogger(slog.New(slog.NewTextHandler(r.log, nil)))
	ref := reference(t)

	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$1\r\n3\r\n")); err != nil {
		t.Fatal(err)
	}
	awake := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(conn).ReadString('\n') // +OK once the sleep is over
		if err == nil && line != "+OK\r\n" {
			err = fmt.Errorf("DEBUG SLEEP answered %q", line)
		}
		awake <- err
	}()
	var slowest time.Duration
	n := 0
	for ; r.g.Status().Breaker != degrade.Open; n++ {
		body := webhookTencent(t, fmt.Sprintf("slow-%d", n))
		a := r.handle("tencent", body)
		slowest = max(slowest, a.took)
		if want := ref.answer(t, "tencent", body); a.err != nil || !bytes.Equal(a.reply.Body, want) || a.took > budgetTencent {
			t.Fatalf("tencent webhook on a sleeping Redis: %v %s after %v; want the flow's answer within %v", a.err, a.reply.Body, a.took, budgetTencent)
		}
		if n == 50 {
			t.Fatalf("50 webhooks on a sleeping Redis, and the breaker is %s", r.g.Status().Breaker)
		}
	}
	t.Logf("the breaker opened after %d webhooks on a sleeping Redis, the slowest answered in %v", n, slowest)
	select {
	case err := <-awake:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Redis did not wake from DEBUG SLEEP 3 within 10s")
	}
	waitFor(t, func() bool { return r.g.Status().Breaker == degrade.HalfOpen }, "the breaker to probe again")
	r.want(t, r.handle("8x8", webhook8x8(t, "awake", 0, "", "")), budget8x8, menuPrompt)
	if st := r.g.Status(); st.Breaker != degrade.Closed {
		t.Fatalf("after Redis woke the breaker is %s (%s)", st.Breaker, st.LastError)
	}
	if n := store.Client().Exists(ctx, "callflow:{8x8:awake}:s").Val(); n != 1 {
		t.Fatal("a call started once Redis woke is not in Redis")
	}
}
