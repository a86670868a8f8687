package load

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

// P3's targets (quality.md, second round): serve's requests per second at
// least P3MinRatio of the bare handler's, its p99 at most P3MaxP99Ratio of
// the bare handler's.
const (
	P3MinRatio    = 0.9
	P3MaxP99Ratio = 1.2
)

// FormatP3 is P3 as a table.
func FormatP3(r *P3Result) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "P3\tside\trequests\ttime\treq/s\tp50\tp99\tmax\terrors\tlookups\tlookups failed\t\n")
	for _, s := range []struct {
		name string
		r    SideResult
	}{{"callflow serve", r.Server}, {"bare net/http", r.Bare}} {
		fmt.Fprintf(tw, "\t%s\t%d\t%s\t%.0f\t%s\t%s\t%s\t%d\t%d\t%d\t\n", s.name, s.r.Requests, s.r.Elapsed.Round(time.Millisecond),
			s.r.RPS, fmtDur(s.r.P50), fmtDur(s.r.P99), fmtDur(s.r.Max), s.r.Errors, s.r.Lookups, s.r.LookupsFailed)
	}
	tw.Flush()
	verdict, p99Verdict := "PASS", "PASS"
	if r.Ratio < P3MinRatio {
		verdict = "FAIL"
	}
	if r.P99Ratio > P3MaxP99Ratio {
		p99Verdict = "FAIL"
	}
	fmt.Fprintf(&b, "P3 ratio serve/bare = %.3f (target ≥ %.1f: %s); p99 serve/bare = %.3f (target ≤ %.1f: %s)\n", r.Ratio, P3MinRatio, verdict, r.P99Ratio, P3MaxP99Ratio, p99Verdict)
	fmt.Fprintf(&b, "%d connections, %d stretches per side (ABBA), %d retry-cache hits, %d CRM lookups over %d connections, %d panics, %d error log lines\n",
		r.Conns, r.Rounds, r.Duplicates, r.CRMRequests, r.CRMConns, r.Panics, r.LogErrors)
	for _, e := range append(r.Server.FirstErrors, r.Bare.FirstErrors...) {
		fmt.Fprintf(&b, "  error: %s\n", e)
	}
	return b.String()
}

// FormatP5 is P5 as a table.
func FormatP5(r *P5Result) string {
	var b strings.Builder
	verdict := "PASS"
	if r.P99 > 300*time.Millisecond || r.Failures > 0 {
		verdict = "FAIL"
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "P5\treloads\tp50\tp99\tmax\tfailures\tpolls\treload work p50\treload work p99\t\n")
	fmt.Fprintf(tw, "\t%d\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t\n", r.N, fmtDur(r.P50), fmtDur(r.P99), fmtDur(r.Max), r.Failures, r.Polls, fmtDur(r.ReloadP50), fmtDur(r.ReloadP99))
	tw.Flush()
	fmt.Fprintf(&b, "P5 write → new version answering: p99 %s (target ≤ 300 ms: %s); the rest of each figure is the watcher's 100 ms debounce\n", fmtDur(r.P99), verdict)
	for _, e := range r.FirstErrors {
		fmt.Fprintf(&b, "  error: %s\n", e)
	}
	return b.String()
}

// FormatR1 is R1 as a table.
func FormatR1(r *R1Result) string {
	var b strings.Builder
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "R1\ttime\twebhooks\ttencent\t8x8\treq/s\tcalls\tfinished\tcrossed a change\tfallback calls\ttencent fallbacks\t\n")
	fmt.Fprintf(tw, "\t%s\t%d\t%d\t%d\t%.0f\t%d\t%d\t%d\t%d\t%d\t\n", r.Elapsed.Round(time.Millisecond), r.Webhooks, r.Tencent, r.EightX8,
		float64(r.Webhooks)/r.Elapsed.Seconds(), r.CallsStarted, r.CallsFinished, r.CallsCrossed, r.CallsFallback, r.TencentFallbacks)
	tw.Flush()
	total := 0
	var ops []string
	for name, n := range r.Rewrites {
		total += n
		ops = append(ops, fmt.Sprintf("%s %d", name, n))
	}
	slices.Sort(ops)
	fmt.Fprintf(&b, "R1 changes: %d (%s); %d reloads; %d invalid edits kept the last good version serving\n", total, strings.Join(ops, ", "), r.Reloads, r.InvalidKept)
	fmt.Fprintf(&b, "R1 change to new state answering, under load: p50 %s, p99 %s, max %s (n=%d)\n",
		fmtDur(r.ChangeLatency.Percentile(50)), fmtDur(r.ChangeLatency.Percentile(99)), fmtDur(r.ChangeLatency.Max()), len(r.ChangeLatency))
	fmt.Fprintf(&b, "R1 failed or malformed answers: %d; panics: %d; error log lines: %d; failed lookups: %d (%s)\n",
		r.Failures, r.Panics, r.LogErrors, r.LookupsFailed, verdict)
	for _, e := range r.FirstFailures {
		fmt.Fprintf(&b, "  failure: %s\n", e)
	}
	for _, e := range r.ErrorSamples {
		fmt.Fprintf(&b, "  error log: %s\n", e)
	}
	return b.String()
}

// OK reports whether R1 met its target: no failed or malformed answer, no
// panic, no error logged, every call finished on its version, and the load
// actually ran.
func (r *R1Result) OK() bool {
	return r.Failures == 0 && r.Panics == 0 && r.LogErrors == 0 && r.CallsStarted == r.CallsFinished && r.Webhooks > 0
}
