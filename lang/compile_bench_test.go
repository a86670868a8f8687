package lang_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/flowgen"
)

// BenchmarkCompileShipped is parse and check of the example flows.
func BenchmarkCompileShipped(b *testing.B) {
	fsys := os.DirFS("../flows")
	for b.Loop() {
		if _, ds := lang.CompileDir(fsys, lang.WithPlaceholderSecrets()); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

// BenchmarkP4 is figure P4 of quality.md: a generated 1 MiB flow set
// compiles in at most 1 s, and ten times the input takes at most twelve
// times as long. Each iteration compiles both sizes, so the ratio is
// measured in one run and the machine's noise cancels out.
func BenchmarkP4(b *testing.B) {
	warm, _ := flowgen.FlowSet(64 << 10)
	lang.CompileDir(warm) // the first compile of a process builds participle's and expr's caches
	var tSmall, tLarge time.Duration
	for b.Loop() {
		tSmall += timeCompile(b, 1<<20)
		tLarge += timeCompile(b, 10<<20)
	}
	n := float64(b.N)
	b.ReportMetric(tSmall.Seconds()/n, "s/1MiB")
	b.ReportMetric(tLarge.Seconds()/n, "s/10MiB")
	b.ReportMetric(float64(tLarge)/float64(tSmall), "ratio-10x")
}

// timeCompile generates a flow set of size bytes and times its compile
// alone; only this set is live, so the garbage collector sees what a real
// compile of that size would give it.
func timeCompile(b *testing.B, size int) time.Duration {
	b.StopTimer()
	fsys, n := flowgen.FlowSet(size)
	runtime.GC()
	b.StartTimer()
	t0 := time.Now()
	prog, ds := lang.CompileDir(fsys)
	took := time.Since(t0)
	if ds.HasErrors() || len(prog.Flows) != n {
		b.Fatalf("%d bytes: %d of %d flows compiled: %v", size, len(prog.Flows), n, ds)
	}
	return took
}
