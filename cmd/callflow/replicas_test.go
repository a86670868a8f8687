package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/callflow/callflow/bench/load"
	"github.com/callflow/callflow/runtime/redisstore/redistest"
)

// startCluster starts replicas `callflow serve` processes (this test
// binary, which testscript.Main puts on $PATH as callflow) sharing store.
// Their tencent budget is 1 s, so that a delivery claimed by a replica
// that was killed is taken over soon.
func startCluster(t *testing.T, store string, replicas int) *load.Cluster {
	t.Helper()
	bin, err := exec.LookPath("callflow")
	if err != nil {
		t.Fatal(err)
	}
	flows, err := filepath.Abs(filepath.Join("..", "..", "flows"))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := load.StartCluster(t.Context(), load.ClusterConfig{Callflow: bin, Store: store, Replicas: replicas, Dir: t.TempDir(), FlowsDir: flows, TencentBudget: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cl.Close(); err != nil {
			t.Errorf("stopping the replicas: %v", err)
		}
	})
	return cl
}

// TestReplicas is the short form of the multi-replica proof (scale.md §6,
// figures R9 and R10 of quality.md): three real `callflow serve` processes
// on loopback sharing one real redis-server, driven as a load balancer
// without stickiness would. The long form is
// `go run ./bench/cmd/callflow-load -mode replicas`.
func TestReplicas(t *testing.T) {
	redis := redistest.Start(t)
	cl := startCluster(t, redis.URL(), 3)
	fail := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%v\n%s", err, cl.Logs())
		}
	}

	// Every webhook of a call on another replica than the one before:
	// each answer is the one a single replica gives.
	t.Run("spread", func(t *testing.T) {
		const calls = 4
		spread, err := load.RunSpread(t.Context(), cl, "spread", calls)
		fail(t, err)
		alone, err := load.RunSpread(t.Context(), startCluster(t, "", 1), "spread", calls)
		fail(t, err)
		for n := range calls {
			if got, want := spread[n].Transcript(), alone[n].Transcript(); got != want {
				t.Errorf("call %d spread over 3 replicas answered\n%s\none replica alone\n%s", n, got, want)
			}
		}
	})

	// A replica killed with SIGKILL mid-call: its calls go on elsewhere.
	t.Run("sigkill", func(t *testing.T) {
		fail(t, load.RunKill(t.Context(), cl, 0, 3))
	})

	// A replica killed with SIGKILL while answering: the platform's retries
	// on the others are answered in time, and one runs the flow.
	t.Run("sigkill-in-flight", func(t *testing.T) {
		retries, err := load.RunKillInFlight(t.Context(), cl, 1, 0)
		fail(t, err)
		t.Logf("the flow ran again on retry %d", retries)
	})

	// One delivery on every replica at once: one answer, one lookup.
	t.Run("same-delivery", func(t *testing.T) {
		for round := range 3 {
			fail(t, load.RunSameDelivery(t.Context(), cl, round))
		}
	})

	// 50 copies of one trigger over the replicas: one dispatch.
	t.Run("one-trigger", func(t *testing.T) {
		fail(t, load.RunOneTrigger(t.Context(), cl, "trigger-"+strconv.FormatInt(time.Now().UnixNano(), 36), 50))
	})

	// A rolling restart with a flow edit while calls are in progress: each
	// call ends on the version it began on, on replicas that never loaded
	// it (they fetch it from Redis).
	t.Run("rolling-restart", func(t *testing.T) {
		rr, err := load.RunRollingRestart(t.Context(), cl, 3)
		fail(t, err)
		fail(t, load.FinishOnNewReplicas(t.Context(), cl, rr))
	})

	// Redis stopped and started again under load: every answer within its
	// budget; each replica degraded, then back.
	t.Run("redis-restart", func(t *testing.T) {
		out, err := load.RunRedisOutage(t.Context(), cl, redisControl{t, redis}, 4, 20)
		t.Logf("%d answers, slowest %s; %d calls finished (%d begun on a degraded replica and kept there, %d begun after Redis came back), %d ended by the safe fallback",
			out.Answers, out.Slowest, out.Finished, out.Degraded, out.After, out.Fallbacks)
		fail(t, err)
	})
}

// redisControl stops and starts a redistest server.
type redisControl struct {
	t     *testing.T
	redis *redistest.Server
}

func (r redisControl) Stop() error  { return r.redis.Stop() }
func (r redisControl) Start() error { r.redis.Restart(r.t); return nil }
