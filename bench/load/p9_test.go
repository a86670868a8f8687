package load

import (
	"context"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/redisstore/redistest"
)

// BenchmarkP9 is figure P9 of quality.md, short: one `callflow serve`
// process (built here with the go command) with its state in a real
// redis-server on loopback against one with its state in memory, 16
// connections, 2 s each side; then the 8x8 step latency on one connection
// and the bytes a live call takes in Redis. Targets: ratio ≥ 0.5, step p99
// ≤ 5 ms. It measures once, whatever b.N is (-benchtime 1x).
func BenchmarkP9(b *testing.B) {
	redis := redistest.Start(b)
	ctx := context.Background()
	bin, err := BuildCallflow(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	r, err := RunP9(ctx, P9Config{Callflow: bin, RedisURL: redis.URL(), FlowsDir: flowsDir, Dir: b.TempDir(), Duration: 2 * time.Second, Conns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("\n%s", FormatP9(r))
	b.ReportMetric(r.Memory.RPS, "rps-memory")
	b.ReportMetric(r.Redis.RPS, "rps-redis")
	b.ReportMetric(r.Ratio, "ratio")
	b.ReportMetric(ms(r.StepRedis.P99), "step-p99-ms-redis")
	b.ReportMetric(ms(r.StepMemory.P99), "step-p99-ms-memory")
	b.ReportMetric(float64(r.BytesPerCall), "redis-bytes/call")
	b.ReportMetric(float64(r.SessionBytes), "redis-bytes/session")
	if !r.OK() {
		b.Errorf("errors: memory %d %v, redis %d %v", r.Memory.Errors, r.Memory.FirstErrors, r.Redis.Errors, r.Redis.FirstErrors)
	}
}
