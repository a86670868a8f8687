// Package lsp is `callflow lsp`: a Language Server Protocol server for .flow
// files over stdin and stdout. It reuses the compiler — lang.Analyze parses
// and checks, lang/format formats — so an editor shows the same diagnostics,
// with the same codes, spans and hints, as `callflow check`.
//
// Messages are read in order: document changes are applied one after the
// other on the reading goroutine, while requests are answered concurrently
// on the newest text, so a slow request never holds up typing. Diagnostics
// are checked after a short quiet period (debounced) by one worker, which
// also publishes the empty list when a document closes: every publication
// for a document goes through it, so none can overtake a newer one.
//
// go.lsp.dev/protocol and go.lsp.dev/jsonrpc2 carry the protocol; this is
// their one home package.
package lsp

import (
	"context"
	"io"
	"log/slog"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// Option configures Serve.
type Option func(*config)

type config struct {
	log      *slog.Logger
	debounce time.Duration
	now      func() time.Time
	version  string
}

// WithLog writes the server's log (requests that failed, panics recovered,
// check timings) to w.
func WithLog(w io.Writer) Option {
	return func(c *config) { c.log = slog.New(slog.NewTextHandler(w, nil)) }
}

// WithDebounce sets how long a document must stay unchanged before it is
// checked again (default 50ms).
func WithDebounce(d time.Duration) Option { return func(c *config) { c.debounce = d } }

// WithClock sets the clock hover uses to say whether hours are open now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithVersion sets the version the server reports to the client.
func WithVersion(v string) Option { return func(c *config) { c.version = v } }

// Serve answers one client on rw until it sends exit, the stream ends or ctx
// is cancelled.
func Serve(ctx context.Context, rw io.ReadWriteCloser, opts ...Option) error {
	return serve(ctx, rw, nil, opts...)
}

// serve is Serve, handing the server to ready (for tests) once it exists.
func serve(ctx context.Context, rw io.ReadWriteCloser, ready chan<- *server, opts ...Option) error {
	cfg := &config{log: slog.New(slog.DiscardHandler), debounce: 50 * time.Millisecond, now: time.Now, version: "dev"}
	for _, o := range opts {
		o(cfg)
	}
	stream := &answered{Stream: jsonrpc2.NewStream(rw)}
	conn := jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(codec{}))
	s := newServer(cfg, protocol.ClientDispatcher(conn), func() { conn.Close() })
	stream.inflight = &s.inflight
	defer s.stop()
	if ready != nil {
		ready <- s
	}
	conn.Go(ctx, s.handler())
	select {
	case <-ctx.Done():
		conn.Close()
		<-conn.Done()
	case <-conn.Done():
	}
	return nil
}
