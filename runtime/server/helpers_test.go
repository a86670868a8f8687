package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/callflow/callflow/runtime/internal/logbuf"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/reload"
	"github.com/callflow/callflow/runtime/server"
)

// syncBuffer is a log destination the server writes from its goroutines.
type syncBuffer struct{ logbuf.Buffer }

// lines decodes the JSON log lines whose msg is msg.
func (s *syncBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// tencentFlow answers number on tencent with agent, the version marker of
// the reload tests.
func tencentFlow(name, number string, agent int) string {
	return fmt.Sprintf("flow %s\n\ntarget tencent\nnumber %q\n\notherwise -> main\n\nhandler main {\n  agent %d\n}\n", name, number, agent)
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stack is the real thing on loopback: engine, watcher of a folder and
// server.
type stack struct {
	t       *testing.T
	dir     string
	url     string
	eng     *runtime.Engine
	w       *reload.Watcher
	logs    *syncBuffer
	events  chan reload.Event
	reloads atomic.Int64
	session atomic.Int64
}

func newStack(t *testing.T, dir string, opts ...reload.Option) *stack {
	t.Helper()
	s := &stack{t: t, dir: dir, logs: &syncBuffer{}, events: make(chan reload.Event, 4096)}
	logger := slog.New(slog.NewJSONHandler(s.logs, nil))
	m := server.NewMetrics()
	eng, err := runtime.New(runtime.WithLookupObserver(m.ObserveLookup), runtime.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	s.eng = eng
	opts = append([]reload.Option{
		reload.OnReload(m.ObserveReload),
		reload.OnReload(func(ev reload.Event) {
			s.reloads.Add(1)
			select {
			case s.events <- ev:
			default: // the waiter is behind on events already; it wakes anyway
			}
		}),
		reload.WithLogger(logger),
	}, opts...)
	w, err := reload.New(dir, eng, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s.w = w
	srv, err := server.New(eng, server.WithFlows(w), server.WithMetrics(m), server.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	s.url = ts.URL
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		ts.Close()
	})
	select {
	case <-w.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the flows did not load")
	}
	return s
}

// until waits, reload by reload, for cond to hold; cond may send webhooks.
func (s *stack) until(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-s.events:
		case <-deadline:
			s.t.Fatalf("timed out waiting for %s; flows: %+v", what, s.w.Status().Flows)
		}
	}
}

// tencentAnswer is Tencent's answer as the tests read it.
type tencentAnswer struct {
	CallInBound struct {
		OverrideAIAgentId int64
		OverrideIvrId     int64
	}
}

// boundIVR is the IVR the test webhooks' number is bound to: the answer
// when no flow takes the call (the safe fallback keeps the bound route).
const boundIVR = 7

// tencent sends a new call to callee and returns the agent it was sent to,
// or 0 when the fallback kept the bound IVR. Anything else fails the test.
func (s *stack) tencent(callee string) int64 {
	s.t.Helper()
	a, err := s.tryTencent(callee)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

func (s *stack) tryTencent(callee string) (int64, error) {
	body := fmt.Sprintf(`{"Event":"CallInBound","SessionId":"s-%d","SdkAppId":1400000000,"CallInBound":{"AIAgentId":0,"IvrId":%d,"Caller":"+8613066668888","Callee":%q}}`,
		s.session.Add(1), boundIVR, callee)
	status, out, err := post(s.url+"/hooks/tencent", "application/json", body, nil)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("status %d: %s", status, out)
	}
	var a tencentAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		return 0, fmt.Errorf("malformed answer %q: %v", out, err)
	}
	c := a.CallInBound
	switch {
	case c.OverrideAIAgentId > 0 && c.OverrideIvrId == 0:
		return c.OverrideAIAgentId, nil
	case c.OverrideAIAgentId == 0 && c.OverrideIvrId == boundIVR:
		return 0, nil
	}
	return 0, fmt.Errorf("unexpected answer %s", out)
}

// agent waits until callee's calls go to agent want (0: the fallback).
func (s *stack) agent(callee string, want int64) {
	s.t.Helper()
	s.until(fmt.Sprintf("calls to %s to reach agent %d", callee, want), func() bool { return s.tencent(callee) == want })
}

// traffic sends webhooks to the callees without pause until stopped, and
// fails the test on any answer that is not a well-formed Tencent answer.
func (s *stack) traffic(callees ...string) (stop func() int) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var n atomic.Int64
	errs := make(chan error, 1)
	// first is done once every caller has had its first webhook answered
	// (or refused): traffic returns only then, so the change the test
	// makes next always meets traffic already flowing, however late a
	// loaded machine schedules the callers.
	var first sync.WaitGroup
	first.Add(len(callees))
	for _, c := range callees {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				_, err := s.tryTencent(c)
				if i == 0 {
					first.Done()
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
				n.Add(1)
			}
		})
	}
	first.Wait()
	return func() int {
		cancel()
		wg.Wait()
		select {
		case err := <-errs:
			s.t.Errorf("a webhook during the reload: %v", err)
		default:
		}
		return int(n.Load())
	}
}

func (s *stack) flow(file string) reload.FlowStatus {
	var st reload.Status
	if err := getJSON(s.url+"/v1/flows", &st); err != nil {
		s.t.Fatal(err)
	}
	for _, f := range st.Flows {
		if f.File == file {
			return f
		}
	}
	return reload.FlowStatus{}
}

var client = &http.Client{Timeout: 10 * time.Second}

func post(url, contentType, body string, header http.Header) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

func getJSON(url string, v any) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// compile compiles flows given as file name → source.
func compile(t *testing.T, files map[string]string) *ir.Program {
	t.Helper()
	fsys := fstest.MapFS{}
	var paths []string
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
		if strings.HasSuffix(name, ".flow") {
			paths = append(paths, name)
		}
	}
	prog, ds := lang.CompileFiles(fsys, paths)
	if ds.HasErrors() {
		t.Fatalf("the test flows do not compile: %v", ds)
	}
	return prog
}
