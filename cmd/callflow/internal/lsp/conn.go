package lsp

import (
	"context"
	"fmt"
	"runtime/debug"

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
