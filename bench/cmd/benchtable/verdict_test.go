package main

import (
	"strings"
	"testing"
)

// The verdict of each kind of result, from go test -json events as the go
// command writes them.
func TestJudge(t *testing.T) {
	const events = `{"Action":"output","Package":"m/p","Output":"pkg: m/p\n"}
{"Action":"run","Package":"m/p","Test":"BenchmarkA"}
{"Action":"output","Package":"m/p","Test":"BenchmarkA","Output":"BenchmarkA-2 \t 10\t 100 ns/op\t 1.29 ratio\t 1.31 other\n"}
{"Action":"run","Package":"m/p","Test":"BenchmarkS"}
{"Action":"output","Package":"m/p","Test":"BenchmarkS","Output":"    s_test.go:4: redis-server is not installed\n"}
{"Action":"output","Package":"m/p","Test":"BenchmarkS","Output":"--- SKIP: BenchmarkS\n"}
{"Action":"skip","Package":"m/p","Test":"BenchmarkS"}
{"Action":"run","Package":"m/p","Test":"BenchmarkF"}
{"Action":"output","Package":"m/p","Test":"BenchmarkF","Output":"--- FAIL: BenchmarkF\n"}
{"Action":"output","Package":"m/p","Test":"BenchmarkF","Output":"    f_test.go:9: 3 wrong answers\n"}
{"Action":"fail","Package":"m/p","Test":"BenchmarkF"}
{"Action":"run","Package":"m/p","Test":"BenchmarkPanic"}
{"Action":"output","Package":"m/p","Test":"BenchmarkPanic","Output":"panic: runtime error: invalid memory address or nil pointer dereference\n"}
{"Action":"output","Package":"m/p","Test":"BenchmarkPanic","Output":"exit status 2\n"}
{"Action":"output","Package":"m/p","Output":"FAIL\n"}
{"Action":"fail","Package":"m/p"}
{"Action":"run","Package":"m/s","Test":"BenchmarkSub"}
{"Action":"run","Package":"m/s","Test":"BenchmarkSub/big"}
{"Action":"output","Package":"m/s","Test":"BenchmarkSub/big","Output":"BenchmarkSub/big-2 \t 1\t 120000000 ns/op\n"}
{"Action":"pass","Package":"m/s"}
{"ImportPath":"m/q [m/q.test]","Action":"build-output","Output":"q/q_test.go:3:1: syntax error: non-declaration statement outside function body\n"}
{"ImportPath":"m/q [m/q.test]","Action":"build-fail"}
{"Action":"start","Package":"m/q"}
{"Action":"output","Package":"m/q","Output":"FAIL\tm/q [build failed]\n"}
{"Action":"fail","Package":"m/q"}
`
	rs := NewResults("m")
	if err := rs.Read(strings.NewReader(events), &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		fig     Figure
		verdict Verdict
		note    string
	}{
		{Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "ratio", Cmp: AtMost, Target: 1.3}, Holds, ""},
		{Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "ratio", Cmp: AtMost, Target: 1.2}, Misses, ""},
		{Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "ratio", Cmp: AtLeast, Target: 1.29}, Holds, ""},
		{Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "ns/op", Cmp: AtMost, Target: 99}, Misses, ""},
		{Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "peak", Cmp: AtMost, Target: 1}, NotMeasured, `BenchmarkA reports no metric "peak" (it reports ns/op, other, ratio)`},
		{Figure{Pkg: "p", Bench: "BenchmarkS", Metric: "ratio", Cmp: AtMost, Target: 1}, NotMeasured, "BenchmarkS skipped: s_test.go:4: redis-server is not installed"},
		{Figure{Pkg: "p", Bench: "BenchmarkF", Metric: "ratio", Cmp: AtMost, Target: 1}, Misses, "BenchmarkF failed: f_test.go:9: 3 wrong answers"},
		{Figure{Pkg: "s", Bench: "BenchmarkSub/big", Metric: "ns/op", Cmp: AtMost, Target: 100e6}, Misses, ""},
		{Figure{Pkg: "s", Bench: "BenchmarkSub/small", Metric: "ns/op", Cmp: AtMost, Target: 1}, NotMeasured, "BenchmarkSub/small reported no result"},
		{Figure{Pkg: "p", Bench: "BenchmarkPanic", Metric: "ratio", Cmp: AtMost, Target: 1}, Misses, "BenchmarkPanic failed: panic: runtime error: invalid memory address or nil pointer dereference"},
		{Figure{Pkg: "p", Bench: "BenchmarkGone", Metric: "ratio", Cmp: AtMost, Target: 1}, Misses, "go test ./p failed"},
		{Figure{Pkg: "q", Bench: "BenchmarkQ", Metric: "ratio", Cmp: AtMost, Target: 1}, Misses, "go test ./q failed: q/q_test.go:3:1: syntax error: non-declaration statement outside function body"},
		{Figure{Pkg: "r", Bench: "BenchmarkR", Metric: "ratio", Cmp: AtMost, Target: 1}, NotMeasured, "no BenchmarkR ran in ./r"},
	} {
		row := judge(c.fig, rs)
		if row.Verdict != c.verdict || row.Note != c.note {
			t.Errorf("%s %s %s %g: %s %q, want %s %q", c.fig.Bench, c.fig.Metric, c.fig.Cmp, c.fig.Target, row.Verdict, row.Note, c.verdict, c.note)
		}
	}
}

