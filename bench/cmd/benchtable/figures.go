package main

import "github.com/callflow/callflow/bench/load"

// A Figure is one target of quality.md's speed tables as a Go benchmark
// measures it: the benchmark (its package relative to the module root and
// its name, a sub-benchmark after a slash) reports Metric (a unit given to
// b.ReportMetric, or ns/op, B/op, allocs/op), and the figure holds when the
// value compares with Target as Cmp says. Target is in the metric's unit;
// Show only changes how the value is printed.
type Figure struct {
	ID     string
	What   string
	Pkg    string
	Bench  string
	Metric string
	Cmp    Cmp
	Target float64
	Show   Unit
}

// figures is every figure `make bench` measures, one line each, in the
// order of quality.md. Where the second round of quality.md raised a
// target (P1, P3, P4, P6) its target is the one here; a first-round target
// it did not replace stays. A benchmark renamed or a metric renamed is
// changed here alone.
var figures = []Figure{
	{"P1", "tencent webhook, engine vs hand-written Go", "runtime", "BenchmarkP1", "ratio", AtMost, 1.3, times},
	{"P1", "tencent webhook through the engine", "runtime", "BenchmarkP1", "engine-ns/webhook", AtMost, 10_000, micros},
	{"P2", "10,000 prefix rules vs 10", "runtime", "BenchmarkP2", "ratio", AtMost, 2, times},
	{"P3", "serve vs bare net/http, requests/s", "bench/load", "BenchmarkP3", "ratio", AtLeast, load.P3MinRatio, times},
	{"P3", "serve vs bare net/http, p99", "bench/load", "BenchmarkP3", "p99-ratio", AtMost, load.P3MaxP99Ratio, times},
	{"P4", "compile 1 MiB of flows", "lang", "BenchmarkP4", "s/1MiB", AtMost, 1, seconds},
	{"P4", "compile 10 MiB vs 1 MiB, time", "lang", "BenchmarkP4", "ratio-10x", AtMost, 12, times},
	{"P4", "compile 1 MiB as check does, peak heap per input", "lang", "BenchmarkP4Memory/check/1MiB", "peak-B/MiB", AtMost, 10 << 20, perInput},
	{"P4", "compile 10 MiB as check does, peak heap per input", "lang", "BenchmarkP4Memory/check/10MiB", "peak-B/MiB", AtMost, 10 << 20, perInput},
	{"P4", "compile 100 MiB as check does, peak heap per input", "lang", "BenchmarkP4Memory/check/100MiB", "peak-B/MiB", AtMost, 10 << 20, perInput},
	{"P5", "hot reload, write to new version, p99", "bench/load", "BenchmarkP5", "p99-ms", AtMost, 300, millis},
	{"P6", "heap per live 8x8 session", "runtime", "BenchmarkP6", "B/session", AtMost, 3 << 10, kib},
	{"P6", "heap of 1,000 loaded flows", "runtime", "BenchmarkP6", "MiB/1000flows", AtMost, 200, mib},
	{"P6", "heap of 1,000,000 live sessions", "runtime", "BenchmarkP6", "MiB/1M-sessions", AtMost, 1 << 10, mib},
	{"P7", "8x8 call of 4 webhooks vs P1", "runtime", "BenchmarkP7", "ratio-vs-P1", AtMost, 4, times},
	{"P8", "Redis round trips per tencent webhook", "runtime/redisstore", "BenchmarkTencentThroughput", "round-trips/webhook", AtMost, 2, count},
	{"P8", "Redis round trips per 8x8 step", "runtime/redisstore", "BenchmarkStep8x8", "round-trips/step", AtMost, 2, count},
	{"P9", "serve with Redis vs memory, requests/s", "bench/load", "BenchmarkP9", "ratio", AtLeast, 0.5, times},
	{"P9", "serve with Redis, 8x8 step p99", "bench/load", "BenchmarkP9", "step-p99-ms-redis", AtMost, 5, millis},
	{"P10", "language server, re-check of 1 MiB, comment edited", "cmd/callflow/internal/lsp", "BenchmarkP10/1MiB/comment", "ns/op", AtMost, 100e6, nanoMillis},
	{"P10", "language server, re-check of 1 MiB, line inserted", "cmd/callflow/internal/lsp", "BenchmarkP10/1MiB/insert", "ns/op", AtMost, 100e6, nanoMillis},
	{"P10", "language server, re-check of 1 MiB, handler edited", "cmd/callflow/internal/lsp", "BenchmarkP10/1MiB/handler", "ns/op", AtMost, 100e6, nanoMillis},
	{"P10", "language server, re-check of a shipped flow", "cmd/callflow/internal/lsp", "BenchmarkP10/shipped/comment", "ns/op", AtMost, 10e6, nanoMillis},
	{"R1", "reload under load, failed answers", "bench/load", "BenchmarkR1", "failures", AtMost, 0, count},
	{"R1", "reload under load, panics", "bench/load", "BenchmarkR1", "panics", AtMost, 0, count},
}

// benchtime is the -benchtime of the packages whose benchmarks measure
// once whatever b.N is (a load run of several seconds each); the others
// run for go test's default second.
var benchtime = map[string]string{"bench/load": "1x"}
