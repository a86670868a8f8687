package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/server"
)

// TestWebhookLineSource: the webhook line carries its source as
// Logger.LogAttrs would give it, for a handler with AddSource: the server's
// function that logs it, in webhook.go, on every webhook, not only the
// first.
func TestWebhookLineSource(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{AddSource: true}))
	eng, err := runtime.New(runtime.WithFlows(compile(t, testFlows)))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(eng, server.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		req := httptest.NewRequest(http.MethodPost, "/hooks/tencent", strings.NewReader(fmt.Sprintf(tencentCall, fmt.Sprint("source-", i))))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	n := 0
	for line := range strings.Lines(buf.String()) {
		var rec struct {
			Msg    string
			Source struct {
				Function, File string
				Line           int
			}
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if rec.Msg != "webhook" {
			continue
		}
		n++
		if s := rec.Source; !strings.HasSuffix(s.Function, "server.(*Server).logHook") || !strings.HasSuffix(s.File, "/runtime/server/webhook.go") || s.Line <= 0 {
			t.Errorf("the webhook line's source is %+v, want logHook in runtime/server/webhook.go", s)
		}
	}
	if n != 3 {
		t.Errorf("%d webhook lines, want 3:\n%s", n, buf.String())
	}
}

// BenchmarkWebhookLineSource is the webhook line through the server's JSON
// handler, interleaved: by Logger.LogAttrs, which finds its caller with
// runtime.Callers on every line, and as logHook hands it to the handler,
// its source found once.
func BenchmarkWebhookLineSource(b *testing.B) {
	log := slog.New(server.NewJSONHandler(io.Discard, nil)).With("component", "http")
	ctx := context.Background()
	attrs := []slog.Attr{slog.String("platform", "tencent"), slog.String("flow", "reception"),
		slog.String("version", "07a9577b131f"), slog.String("session", "bench-00000001"), slog.String("caller", "+*********8888"),
		slog.String("callee", "+*********8888"), slog.String("rule", "reception.flow:14:1"), slog.String("handler", "mainland"),
		slog.String("outcome", "answered"), slog.Int("status", 200), slog.Float64("duration_ms", 0.041)}
	var pcs [1]uintptr
	goruntime.Callers(1, pcs[:])
	var tCallers, tOnce time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		log.LogAttrs(ctx, slog.LevelInfo, "webhook", attrs...)
		t1 := time.Now()
		rec := slog.NewRecord(time.Now(), slog.LevelInfo, "webhook", pcs[0])
		rec.AddAttrs(attrs...)
		_ = log.Handler().Handle(ctx, rec)
		t2 := time.Now()
		tCallers, tOnce = tCallers+t1.Sub(t0), tOnce+t2.Sub(t1)
	}
	b.ReportMetric(float64(tCallers.Nanoseconds())/float64(b.N), "logattrs-ns/line")
	b.ReportMetric(float64(tOnce.Nanoseconds())/float64(b.N), "once-ns/line")
}
