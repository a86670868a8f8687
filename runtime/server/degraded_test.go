package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/degrade/degradetest"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/server"
	"github.com/callflow/callflow/runtime/tencent"
)

// degradedRig is a server whose engine keeps calls in a guarded shared
// store that fails on demand.
type degradedRig struct {
	store *degradetest.Store
	guard *degrade.Guard
	srv   *server.Server
	log   *syncBuffer
}

func newDegradedRig(t *testing.T) *degradedRig {
	t.Helper()
	prog, ds := lang.CompileDir(os.DirFS("../../flows"), lang.WithPlaceholderSecrets())
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	r := &degradedRig{store: degradetest.New(), log: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(r.log, nil))
	m := server.NewMetrics()
	r.guard = degrade.New(degrade.WithLogger(logger), degrade.WithObserver(m))
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithLogger(logger),
		runtime.WithClock(func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }),
		runtime.WithHTTPClient(&http.Client{Transport: crmStub{}}), runtime.WithUnguardedLookups(),
		runtime.WithStore(r.guard.Sessions(r.store)))
	if err != nil {
		t.Fatal(err)
	}
	if r.srv, err = server.New(eng, server.WithMetrics(m), server.WithStoreGuard(r.guard), server.WithLogger(logger)); err != nil {
		t.Fatal(err)
	}
	return r
}

// crmStub answers every lookup: not a VIP.
type crmStub struct{}

func (crmStub) RoundTrip(req *http.Request) (*http.Response, error) {
	body := `{"vip":false,"name":""}`
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

// do serves one request and returns its answer and how long it took.
func (r *degradedRig) do(method, path string, body []byte) (*httptest.ResponseRecorder, time.Duration) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	start := time.Now()
	r.srv.ServeHTTP(w, req)
	return w, time.Since(start)
}

func (r *degradedRig) status(t *testing.T) map[string]any {
	t.Helper()
	w, _ := r.do(http.MethodGet, "/v1/status", nil)
	var st map[string]any
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &st) != nil {
		t.Fatalf("/v1/status: %d %s", w.Code, w.Body)
	}
	return st
}

func (r *degradedRig) metrics(t *testing.T) string {
	t.Helper()
	w, _ := r.do(http.MethodGet, "/metrics", nil)
	return w.Body.String()
}

func boundCall(t *testing.T, session string) []byte {
	t.Helper()
	body, err := tencent.New().Webhook(platform.Call{Session: session, Caller: "+8613166668888", Callee: "+8675566668888",
		Bound: platform.Bound{IVRID: 5}})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// TestDegradedModeShows: while the shared store refuses connections the
// server keeps answering webhooks with their flow, /readyz stays 200,
// /v1/status and the metrics say it is degraded and why, and both say when
// it is back.
func TestDegradedModeShows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDegradedRig(t)
		if st := r.status(t); st["status"] != "ok" || st["store"].(map[string]any)["breaker"] != "closed" {
			t.Fatalf("status before the outage: %v", st)
		}
		healthy, _ := r.do(http.MethodPost, "/hooks/tencent", boundCall(t, "before"))

		r.store.Set(degradetest.Refused)
		for i := range 5 {
			w, took := r.do(http.MethodPost, "/hooks/tencent", boundCall(t, "during-"+string(rune('a'+i))))
			if w.Code != http.StatusOK || w.Body.String() != healthy.Body.String() || took > 3*time.Second {
				t.Fatalf("tencent webhook while the store refuses: %d %s after %v; want the flow's answer %s", w.Code, w.Body, took, healthy.Body)
			}
		}
		if w, _ := r.do(http.MethodGet, "/readyz", nil); w.Code != http.StatusOK {
			t.Fatalf("/readyz while degraded: %d %s", w.Code, w.Body)
		}
		st := r.status(t)
		store := st["store"].(map[string]any)
		if st["status"] != "degraded" || st["ready"] != true || store["shared"] != true || store["degraded"] != true ||
			store["breaker"] != "open" || !strings.Contains(store["last_error"].(string), "connection refused") {
			t.Fatalf("/v1/status while degraded: %v", st)
		}
		m := r.metrics(t)
		for _, want := range []string{
			`callflow_store_breaker_state{state="open"} 1`,
			`callflow_store_breaker_state{state="closed"} 0`,
			`callflow_store_errors_total{operation="claim"} 3`,
			`callflow_degraded_answers_total{reason="unreachable"} 5`,
		} {
			if !strings.Contains(m, want) {
				t.Errorf("the metrics lack %s", want)
			}
		}
		if !regexp.MustCompile(`callflow_store_operation_duration_seconds_count\{operation="claim"\} [1-9]`).MatchString(m) {
			t.Error("store operations are not timed")
		}
		if n := len(r.log.lines(t, "shared store unavailable: serving degraded; new calls keep their sessions and answers in this process, and calls held only in the store get the safe fallback, until a probe succeeds")); n != 1 {
			t.Fatalf("degraded mode logged %d times, want once:\n%s", n, r.log)
		}

		r.store.Set(degradetest.Healthy)
		time.Sleep(degrade.DefaultPause + time.Millisecond) // the bubble's clock
		r.do(http.MethodPost, "/hooks/tencent", boundCall(t, "after"))
		if st := r.status(t); st["status"] != "ok" || st["store"].(map[string]any)["breaker"] != "closed" {
			t.Fatalf("status after the store came back: %v", st)
		}
		if m := r.metrics(t); !strings.Contains(m, `callflow_store_breaker_state{state="closed"} 1`) {
			t.Error("the breaker's gauge did not go back to closed")
		}
	})
}

// TestTencentKeepsBoundRouteWhenStoreHangs: a store that never answers
// costs a tencent webhook its claim, not its answer: the bound route is
// kept, within the budget.
func TestTencentKeepsBoundRouteWhenStoreHangs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDegradedRig(t)
		r.store.Set(degradetest.Hanging)
		body := boundCall(t, "hang")
		w, took := r.do(http.MethodPost, "/hooks/tencent", body)
		ev, err := tencent.New().Decode(body, nil)
		if err != nil {
			t.Fatal(err)
		}
		kept := tencent.New().Fallback(ev, platform.FallbackOptions{})
		if w.Code != http.StatusOK || w.Body.String() != string(kept.Body) || took > 3*time.Second {
			t.Fatalf("tencent webhook on a hanging store: %d %s after %v; want the bound route kept (%s) within 3s", w.Code, w.Body, took, kept.Body)
		}
	})
}

// TestStatusWithoutSharedStore: one replica keeps its calls in memory.
func TestStatusWithoutSharedStore(t *testing.T) {
	eng, err := runtime.New()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(eng)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/status", nil))
	if w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != `{"status":"ok","ready":true,"store":{"shared":false}}` {
		t.Fatalf("/v1/status: %d %s", w.Code, w.Body)
	}
	srv.Drain()
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/status", nil))
	if !strings.Contains(w.Body.String(), `"status":"draining","ready":false`) {
		t.Fatalf("/v1/status while draining: %s", w.Body)
	}
}
