package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
