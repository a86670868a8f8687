package redisstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/redisstore/redistest"
	"github.com/callflow/callflow/runtime/tencent"
)

// TestCluster runs calls through the engine on a Redis Cluster
// (redis+cluster://), where a script or pipeline whose keys are in two
// slots is refused: every webhook's keys carry its call's hash tag, so an
// 8x8 call (received, step, summary), a tencent webhook, a dispatch
// outcome and a bundle all work, each at its two round trips.
func TestCluster(t *testing.T) {
	srv := redistest.StartCluster(t)
	if _, err := redistest.Do(srv.Addr, "EVAL", "return 1", "2", "a", "b"); err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("a script on two slots: %v, want CROSSSLOT (the cluster does not check slots)", err)
	}
	ctx := ctxFor(t)
	rt := &roundTrips{}
	s, err := redisstore.Open(ctx, "redis+cluster://"+srv.Addr, redisstore.WithHook(rt))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	eng := engine(t, shipped(t), runtime.WithStore(s))

	var reply platform.Reply
	if n := rt.count(func() { reply, err = eng.Handle(ctx, "8x8", "", webhook8x8(t, "cl-1", 0, "", nil)) }); err != nil || n > 2 {
		t.Fatalf("8x8 call received: %v, %d round trips", err, n)
	}
	nine := "9"
	if n := rt.count(func() {
		reply, err = eng.Handle(ctx, "8x8", "", webhook8x8(t, "cl-1", 1, resumeOf(t, reply.Body), &nine))
	}); err != nil || n > 2 || !strings.Contains(string(reply.Body), "Enter your order number") {
		t.Fatalf("8x8 step: %v, %d round trips, %s", err, n, reply.Body)
	}
	var res *runtime.Result
	if n := rt.count(func() { res, err = eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: sessionSummary(t, "cl-1")}) }); err != nil || n > 2 || res.Outcome != runtime.Ended {
		t.Fatalf("8x8 summary: %v, %d round trips", err, n)
	}
	body, _ := tencent.New().Webhook(platform.Call{Session: "cl-tc", Caller: "+8613166668888", Callee: reception, Bound: platform.Bound{IVRID: 5}})
	if n := rt.count(func() { reply, err = eng.Handle(ctx, "tencent", "", body) }); err != nil || n > 2 {
		t.Fatalf("tencent: %v, %d round trips", err, n)
	}
	oc, err := s.Outcomes().Claim(ctx, "callbot:cl-trigger", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Outcomes().Fill(ctx, oc, dispatch.Outcome{}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Bundles().Put(ctx, "cl-version", []byte("b"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Bundles().Get(ctx, "cl-version"); err != nil || string(v) != "b" {
		t.Fatalf("bundle: %q %v", v, err)
	}
}

// TestSentinel reaches the master a Sentinel names (redis+sentinel://),
// with the master's password from WithPassword and none for the sentinel:
// sessions written through it are on the master.
func TestSentinel(t *testing.T) {
	const password = "master-pass-0123"
	master := redistest.Start(t, "--requirepass", password)
	sentinel := redistest.StartSentinel(t, master, "callflow-main", "sentinel auth-pass callflow-main "+password)
	ctx := ctxFor(t)
	s, err := redisstore.Open(ctx, "redis+sentinel://"+sentinel.Addr+"/0?master_name=callflow-main", redisstore.WithPassword(password))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CompareAndSet(ctx, "8x8|sen", 0, session("sen"), time.Hour); err != nil {
		t.Fatal(err)
	}
	direct, err := redisstore.Open(ctx, master.URL(), redisstore.WithPassword(password))
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if _, rev, err := direct.Get(ctx, "8x8|sen"); err != nil || rev != 1 {
		t.Fatalf("the session on the master: rev %d, %v", rev, err)
	}
	if _, err := redisstore.Open(ctx, "redis+sentinel://"+sentinel.Addr+"/0?master_name=no-such-master"); err == nil {
		t.Fatal("a master the sentinel does not know was reached")
	}
}
