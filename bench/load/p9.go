package load

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/callflow/callflow/runtime/redisstore"
)

// P9Config configures figure P9 and the Redis sizing figure.
type P9Config struct {
	Callflow string        // the callflow binary
	RedisURL string        // a Redis on loopback, empty or expendable
	FlowsDir string        // the shipped flows (reception.flow, vips.csv)
	Dir      string        // a folder for the replicas' flows
	Duration time.Duration // measured time per side, tencent and 8x8 each (default 2s)
	Conns    int           // concurrent connections of the tencent throughput (default 16)
	// StepConns is the concurrent 8x8 calls whose steps are timed (default
	// 1: the latency of a step, not of a queue on a saturated machine).
	StepConns int
	Calls     int // live calls held to size Redis (default 1000)
}

// P9Result is figure P9: one `callflow serve` process with its state in
// Redis on loopback against one with its state in memory, driven by the
// same load generator in alternating stretches.
type P9Result struct {
	Memory, Redis SideResult // tencent webhooks (reception.flow, with its CRM lookup)
	Ratio         float64    // Redis.RPS / Memory.RPS; target ≥ 0.5
	// StepMemory and StepRedis are the 8x8 steps: the webhooks that
	// resume a call waiting on a capture (read the session, run, write
	// it); StepRedis.P99 target ≤ 5 ms.
	StepMemory, StepRedis SideResult
	Conns, StepConns      int
	// BytesPerCall is Redis's used_memory grown per live 8x8 call waiting
	// on a capture (its session and the answer to its delivery), over
	// Calls calls; SessionBytes is MEMORY USAGE of one session key.
	BytesPerCall, SessionBytes int64
	Calls                      int
}

// RunP9 measures P9 with real processes: a memory replica and a Redis
// replica, each a single `callflow serve`.
func RunP9(ctx context.Context, cfg P9Config) (*P9Result, error) {
	if cfg.Duration <= 0 {
		cfg.Duration = 2 * time.Second
	}
	if cfg.Conns <= 0 {
		cfg.Conns = 16
	}
	if cfg.Calls <= 0 {
		cfg.Calls = 1000
	}
	if cfg.StepConns <= 0 {
		cfg.StepConns = 1
	}
	mem, err := StartCluster(ctx, ClusterConfig{Callflow: cfg.Callflow, Replicas: 1, Dir: filepath.Join(cfg.Dir, "memory"), FlowsDir: cfg.FlowsDir})
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	red, err := StartCluster(ctx, ClusterConfig{Callflow: cfg.Callflow, Store: cfg.RedisURL, Replicas: 1, Dir: filepath.Join(cfg.Dir, "redis"), FlowsDir: cfg.FlowsDir})
	if err != nil {
		return nil, err
	}
	defer red.Close()
	vips, err := os.ReadFile(filepath.Join(cfg.FlowsDir, "vips.csv"))
	if err != nil {
		return nil, err
	}
	exp, err := receptionExpected(vips)
	if err != nil {
		return nil, err
	}
	tmpl := newTencentTemplate(Caller, ReceptionNumber)
	sides := [2]*p3Side{
		{name: "memory", url: mem.Replicas[0].URL + "/hooks/tencent", prefix: "p9-mem-"},
		{name: "redis", url: red.Replicas[0].URL + "/hooks/tencent", prefix: "p9-redis-"},
	}
	for _, s := range sides {
		s.client, s.lat, s.tmpl, s.exp = LoadClient(cfg.Conns), make([]Latencies, cfg.Conns), tmpl, exp
		defer s.client.CloseIdleConnections()
		s.run(ctx, cfg.Conns, 300*time.Millisecond, false)
	}
	order := [4]int{0, 1, 1, 0} // ABBA
	for i := range 4 {
		sides[order[i]].run(ctx, cfg.Conns, cfg.Duration/2, true)
	}
	res := &P9Result{Memory: sides[0].result(), Redis: sides[1].result(), Conns: cfg.Conns, StepConns: cfg.StepConns, Calls: cfg.Calls}
	if res.Memory.RPS > 0 {
		res.Ratio = res.Redis.RPS / res.Memory.RPS
	}
	steps := [2]*stepSide{{cl: mem, name: "memory"}, {cl: red, name: "redis"}}
	for i := range 4 {
		if err := steps[order[i]].run(ctx, cfg.StepConns, cfg.Duration/2); err != nil {
			return nil, err
		}
	}
	res.StepMemory, res.StepRedis = steps[0].result(), steps[1].result()
	if err := sizeRedis(ctx, red, cfg.RedisURL, res); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return res, nil
}

// stepSide runs 8x8 calls against one replica and times the resumed
// webhooks.
type stepSide struct {
	cl       *Cluster
	name     string
	n        int
	lat      Latencies
	requests int64
	elapsed  time.Duration
	fails    failures
}

