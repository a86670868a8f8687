// Command callflow-load runs the load and soak figures of quality.md in
// full against an in-process `callflow serve` stack on 127.0.0.1 — never
// anything else: every server it starts listens on loopback, and every
// connection it (or the engine's lookups) makes is checked to be to a
// loopback address and refused otherwise.
//
//	P3  callflow serve vs a bare net/http handler, same load generator, -conns connections, -duration each side
//	P5  hot reload: file write to the new version answering, -reloads times
//	R1  reload under load: -duration of webhooks while the flows change -rewrites times
//	P9  one serve process with its state in Redis vs one in memory: tencent req/s (-duration each side), 8x8 step p99, bytes per live call in Redis
//	replicas  R9/R10: three real serve processes on one Redis (spread calls, SIGKILL, the same delivery and -copies of a trigger on every replica, a rolling restart with a flow edit, Redis stopped and started under load), -calls calls per scenario
//
// P9 and replicas build ./cmd/callflow with the go command into a temporary
// folder and start redis-server (apt-get install redis-server) on a free
// loopback port with no persistence; they run from the module root:
//
//	go run ./bench/cmd/callflow-load -mode replicas
//
// Usage, from the module root:
//
//	go run ./bench/cmd/callflow-load -mode all -duration 30s
//
// It prints a summary table and exits 1 when a figure misses its target.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/callflow/callflow/bench/load"
)

func main() {
	mode := flag.String("mode", "all", "figures to run, comma-separated: p3, p5, r1, p9, replicas, or all")
	duration := flag.Duration("duration", 30*time.Second, "P3: measured time per side; R1: time of webhooks at full speed (at most 10m)")
	rewrites := flag.Int("rewrites", 100, "R1: changes to the flows folder during the run (at most 1000)")
	reloads := flag.Int("reloads", 50, "P5: reloads measured (at most 1000)")
	conns := flag.Int("conns", 16, "P3 and R1: concurrent connections (at most 256)")
	flows := flag.String("flows", "flows", "folder of the shipped flows (reception.flow, vips.csv, support.flow)")
	calls := flag.Int("calls", 200, "replicas: 8x8 calls per scenario (at most 1000)")
	copies := flag.Int("copies", 50, "replicas: copies of one trigger spread over the replicas (at most 1000)")
	round := flag.Duration("round", 0, "P3: longest stretch one side runs before the other takes over (default: half of -duration, at most 5s); shorter stretches keep a loaded machine's swings out of the ratio")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file; samples are labelled part=serve, bare, crm or load (go tool pprof -tagfocus part=serve)")
	flag.Parse()
	if *calls < 1 || *calls > 1000 || *copies < 1 || *copies > 1000 {
		fmt.Fprintln(os.Stderr, "callflow-load: -calls and -copies must be 1 to 1000")
		os.Exit(2)
	}
	if *round < 0 || *round > 0 && (*round < 100*time.Millisecond || *round > *duration) {
		fmt.Fprintln(os.Stderr, "callflow-load: -round must be 0 (the default) or 100ms to -duration")
		os.Exit(2)
	}
	replicaCalls, triggerCopies, p3Round = *calls, *copies, *round
	stop, err := startCPUProfile(*cpuprofile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "callflow-load:", err)
		os.Exit(2)
	}
	err = run(*mode, *duration, *rewrites, *reloads, *conns, *flows)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "callflow-load:", err)
		os.Exit(1)
	}
}

// startCPUProfile profiles the process's CPU into path until stop is
// called; with no path it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "callflow-load: -cpuprofile:", err)
		}
	}, nil
}

// p3Round is -round.
var p3Round time.Duration

func run(mode string, duration time.Duration, rewrites, reloads, conns int, flows string) error {
	switch {
	case duration <= 0 || duration > 10*time.Minute:
		return fmt.Errorf("-duration must be more than 0 and at most 10m, not %s", duration)
	case rewrites < 1 || rewrites > 1000:
		return fmt.Errorf("-rewrites must be 1 to 1000, not %d", rewrites)
	case reloads < 1 || reloads > 1000:
		return fmt.Errorf("-reloads must be 1 to 1000, not %d", reloads)
	case conns < 2 || conns > 256:
		return fmt.Errorf("-conns must be 2 to 256, not %d", conns)
	}
	want := map[string]bool{}
	for _, m := range strings.Split(mode, ",") {
		switch m {
		case "all":
			want["p3"], want["p5"], want["r1"], want["p9"], want["replicas"] = true, true, true, true, true
		case "p3", "p5", "r1", "p9", "replicas":
			want[m] = true
		default:
			return fmt.Errorf("-mode must be p3, p5, r1, p9, replicas or all, not %q", m)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var missed []string
	if want["p3"] {
		fmt.Printf("P3: callflow serve vs bare net/http, %d connections, %s each side…\n", conns, duration)
		r, err := load.RunP3(ctx, load.P3Config{FlowsDir: flows, Duration: duration, Conns: conns, Round: p3Round})
		if err != nil {
			return err
		}
		fmt.Print(load.FormatP3(r), "\n")
		if !r.Met() {
			missed = append(missed, "P3")
		}
	}
	if want["p5"] {
		fmt.Printf("P5: hot reload latency, %d rename saves…\n", reloads)
		r, err := load.RunP5(ctx, load.P5Config{FlowsDir: flows, Reloads: reloads})
		if err != nil {
			return err
		}
		fmt.Print(load.FormatP5(r), "\n")
		if r.P99 > 300*time.Millisecond || r.Failures > 0 {
			missed = append(missed, "P5")
		}
	}
	if want["r1"] {
		fmt.Printf("R1: reload under load, %s of webhooks on %d connections, %d changes…\n", duration, conns, rewrites)
		r, err := load.RunR1(ctx, load.R1Config{FlowsDir: flows, Duration: duration, Rewrites: rewrites, Conns: conns})
		if err != nil {
			return err
		}
		fmt.Print(load.FormatR1(r), "\n")
		if !r.OK() {
			missed = append(missed, "R1")
		}
	}
	if want["p9"] || want["replicas"] {
		m, err := runReplicas(ctx, want["p9"], want["replicas"], duration, conns, flows)
		if err != nil {
			return err
		}
		missed = append(missed, m...)
	}
	if len(missed) > 0 {
		return fmt.Errorf("targets missed: %s", strings.Join(missed, ", "))
	}
	fmt.Println("all targets met")
	return nil
}
