package lang_test

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"testing/fstest"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/flowgen"
)

// BenchmarkP4Memory is the memory half of figure P4 of quality.md: the
// compile of a generated flow set peaks at no more than ten times the
// input. quality.md measured it on `callflow check`, which keeps no
// program; the sub-benchmarks under check/ compile as it does
// (lang.WithoutProgram), and are the figure. Those under program/ compile
// as a server loads flows, keeping the program, whose size is P6's figure
// and TestProgramSize's bound: reported, for what a server needs while it
// loads. Each size is its own sub-benchmark (1 and 10 MiB always, 100 MiB
// unless -short), and reports per MiB of input:
//
//   - peak-B/MiB: the most heap the compile held at once, dead objects not
//     yet swept included — what the process must have, as RSS shows it. A
//     goroutine samples runtime/metrics' /memory/classes/heap/objects:bytes
//     every millisecond while the compile runs; the heap before the compile
//     (the generated input, held by the benchmark) is subtracted. Sampling
//     can only miss a peak, never invent one. With the default GOGC the
//     heap grows to about twice what the last collection found live, so
//     this is near twice live-B/MiB.
//   - live-B/MiB: the most heap a garbage collection found live during the
//     compile (/gc/heap/live:bytes), less the same baseline.
//   - B/MiB: bytes allocated in all, garbage included (churn).
//   - peak-x: peak-B/MiB over one MiB, the figure P4's target (≤ 10) is.
//
// The 100 MiB figures alone, in about a minute each:
//
//	go test -run '^$' -bench 'P4Memory/.*/100MiB' -benchtime 1x ./lang/
func BenchmarkP4Memory(b *testing.B) {
	warm, _ := flowgen.FlowSet(64 << 10)
	lang.CompileDir(warm) // participle's and expr's caches are not the compile's
	sizes := []struct {
		name string
		mib  int
	}{{"1MiB", 1}, {"10MiB", 10}, {"100MiB", 100}}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, mode := range []struct {
		name string
		opts []lang.Option
	}{{"check", []lang.Option{lang.WithoutProgram()}}, {"program", nil}} {
		for _, size := range sizes {
			b.Run(mode.name+"/"+size.name, func(b *testing.B) {
				benchCompileMemory(b, size.mib, mode.opts...)
			})
		}
	}
}

// benchCompileMemory reports BenchmarkP4Memory's figures for a generated
// flow set of mib MiB, compiled with opts.
func benchCompileMemory(b *testing.B, mib int, opts ...lang.Option) {
	fsys, n, input := flowSet(mib << 20)
	keep := len(opts) == 0
	var peak, live, alloc uint64
	for b.Loop() {
		m := measure(func() {
			prog, ds := lang.CompileDir(fsys, opts...)
			if ds.HasErrors() || keep && len(prog.Flows) != n || !keep && prog != nil {
				b.Fatalf("%d MiB: %v", mib, ds)
			}
		})
		peak, live, alloc = max(peak, m.peak), max(live, m.live), alloc+m.alloc
	}
	perMiB := func(v uint64) float64 { return float64(v) / (float64(input) / (1 << 20)) }
	b.ReportMetric(perMiB(peak), "peak-B/MiB")
	b.ReportMetric(perMiB(live), "live-B/MiB")
	b.ReportMetric(perMiB(alloc)/float64(b.N), "B/MiB")
	b.ReportMetric(float64(peak)/float64(input), "peak-x")
}

// flowSet is flowgen.FlowSet of at least size bytes, with the number of
// flows and of bytes it holds.
func flowSet(size int) (fsys fstest.MapFS, flows, bytes int) {
	fsys, flows = flowgen.FlowSet(size)
	for _, f := range fsys {
		bytes += len(f.Data)
	}
	return fsys, flows, bytes
}

// heapUse is what measure found one call to hold and allocate.
type heapUse struct{ peak, live, alloc uint64 }

// measure runs fn with the heap sampled every millisecond (see
// BenchmarkP4Memory), after a collection that leaves only the caller's
// data, which is the baseline subtracted.
func measure(fn func()) heapUse {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/heap/allocs:bytes"},
	}
	read := func() (objects, live, allocs uint64) {
		metrics.Read(samples)
		return samples[0].Value.Uint64(), samples[1].Value.Uint64(), samples[2].Value.Uint64()
	}
	runtime.GC()
	base, _, allocs0 := read()
	var use heapUse
	note := func() uint64 {
		objects, live, allocs := read()
		use.peak = max(use.peak, objects-min(objects, base))
		use.live = max(use.live, live-min(live, base))
		return allocs
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				note()
			}
		}
	}()
	fn()
	close(stop)
	<-done
	use.alloc = note() - allocs0
	return use
}