// With several runs the median is judged, and runs on both sides of the
// target are said to disagree.
func TestJudgeSpread(t *testing.T) {
	rs := NewResults("m")
	rs.values[benchKey{"p", "BenchmarkA"}] = map[string][]float64{"ratio": {1.4, 1.2, 1.25}, "x": {3, 1, 2}}
	row := judge(Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "ratio", Cmp: AtMost, Target: 1.3}, rs)
	if row.Verdict != Holds || row.Median() != 1.25 || row.Note != "the runs disagree: the spread crosses the target" {
		t.Errorf("1.2, 1.25, 1.4 against ≤ 1.3: %s, median %g, %q", row.Verdict, row.Median(), row.Note)
	}
	row = judge(Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "x", Cmp: AtLeast, Target: 1}, rs)
	if row.Verdict != Holds || row.Median() != 2 || row.Note != "" {
		t.Errorf("1, 2, 3 against ≥ 1: %s, median %g, %q", row.Verdict, row.Median(), row.Note)
	}
	rs.values[benchKey{"p", "BenchmarkA"}]["ratio"] = []float64{1.2, 1.5}
	if row := judge(Figure{Pkg: "p", Bench: "BenchmarkA", Metric: "ratio", Cmp: AtMost, Target: 1.3}, rs); row.Median() != 1.35 || row.Verdict != Misses {
		t.Errorf("1.2, 1.5 against ≤ 1.3: median %g %s, want 1.35 ✗", row.Median(), row.Verdict)
	}
}

func TestUnitFormat(t *testing.T) {
	for _, c := range []struct {
		u    Unit
		v    float64
		want string
	}{
		{times, 1.3, "1.30×"},
		{times, 0.8532, "0.853×"},
		{times, 12.61, "12.6×"},
		{count, 2, "2"},
		{count, 0, "0"},
		{micros, 5123, "5.12 µs"},
		{nanoMillis, 7676005671, "7676 ms"},
		{kib, 1400, "1.37 KiB"},
		{kib, 3 << 10, "3 KiB"},
		{perInput, 10 << 20, "10× input"},
		{perInput, 61.5 * (1 << 20), "61.5× input"},
	} {
		if got := c.u.Format(c.v); got != c.want {
			t.Errorf("%v.Format(%g) = %q, want %q", c.u, c.v, got, c.want)
		}
	}
}

func TestUnitFormatTarget(t *testing.T) {
	for _, c := range []struct {
		u    Unit
		v    float64
		want string
	}{
		{times, 1.3, "1.3×"},
		{times, 0.9, "0.9×"},
		{micros, 10_000, "10 µs"},
		{nanoMillis, 100e6, "100 ms"},
		{kib, 3 << 10, "3 KiB"},
		{perInput, 10 << 20, "10× input"},
		{count, 0, "0"},
	} {
		if got := c.u.FormatTarget(c.v); got != c.want {
			t.Errorf("%v.FormatTarget(%g) = %q, want %q", c.u, c.v, got, c.want)
		}
	}
}
