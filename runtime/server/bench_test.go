package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/server"
)

// BenchmarkTencentWebhook is one Tencent webhook through the whole handler
// (routing, body limit, engine, log line, metrics), without the network;
// BenchmarkTencentEngine is the engine alone, for the handler's overhead.
func BenchmarkTencentWebhook(b *testing.B) {
	eng, err := runtime.New(runtime.WithFlows(compile(&testing.T{}, testFlows)))
	if err != nil {
		b.Fatal(err)
	}
	srv, _ := server.New(eng)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := fmt.Sprintf(tencentCall, "bench-"+strconv.Itoa(i))
		req := httptest.NewRequest(http.MethodPost, "/hooks/tencent", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkTencentEngine(b *testing.B) {
	eng, err := runtime.New(runtime.WithFlows(compile(&testing.T{}, testFlows)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := fmt.Sprintf(tencentCall, "bench-"+strconv.Itoa(i))
		r := strings.NewReader(body)
		data, _ := io.ReadAll(r)
		res, _ := eng.Serve(b.Context(), &runtime.Request{Platform: "tencent", Body: data})
		if res.Reply.Status != 200 {
			b.Fatal(res.Reply.Status)
		}
	}
}
