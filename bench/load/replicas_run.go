package load

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// ReplicasConfig configures the long form of the multi-replica proof.
type ReplicasConfig struct {
	Callflow string       // the callflow binary
	Redis    *RedisServer // the Redis the replicas share; stopped and started by the outage scenario
	FlowsDir string       // the shipped flows
	Dir      string       // a folder for the replicas
	Replicas int          // default 3
	Calls    int          // 8x8 calls per scenario (default 200)
	Copies   int          // copies of one trigger (default 50)
	Workers  int          // concurrent callers during the Redis outage (default 8)
}

// ScenarioResult is one scenario of the proof.
type ScenarioResult struct {
	Name    string
	Elapsed time.Duration
	Detail  string
	Err     error
}

// RunReplicas runs every scenario of scale.md §6 on Replicas real `callflow
// serve` processes sharing cfg.Redis, in the order of the issue, and
// returns what each did. A scenario's failure does not stop the others.
func RunReplicas(ctx context.Context, cfg ReplicasConfig) ([]ScenarioResult, error) {
	if cfg.Replicas <= 1 {
		cfg.Replicas = 3
	}
	if cfg.Calls <= 0 {
		cfg.Calls = 200
	}
	if cfg.Copies <= 0 {
		cfg.Copies = 50
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	cl, err := StartCluster(ctx, ClusterConfig{Callflow: cfg.Callflow, Store: cfg.Redis.URL(), Replicas: cfg.Replicas, Dir: filepath.Join(cfg.Dir, "cluster"), FlowsDir: cfg.FlowsDir})
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var out []ScenarioResult
	run := func(name string, fn func() (string, error)) {
		t0 := time.Now()
		detail, err := fn()
		out = append(out, ScenarioResult{Name: name, Elapsed: time.Since(t0), Detail: detail, Err: err})
	}
	run("spread", func() (string, error) {
		spread, err := RunSpread(ctx, cl, "spread", cfg.Calls)
		if err != nil {
			return "", err
		}
		alone, err := StartCluster(ctx, ClusterConfig{Callflow: cfg.Callflow, Replicas: 1, Dir: filepath.Join(cfg.Dir, "alone"), FlowsDir: cfg.FlowsDir})
		if err != nil {
			return "", err
		}
		defer alone.Close()
		ref, err := RunSpread(ctx, alone, "spread", cfg.Calls)
		if err != nil {
			return "", err
		}
		for n := range spread {
			if spread[n].Transcript() != ref[n].Transcript() {
				return "", fmt.Errorf("call %d over %d replicas answered\n%s\none replica alone\n%s", n, cfg.Replicas, spread[n].Transcript(), ref[n].Transcript())
			}
		}
		return fmt.Sprintf("%d calls × 4 webhooks, each on another replica, answered as one replica alone", cfg.Calls), nil
	})
	run("sigkill", func() (string, error) {
		return fmt.Sprintf("%d calls begun on replica 0, finished on the others after its SIGKILL", cfg.Calls), RunKill(ctx, cl, 0, cfg.Calls)
	})
	run("sigkill-in-flight", func() (string, error) {
		most := 0
		for round := range 3 {
			n, err := RunKillInFlight(ctx, cl, round%cfg.Replicas, round)
			if err != nil {
				return "", err
			}
			most = max(most, n)
		}
		return fmt.Sprintf("3 replicas killed while answering a delivery: every retry in budget, the flow ran again by retry %d", most), nil
	})
	run("same-delivery", func() (string, error) {
		for round := range 10 {
			if err := RunSameDelivery(ctx, cl, round); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("10 tencent deliveries and 10 8x8 steps, each on %d replicas at once: identical answers, one CRM lookup each", cfg.Replicas), nil
	})
	run("one-trigger", func() (string, error) {
		for round := range 10 {
			if err := RunOneTrigger(ctx, cl, "long-"+strconv.FormatInt(time.Now().UnixNano(), 36)+"-"+strconv.Itoa(round), cfg.Copies); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("10 triggers, %d copies each over the replicas: one callback each at the platform", cfg.Copies), nil
	})
	run("rolling-restart", func() (string, error) {
		rr, err := RunRollingRestart(ctx, cl, cfg.Calls)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d calls on v1 across an edit to v2 and a restart of every replica", len(rr.Calls)), FinishOnNewReplicas(ctx, cl, rr)
	})
	run("redis-restart", func() (string, error) {
		var sum Outage
		for range outages {
			o, err := RunRedisOutage(ctx, cl, cfg.Redis.Control(ctx), cfg.Workers, 20*cfg.Workers)
			if err != nil {
				return "", err
			}
			sum.Answers, sum.Finished, sum.Degraded, sum.After, sum.Fallbacks = sum.Answers+o.Answers, sum.Finished+o.Finished, sum.Degraded+o.Degraded, sum.After+o.After, sum.Fallbacks+o.Fallbacks
			sum.Slowest = max(sum.Slowest, o.Slowest)
		}
		return fmt.Sprintf("%d outages: %d answers within budget (slowest %s); %d calls finished (%d begun on a degraded replica and kept there, %d begun after Redis came back); %d ended by the safe fallback",
			outages, sum.Answers, sum.Slowest.Round(time.Millisecond), sum.Finished, sum.Degraded, sum.After, sum.Fallbacks), nil
	})
	return out, nil
}

// outages is how many times the long form stops and starts Redis.
const outages = 3

// FormatReplicas is the proof as a table.
func FormatReplicas(rs []ScenarioResult) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "R9/R10\tscenario\ttime\tresult\t\n")
	for _, r := range rs {
		verdict := "PASS"
		if r.Err != nil {
			verdict = "FAIL"
		}
		fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\n", r.Name, r.Elapsed.Round(time.Millisecond), verdict, r.Detail)
	}
	tw.Flush()
	for _, r := range rs {
		if r.Err != nil {
			fmt.Fprintf(&b, "  %s: %s\n", r.Name, clip([]byte(r.Err.Error())))
		}
	}
	return b.String()
}