func (s *stepSide) run(ctx context.Context, conns int, d time.Duration) error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	base := s.n
	s.n += 1 << 20
	for w := range conns {
		wg.Go(func() {
			var lat Latencies
			for n := 0; ctx.Err() == nil && time.Now().Before(deadline); n++ {
				c := NewIVRCall(fmt.Sprintf("p9-%s-%d-%d", s.name, w, base+n), n)
				for !c.Done() {
					resumed := c.Next > 0
					status, out, took, err := s.cl.Post(ctx, 0, "/hooks/8x8", c.body())
					if err == nil && status != 200 {
						err = fmt.Errorf("status %d: %s", status, clip(out))
					}
					if err == nil {
						err = c.take(out, 0)
					}
					if err != nil {
						s.fails.add("%s: %v", s.name, err)
						break
					}
					if resumed {
						lat = append(lat, took)
					}
				}
			}
			mu.Lock()
			s.lat = append(s.lat, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	s.elapsed += time.Since(start)
	s.requests = int64(len(s.lat))
	if n := s.fails.count(); n > 0 {
		return fmt.Errorf("P9 8x8 steps on %s: %d failures: %v", s.name, n, s.fails.messages())
	}
	return nil
}

func (s *stepSide) result() SideResult {
	r := SideResult{Requests: s.requests, Errors: s.fails.count(), Elapsed: s.elapsed, P50: s.lat.Percentile(50), P99: s.lat.Percentile(99), Max: s.lat.Max()}
	if s.elapsed > 0 {
		r.RPS = float64(s.requests) / s.elapsed.Seconds()
	}
	return r
}

// sizeRedis starts res.Calls 8x8 calls on the Redis replica, each left
// waiting on its first capture, and reads how much Redis's memory grew.
func sizeRedis(ctx context.Context, cl *Cluster, url string, res *P9Result) error {
	st, err := redisstore.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	rdb := st.Client()
	used := func() (int64, error) {
		info, err := rdb.Info(ctx, "memory").Result()
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				return strconv.ParseInt(v, 10, 64)
			}
		}
		return 0, errors.New("P9: no used_memory in INFO memory")
	}
	before, err := used()
	if err != nil {
		return err
	}
	var last *IVRCall
	for n := range res.Calls {
		last = NewIVRCall("sized", n)
		if err := cl.Step(ctx, 0, last); err != nil {
			return err
		}
	}
	after, err := used()
	if err != nil {
		return err
	}
	res.BytesPerCall = (after - before) / int64(res.Calls)
	res.SessionBytes, err = rdb.MemoryUsage(ctx, cl.prefix+":{8x8:"+last.Session+"}:s").Result()
	if err != nil {
		return fmt.Errorf("P9: MEMORY USAGE of the session of %s: %v", last.Session, err)
	}
	return nil
}

// OK reports whether every answer was right and the load ran.
func (r *P9Result) OK() bool {
	return r.Memory.Errors == 0 && r.Redis.Errors == 0 && r.Memory.Requests > 0 && r.Redis.Requests > 0 && r.StepRedis.Requests > 0
}

// Met reports whether P9's targets are met: Redis at least half memory's
// tencent throughput, and the 8x8 step p99 with Redis at most 5 ms.
func (r *P9Result) Met() bool {
	return r.OK() && r.Ratio >= 0.5 && r.StepRedis.P99 <= 5*time.Millisecond
}

// FormatP9 is P9 as a table.
func FormatP9(r *P9Result) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "P9\tserve state\twebhooks\trequests\ttime\treq/s\tp50\tp99\tmax\terrors\t\n")
	for _, s := range []struct {
		name, what string
		r          SideResult
	}{{"memory", "tencent", r.Memory}, {"redis", "tencent", r.Redis}, {"memory", "8x8 step", r.StepMemory}, {"redis", "8x8 step", r.StepRedis}} {
		fmt.Fprintf(tw, "\t%s\t%s\t%d\t%s\t%.0f\t%s\t%s\t%s\t%d\t\n", s.name, s.what, s.r.Requests, s.r.Elapsed.Round(time.Millisecond),
			s.r.RPS, fmtDur(s.r.P50), fmtDur(s.r.P99), fmtDur(s.r.Max), s.r.Errors)
	}
	tw.Flush()
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "FAIL"
	}
	fmt.Fprintf(&b, "P9 tencent req/s with Redis / with memory = %.3f on %d connections (target ≥ 0.5: %s); 8x8 step p99 with Redis %s on %d connections (target ≤ 5 ms: %s)\n",
		r.Ratio, r.Conns, verdict(r.Ratio >= 0.5), fmtDur(r.StepRedis.P99), r.StepConns, verdict(r.StepRedis.P99 <= 5*time.Millisecond))
	fmt.Fprintf(&b, "Redis sizing: %d bytes of used_memory per live 8x8 call waiting on a capture (%d calls); MEMORY USAGE of one session key: %d bytes\n",
		r.BytesPerCall, r.Calls, r.SessionBytes)
	for _, e := range append(r.Memory.FirstErrors, r.Redis.FirstErrors...) {
		fmt.Fprintf(&b, "  error: %s\n", e)
	}
	return b.String()
}
