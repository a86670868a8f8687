package load

import (
	"context"
	"testing"
	"time"
)

// The shipped flows, from this package's folder.
const flowsDir = "../../flows"

// BenchmarkP3 is figure P3 of quality.md, short: `callflow serve` on
// loopback against a bare net/http handler, 16 connections, 2 s each.
// Targets: ratio ≥ 0.9, p99 ratio ≤ 1.2. It measures once, whatever b.N is (run it with
// -benchtime 1x).
func BenchmarkP3(b *testing.B) {
	r, err := RunP3(context.Background(), P3Config{FlowsDir: flowsDir, Duration: 2 * time.Second, Conns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("\n%s", FormatP3(r))
	b.ReportMetric(r.Server.RPS, "rps-server")
	b.ReportMetric(r.Bare.RPS, "rps-bare")
	b.ReportMetric(r.Ratio, "ratio")
	b.ReportMetric(r.P99Ratio, "p99-ratio")
	b.ReportMetric(ms(r.Server.P50), "p50-ms-server")
	b.ReportMetric(ms(r.Server.P99), "p99-ms-server")
	b.ReportMetric(ms(r.Bare.P50), "p50-ms-bare")
	b.ReportMetric(ms(r.Bare.P99), "p99-ms-bare")
	b.ReportMetric(float64(r.Server.Errors+r.Bare.Errors), "errors")
	if !r.OK() {
		b.Errorf("errors: serve %d %v, bare %d %v; panics %d; retry-cache hits %d; lookups: serve %d for %d webhooks, bare %d for %d",
			r.Server.Errors, r.Server.FirstErrors, r.Bare.Errors, r.Bare.FirstErrors, r.Panics, r.Duplicates, r.Server.Lookups, r.Server.Requests, r.Bare.Lookups, r.Bare.Requests)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkP5 is figure P5 of quality.md, short: 20 rename saves, each
// timed from the write to the new version answering a webhook. Target:
// p99 ≤ 300 ms.
func BenchmarkP5(b *testing.B) {
	r, err := RunP5(context.Background(), P5Config{FlowsDir: flowsDir, Reloads: 20})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("\n%s", FormatP5(r))
	b.ReportMetric(ms(r.P50), "p50-ms")
	b.ReportMetric(ms(r.P99), "p99-ms")
	b.ReportMetric(ms(r.Max), "max-ms")
	b.ReportMetric(float64(r.Failures), "failures")
	if r.Failures > 0 {
		b.Errorf("%d failures: %v", r.Failures, r.FirstErrors)
	}
}

// BenchmarkR1 is figure R1 of quality.md, short: 5 s of webhooks at full
// speed while the flows change 20 times. Target: 0 failures, 0 panics,
// every call finishing on its version.
func BenchmarkR1(b *testing.B) {
	r, err := RunR1(context.Background(), R1Config{FlowsDir: flowsDir, Duration: 5 * time.Second, Rewrites: 20})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("\n%s", FormatR1(r))
	b.ReportMetric(float64(r.Webhooks)/r.Elapsed.Seconds(), "webhooks/s")
	b.ReportMetric(float64(r.Failures), "failures")
	b.ReportMetric(float64(r.Panics), "panics")
	b.ReportMetric(float64(r.CallsFinished), "calls")
	b.ReportMetric(float64(r.CallsCrossed), "calls-crossed")
	b.ReportMetric(ms(r.ChangeLatency.Percentile(99)), "change-p99-ms")
	if !r.OK() {
		b.Error("R1 failed")
	}
}

// TestR1 is R1 in short form, so `make test` catches regressions: 5 s of
// webhooks while the flows change 20 times (every kind of change at least
// once), with no failed or malformed answer, no panic, and every 8x8 call
// finishing on the version it started on.
func TestR1(t *testing.T) {
	r, err := RunR1(t.Context(), R1Config{FlowsDir: flowsDir, Duration: 5 * time.Second, Rewrites: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", FormatR1(r))
	if !r.OK() {
		t.Errorf("R1: %d failures, %d panics, %d error log lines, %d of %d calls finished", r.Failures, r.Panics, r.LogErrors, r.CallsFinished, r.CallsStarted)
	}
	if r.CallsCrossed == 0 {
		t.Error("no 8x8 call was in progress across a change: the version pinning was not exercised")
	}
	if r.InvalidKept == 0 || r.CallsFallback == 0 || r.TencentFallbacks == 0 {
		t.Errorf("changes not exercised: %d invalid edits checked, %d fallback calls, %d tencent fallbacks", r.InvalidKept, r.CallsFallback, r.TencentFallbacks)
	}
}
