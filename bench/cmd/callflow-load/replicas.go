package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/callflow/callflow/bench/load"
)

// -calls and -copies, for the replicas mode.
var replicaCalls, triggerCopies int

// runReplicas builds callflow, starts a Redis, and runs P9 and the
// multi-replica proof; it returns the figures that missed their targets.
func runReplicas(ctx context.Context, p9, replicas bool, duration time.Duration, conns int, flows string) ([]string, error) {
	dir, err := os.MkdirTemp("", "callflow-replicas-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	fmt.Println("building ./cmd/callflow…")
	bin, err := load.BuildCallflow(ctx, dir)
	if err != nil {
		return nil, err
	}
	redis, err := load.StartRedis(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer redis.Stop()
	var missed []string
	if p9 {
		fmt.Printf("P9: serve with Redis vs with memory, %d connections, %s each side…\n", conns, duration)
		r, err := load.RunP9(ctx, load.P9Config{Callflow: bin, RedisURL: redis.URL(), FlowsDir: flows, Dir: dir, Duration: duration, Conns: conns})
		if err != nil {
			return nil, err
		}
		fmt.Print(load.FormatP9(r), "\n")
		if !r.Met() {
			missed = append(missed, "P9")
		}
	}
	if replicas {
		fmt.Printf("R9/R10: 3 serve processes on one Redis, %d calls per scenario, %d copies of a trigger…\n", replicaCalls, triggerCopies)
		rs, err := load.RunReplicas(ctx, load.ReplicasConfig{Callflow: bin, Redis: redis, FlowsDir: flows, Dir: dir, Calls: replicaCalls, Copies: triggerCopies})
		if err != nil {
			return nil, err
		}
		fmt.Print(load.FormatReplicas(rs), "\n")
		for _, r := range rs {
			if r.Err != nil {
				missed = append(missed, "R9/R10 "+r.Name)
			}
		}
	}
	return missed, nil
}
