package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// awaited are metrics a figure declares that its benchmark does not report
// yet: another change adds them. The test fails once the benchmark
// reports one, so the entry is removed then.
var awaited = map[string]bool{}

// TestFiguresNameRealBenchmarks: every figure names a benchmark that
// exists in its package, a sub-benchmark it runs (its name, or each of
// its levels, written in it), and a metric the benchmark reports (b.ReportMetric with
// that unit, or one of go test's own). A benchmark or metric renamed without this table fails here, not
// as a silent "not measured".
func TestFiguresNameRealBenchmarks(t *testing.T) {
	builtin := []string{"ns/op", "B/op", "allocs/op"}
	for _, f := range figures {
		src := testSources(t, filepath.Join("..", "..", "..", filepath.FromSlash(f.Pkg)))
		parent, sub, _ := strings.Cut(f.Bench, "/")
		if !regexp.MustCompile(`func ` + parent + `\(b \*testing\.B\)`).MatchString(src) {
			t.Errorf("%s: no func %s(b *testing.B) in ./%s", f.ID, parent, f.Pkg)
		}
		if sub != "" && !strings.Contains(src, strconv.Quote(sub)) && !allWritten(src, strings.Split(sub, "/")) {
			t.Errorf("%s: %s runs no sub-benchmark %q", f.ID, parent, sub)
		}
		reported := slices.Contains(builtin, f.Metric) || strings.Contains(src, strconv.Quote(f.Metric))
		switch {
		case !reported && !awaited[f.Metric]:
			t.Errorf("%s: ./%s reports no metric %q", f.ID, f.Pkg, f.Metric)
		case reported && awaited[f.Metric]:
			t.Errorf("%s: ./%s reports %q now: remove it from awaited", f.ID, f.Pkg, f.Metric)
		}
	}
}

// allWritten reports whether src writes each of a sub-benchmark's levels
// as a string: b.Run(mode+"/"+size, …) runs "check/1MiB".
func allWritten(src string, levels []string) bool {
	return !slices.ContainsFunc(levels, func(l string) bool { return !strings.Contains(src, strconv.Quote(l)) })
}

// testSources is the text of the _test.go files of the package in dir.
func testSources(t *testing.T, dir string) string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no test files in %s (%v)", dir, err)
	}
	var b strings.Builder
	for _, n := range names {
		src, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(src)
	}
	return b.String()
}

// TestRuns: one go test per package, each benchmark once in its -bench
// pattern (a sub-benchmark's parent), the load package once per run.
func TestRuns(t *testing.T) {
	figs := []Figure{
		{Pkg: "runtime", Bench: "BenchmarkP1"}, {Pkg: "runtime", Bench: "BenchmarkP1"}, {Pkg: "bench/load", Bench: "BenchmarkP3"},
		{Pkg: "x/lsp", Bench: "BenchmarkP10/1MiB"}, {Pkg: "x/lsp", Bench: "BenchmarkP10/shipped"}, {Pkg: "runtime", Bench: "BenchmarkP7"},
	}
	var got []string
	for _, r := range runs(figs) {
		got = append(got, strings.Join(r.args(3), " "))
	}
	want := []string{
		"test -run ^$ -bench ^(BenchmarkP1|BenchmarkP7)$ -benchmem -count 3 -timeout 30m -json ./runtime",
		"test -run ^$ -bench ^(BenchmarkP3)$ -benchmem -count 3 -timeout 30m -json -benchtime 1x ./bench/load",
		"test -run ^$ -bench ^(BenchmarkP10)$ -benchmem -count 3 -timeout 30m -json ./x/lsp",
	}
	if !slices.Equal(got, want) {
		t.Errorf("go test runs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSelectFigures(t *testing.T) {
	got, err := selectFigures(figures, "p3, P10")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.ID)
	}
	if !slices.Equal(ids, []string{"P3", "P3", "P10", "P10", "P10", "P10"}) {
		t.Errorf("-figures p3,P10: %v", ids)
	}
	if _, err := selectFigures(figures, "P1,P11"); err == nil || !strings.Contains(err.Error(), "no figure P11 (there are P1, P2,") {
		t.Errorf("-figures P1,P11: %v, want an error naming P11 and the figures there are", err)
	}
}
