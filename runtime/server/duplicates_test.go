package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/server"
)

// dupServer serves two tencent flows, support (agent 1) and sales (agent
// 2), and a callback flow, logging JSON into logs.
func dupServer(t *testing.T) (*server.Server, *syncBuffer) {
	t.Helper()
	prog := compile(t, map[string]string{
		"support.flow":  tencentFlow("support", "+8675500000001", 1),
		"sales.flow":    tencentFlow("sales", "+8675500000002", 2),
		"reminder.flow": reminderFlow,
	})
	eng, err := runtime.New(runtime.WithFlows(prog))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := server.New(eng, server.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	return srv, logs
}

// serve sends body to path and returns the status and body of the answer;
// the webhook's log line is written when it returns.
func serve(srv http.Handler, path, body string) (int, string) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

const reusedSession = `{"Event":"CallInBound","SessionId":"reused-1","SdkAppId":1400000000,"CallInBound":{"AIAgentId":0,"IvrId":7,"Caller":"+8613800000000","Callee":"+8675500000009"}}`

// A SessionId reused on another flow's route is another delivery: that
// flow answers it. Only a copy on the same route gets the first answer.
// (Duplicates were keyed by platform and id alone: sales answered with
// support's agent.)
func TestReusedIDOnAnotherFlowsRoute(t *testing.T) {
	srv, _ := dupServer(t)
	if _, body := serve(srv, "/hooks/tencent/support", reusedSession); !strings.Contains(body, `"OverrideAIAgentId":1`) {
		t.Fatalf("support answered %s, want agent 1", body)
	}
	if _, body := serve(srv, "/hooks/tencent/sales", reusedSession); !strings.Contains(body, `"OverrideAIAgentId":2`) {
		t.Errorf("the same SessionId on sales' route got %s, want sales' agent 2", body)
	}
	if _, body := serve(srv, "/hooks/tencent/support", reusedSession); !strings.Contains(body, `"OverrideAIAgentId":1`) {
		t.Errorf("a copy on support's route got %s, want support's first answer", body)
	}
}

// A copy answered from the store is logged with the flow, version and
// handler that gave the answer, as the first was. (They were empty.)
func TestDuplicateLogLineNamesWhoAnswered(t *testing.T) {
	srv, logs := dupServer(t)
	serve(srv, "/hooks/tencent/support", reusedSession)
	serve(srv, "/hooks/tencent/support", reusedSession)
	lines := logs.lines(t, "webhook")
	if len(lines) != 2 {
		t.Fatalf("%d webhook lines, want 2:\n%s", len(lines), logs)
	}
	first, dup := lines[0], lines[1]
	if dup["outcome"] != "duplicate" {
		t.Fatalf("the copy's outcome is %v, want duplicate", dup["outcome"])
	}
	for _, k := range []string{"flow", "version", "handler"} {
		if dup[k] == "" || dup[k] != first[k] {
			t.Errorf("the duplicate's %s is %q, want the first answer's %q", k, dup[k], first[k])
		}
	}
}

// A trigger for a flow that is not loaded is answered 404 unknown_flow
// and logged as rejected, like every webhook that is not routable, not as
// a fallback. (It was logged, and counted, as a fallback.)
func TestUnknownFlowIsRejected(t *testing.T) {
	srv, logs := dupServer(t)
	status, body := serve(srv, "/hooks/callback/nosuchflow", `{"id":"t-404","from":"+6591234567","to":"+6561112222","data":{}}`)
	if status != http.StatusNotFound || !strings.Contains(body, "unknown_flow") {
		t.Fatalf("answered %d %s, want 404 unknown_flow", status, body)
	}
	lines := logs.lines(t, "webhook")
	if len(lines) != 1 || lines[0]["outcome"] != "rejected" || lines[0]["flow"] != "nosuchflow" {
		t.Errorf("logged %v, want one line with outcome rejected and flow nosuchflow", lines)
	}
}
