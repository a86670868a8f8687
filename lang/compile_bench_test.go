package lang_test

import (
	"os"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/internal/gen"
)

// BenchmarkCompileShipped is parse and check of the example flows.
func BenchmarkCompileShipped(b *testing.B) {
	fsys := os.DirFS("../flows")
	for b.Loop() {
		if _, ds := lang.CompileDir(fsys); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

// BenchmarkP4 is figure P4 of quality.md: a generated 1 MiB flow set
// compiles in at most 1 s, and ten times the input takes at most twelve
// times as long. Each iteration compiles both sizes, so the ratio is
// measured in one run and the machine's noise cancels out.
func BenchmarkP4(b *testing.B) {
	small, nSmall := gen.FlowSet(1 << 20)
	large, _ := gen.FlowSet(10 << 20)
	var tSmall, tLarge time.Duration
	for b.Loop() {
		t0 := time.Now()
		prog, ds := lang.CompileDir(small)
		tSmall += time.Since(t0)
		if ds.HasErrors() || len(prog.Flows) != nSmall {
			b.Fatalf("1 MiB set: %d flows, %v", len(prog.Flows), ds)
		}
		t0 = time.Now()
		if _, ds := lang.CompileDir(large); ds.HasErrors() {
			b.Fatal(ds)
		}
		tLarge += time.Since(t0)
	}
	n := float64(b.N)
	b.ReportMetric(tSmall.Seconds()/n, "s/1MiB")
	b.ReportMetric(tLarge.Seconds()/n, "s/10MiB")
	b.ReportMetric(float64(tLarge)/float64(tSmall), "ratio-10x")
}
