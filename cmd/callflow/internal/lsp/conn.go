package lsp

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// codec encodes messages with protocol's generated, union-aware codec, as
// protocol.NewServer does; Serve builds its own connection to choose which
// messages are handled in order.
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	if m, ok := v.(jsonrpc2.RawMessage); ok {
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	}
	return protocol.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// handler is the middleware chain: cancellation, then requests released to
// run concurrently while notifications (document changes) stay in order on
// the reading goroutine, then recovery, then protocol's dispatch.
func (s *server) handler() jsonrpc2.Handler {
	dispatch := protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler)
	return protocol.CancelHandler(func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.IsCall() {
			s.inflight.Add(1) // done when the answer is written (answered)
			jsonrpc2.Async(ctx)
		}
		return s.recovered(ctx, req, dispatch)
	})
}

// recovered runs next and turns a panic into an empty answer, logged and
// counted: a bug in one feature must not take the editor's server down.
func (s *server) recovered(ctx context.Context, req *jsonrpc2.Request, next jsonrpc2.Handler) (result any, err error) {
	method := req.Method()
	defer func() {
		if r := recover(); r != nil {
			s.panics.Add(1)
			s.log.Error("recovered", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			result, err = nil, nil
		}
	}()
	result, err = next(ctx, req)
	if err != nil {
		s.log.Warn("request failed", "method", method, "err", err)
	}
	return result, err
}

// answered counts requests as answered when their response is written, and
// holds back the end of the client's input until every request read before
// it is: the connection writes nothing once its input has ended, and a
// client that sends its last requests and closes (a script, an editor
// quitting) still gets its answers.
type answered struct {
	jsonrpc2.Stream
	inflight *sync.WaitGroup // Add(1) for each call read, by the handler
}

func (a *answered) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	msg, n, err := a.Stream.Read(ctx)
	if err != nil {
		// Bounded: a client that is gone may never read an answer.
		done := make(chan struct{})
		go func() { a.inflight.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(answerGrace):
		}
	}
	return msg, n, err
}

// answerGrace is how long the end of the input waits for answers.
const answerGrace = 10 * time.Second

func (a *answered) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	n, err := a.Stream.Write(ctx, msg)
	if isResponse(msg) {
		a.inflight.Done()
	}
	return n, err
}

// isResponse reports whether msg answers a request. jsonrpc2 writes its
// answers as an unexported type, so it is told by what it is not.
func isResponse(msg jsonrpc2.Message) bool {
	switch msg.(type) {
	case *jsonrpc2.Response:
		return true
	case *jsonrpc2.Call, *jsonrpc2.Notification:
		return false
	}
	return strings.Contains(fmt.Sprintf("%T", msg), "response")
}
