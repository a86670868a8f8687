package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
)

// TestResolvedChildrenCountAsTheVectors: the webhook and lookup metrics
// observed through the resolved children read exactly as the same
// observations made with the vectors' WithLabelValues, as before the
// cache: every label combination, the cache label only when set, and
// past maxResolved too.
func TestResolvedChildrenCountAsTheVectors(t *testing.T) {
	cached, plain := NewMetrics(), NewMetrics()
	type webhook struct {
		platform, outcome string
		took              time.Duration
	}
	var hooks []webhook
	var lookups []runtime.LookupEvent
	for i := range 300 {
		p := []string{"tencent", "eightbyeight", "vonage"}[i%3]
		o := []string{"answered", "fallback", "duplicate", "rejected"}[i%4]
		hooks = append(hooks, webhook{p, o, time.Duration(i) * 37 * time.Microsecond})
		lookups = append(lookups, runtime.LookupEvent{Flow: fmt.Sprintf("f%d", i%7), Lookup: []string{"customer", "order"}[i%2],
			Outcome: []string{"ok", "timeout", "error", "given"}[i%4], Cache: []string{"", "hit", "miss"}[i%3], Took: time.Duration(i) * time.Millisecond})
	}
	for range 2 {
		for _, h := range hooks {
			cached.observeWebhook(h.platform, h.outcome, h.took)
			plain.requests.WithLabelValues(h.outcome, h.platform).Inc()
			plain.webhookDur.WithLabelValues(h.platform).Observe(h.took.Seconds())
		}
		for _, ev := range lookups {
			cached.ObserveLookup(ev)
			plain.lookups.WithLabelValues(ev.Flow, ev.Lookup, ev.Outcome).Inc()
			plain.lookupDur.WithLabelValues(ev.Flow, ev.Lookup, ev.Outcome).Observe(ev.Took.Seconds())
			if ev.Cache != "" {
				plain.lookupCache.WithLabelValues(ev.Flow, ev.Lookup, ev.Cache).Inc()
			}
		}
	}
	got, want := callflowMetrics(t, cached), callflowMetrics(t, plain)
	if got != want {
		t.Errorf("the resolved children count otherwise than the vectors:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(got, `callflow_lookup_cache_total{flow="f0",lookup="customer",result="hit"}`) {
		t.Errorf("no lookup cache counts in\n%s", got)
	}
}

// callflowMetrics is the text exposition of m's callflow_ metrics, as
// /metrics serves it.
func callflowMetrics(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", w.Code, w.Body)
	}
	var b strings.Builder
	for line := range strings.Lines(w.Body.String()) {
		if strings.HasPrefix(line, "callflow_") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestResolvedChildrenBounded: past maxResolved keys the cache grows no
// more, and every key still gets its own children.
func TestResolvedChildrenBounded(t *testing.T) {
	var c resolvedChildren[int, int]
	resolved := 0
	for range 2 {
		for k := range maxResolved + 10 {
			if v := c.get(k, func(k int) int { resolved++; return -k }); v != -k {
				t.Fatalf("get(%d) = %d, want %d", k, v, -k)
			}
		}
	}
	if n := len(*c.m.Load()); n != maxResolved {
		t.Errorf("the cache holds %d keys, want %d", n, maxResolved)
	}
	if want := maxResolved + 2*10; resolved != want {
		t.Errorf("resolved %d times, want %d (each cached key once, the others each time)", resolved, want)
	}
}

// TestResolvedChildrenConcurrent: concurrent misses and hits of the same
// keys resolve each key's children to one value (run with -race).
func TestResolvedChildrenConcurrent(t *testing.T) {
	m := NewMetrics()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				m.observeWebhook(fmt.Sprintf("p%d", (g+i)%5), "answered", time.Millisecond)
			}
		})
	}
	wg.Wait()
	got := callflowMetrics(t, m)
	for p := range 5 {
		if line := fmt.Sprintf(`callflow_webhook_requests_total{outcome="answered",platform="p%d"} 320`, p); !strings.Contains(got, line) {
			t.Errorf("want %s in\n%s", line, got)
		}
	}
}

// BenchmarkWebhookMetrics is the metrics of one tencent webhook with one
// lookup, on 16 goroutines: through the vectors' WithLabelValues, as
// before resolvedChildren, and through the resolved children.
func BenchmarkWebhookMetrics(b *testing.B) {
	ev := runtime.LookupEvent{Flow: "reception", Lookup: "customer", Outcome: "ok", Took: 300 * time.Microsecond}
	for _, way := range []struct {
		name    string
		observe func(m *Metrics)
	}{
		{"vectors", func(m *Metrics) {
			m.requests.WithLabelValues("answered", "tencent").Inc()
			m.webhookDur.WithLabelValues("tencent").Observe(0.0008)
			m.lookups.WithLabelValues(ev.Flow, ev.Lookup, ev.Outcome).Inc()
			m.lookupDur.WithLabelValues(ev.Flow, ev.Lookup, ev.Outcome).Observe(ev.Took.Seconds())
		}},
		{"resolved", func(m *Metrics) {
			m.observeWebhook("tencent", "answered", 800*time.Microsecond)
			m.ObserveLookup(ev)
		}},
	} {
		b.Run(way.name, func(b *testing.B) {
			m := NewMetrics()
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					way.observe(m)
				}
			})
		})
	}
}
