package load

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
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
	crm, err := StartCRM()
	if err != nil {
		b.Fatal(err)
	}
	defer crm.Close()
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
	defer stack.Close()
	bare, err := StartBare(crm.URL, vips)
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	tmpl := newTencentTemplate(Caller, ReceptionNumber)
	for _, side := range []struct {
		name, path string
		h          http.Handler
	}{{"serve", "/hooks/tencent", stack.hs.Handler}, {"bare", "/", bare.hs.Handler}} {
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0))) // P3's 16 connections
			cpu0 := processCPU(b)
			defer func() { b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op") }()
			b.RunParallel(func(pb *testing.PB) {
				w := int(handlerWorkers.Add(1)) // distinct SessionIds in every run: none is answered from the retry cache
				var body []byte
				for i := 0; pb.Next(); i++ {
					body = tmpl.body(body, "h-"+side.name+"-", w, i)
					r := httptest.NewRequest(http.MethodPost, side.path, bytes.NewReader(body))
					r.Header["Content-Type"] = hdrJSON
					rec := httptest.NewRecorder()
					side.h.ServeHTTP(rec, r)
					if rec.Code != http.StatusOK {
						b.Errorf("%d %s", rec.Code, rec.Body)
						return
					}
				}
			})
		})
	}
}

// handlerWorkers numbers BenchmarkP3Handlers' workers over all its runs.
var handlerWorkers atomic.Int64
