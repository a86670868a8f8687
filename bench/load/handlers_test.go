package load

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkP3Handlers is P3's two handlers without the webhook's network:
// 16 workers, as P3's connections, each sending tencent webhooks one after
// the other straight into serve's handler or the bare one, each looking
// the caller up in the loopback CRM. Its ns/op
// and allocs/op are the handlers' own cost per webhook, the part of P3's
// gap that is serve's code rather than the load; cpu-ns/op is the
// process's CPU time per webhook (the CRM's answer included), which a
// machine loaded by other work inflates far less than ns/op.
func BenchmarkP3Handlers(b *testing.B) {
	for _, side := range startP3Handlers(b) {
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0))) // P3's 16 connections
			cpu0 := processCPU(b)
			defer func() { b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op") }()
			b.RunParallel(func(pb *testing.PB) {
				w := side.worker()
				for pb.Next() {
					if !w.send(b) {
						return
					}
				}
			})
		})
	}
}

// BenchmarkP3HandlersRatio is BenchmarkP3Handlers' two handlers in one
// run: rounds of p3Round webhooks from 16 workers, serve's handler, the
// bare one, the bare one, serve's (ABBA) and so on, each round timed by
// the process's CPU, b.N webhooks a side. Other work that loads the
// machine differently during BenchmarkP3Handlers' two sub-benchmarks
// moves both sides' figures alike here: serve-cpu-ns/op and
// bare-cpu-ns/op are each side's CPU per webhook, cpu-ratio serve's over
// the bare one's (ns/op is the time of two webhooks, one a side). With
// -cpuprofile, each side's samples carry the label part=serve or
// part=bare, its lookup client's connection loops included (the CRM's
// are part=crm).
func BenchmarkP3HandlersRatio(b *testing.B) {
	sides := startP3Handlers(b)
	var cpu [2]time.Duration
	var done [2]int
	b.ResetTimer()
	for r := 0; done[0] < b.N || done[1] < b.N; r++ {
		i := 0 // serve in rounds 0, 3, 4, 7, …; bare in 1, 2, 5, 6, …
		if r%4 == 1 || r%4 == 2 {
			i = 1
		}
		n := min(p3Round, b.N-done[i])
		if n <= 0 {
			continue
		}
		cpu0 := processCPU(b)
		if !sides[i].round(b, n) {
			return
		}
		cpu[i] += processCPU(b) - cpu0
		done[i] += n
	}
	serve, bare := float64(cpu[0])/float64(b.N), float64(cpu[1])/float64(b.N)
	b.ReportMetric(serve, "serve-cpu-ns/op")
	b.ReportMetric(bare, "bare-cpu-ns/op")
	b.ReportMetric(serve/bare, "cpu-ratio")
}

// p3Round is how many webhooks a round of BenchmarkP3HandlersRatio sends
// to one side: long enough (about a tenth of a second) for the process's
// CPU clock to time it well, short enough for many rounds a run.
const p3Round = 1000

// handlerSide is one of P3's handlers, called without the network.
type handlerSide struct {
	name, path string
	h          http.Handler
	tmpl       tencentTemplate
}

// startP3Handlers starts the CRM, serve's stack on reception.flow and the
// bare handler, stopped when b ends: serve first, bare second.
func startP3Handlers(b *testing.B) []*handlerSide {
	crm, err := StartCRM()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { crm.Close() })
	reception, vips, err := receptionFlow(flowsDir, crm.URL)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := writeFile(filepath.Join(dir, "reception.flow"), reception); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vips.csv"), vips, 0o644); err != nil {
		b.Fatal(err)
	}
	stack, err := StartStack(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stack.Close() })
	bare, err := StartBare(crm.URL, vips)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bare.Close() })
	tmpl := newTencentTemplate(Caller, ReceptionNumber)
	return []*handlerSide{{"serve", "/hooks/tencent", stack.hs.Handler, tmpl}, {"bare", "/", bare.hs.Handler, tmpl}}
}

// handlerWorker sends one side's webhooks, each of a session of its own.
type handlerWorker struct {
	side *handlerSide
	id   int // distinct over all runs: no webhook is answered from the retry cache
	n    int
	body []byte
}

// worker returns a new worker of side s.
func (s *handlerSide) worker() *handlerWorker {
	return &handlerWorker{side: s, id: int(handlerWorkers.Add(1))}
}

// send sends one webhook and checks it is answered; false (and b.Error)
// when it is not.
func (w *handlerWorker) send(b *testing.B) bool {
	s := w.side
	w.body = s.tmpl.body(w.body, "h-"+s.name+"-", w.id, w.n)
	w.n++
	r := httptest.NewRequest(http.MethodPost, s.path, bytes.NewReader(w.body))
	r.Header["Content-Type"] = hdrJSON
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		b.Errorf("%s: %d %s", s.name, rec.Code, rec.Body)
		return false
	}
	return true
}

// round sends n webhooks from 16 workers, as P3's connections; false when
// one was not answered.
func (s *handlerSide) round(b *testing.B, n int) bool {
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range 16 {
		w := s.worker()
		wg.Go(func() {
			labelled(s.name, func() { // and so are the lookup client's connection loops it starts
				for next.Add(1) <= int64(n) {
					if !w.send(b) {
						failed.Store(true)
						return
					}
				}
			})
		})
	}
	wg.Wait()
	return !failed.Load()
}

// handlerWorkers numbers the workers over all runs.
var handlerWorkers atomic.Int64
