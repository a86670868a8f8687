package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/reload"
	"github.com/callflow/callflow/runtime/server"
)

// The HTTP server timeouts of `callflow serve` (cmd/callflow/internal/cli/serve.go),
// which does not export them.
const (
	serveReadHeaderTimeout = 2 * time.Second
	serveReadTimeout       = 5 * time.Second
	serveWriteMargin       = 5 * time.Second
	serveIdleTimeout       = 120 * time.Second
	serveMaxHeaderBytes    = 64 << 10
	serveTencentBudget     = 3 * time.Second // serve's tencent budget by default
)

// serveWriteTimeout is serve's WriteTimeout: the longest answer budget of
// any platform plus a margin.
func serveWriteTimeout() time.Duration {
	d := serveTencentBudget
	for _, p := range lplatform.All() {
		d = max(d, p.Budget)
	}
	return d + serveWriteMargin
}

// newHTTPServer is an http.Server with serve's timeouts.
func newHTTPServer(h http.Handler, errLog *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout(),
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(errLog.Handler(), slog.LevelWarn),
	}
}

// Stack is what `callflow serve --dir DIR` runs, built the same way from
// the same packages, on 127.0.0.1:0: an engine (masked logs, tencent budget
// 3 s, lookups with http.DefaultTransport's settings), a reload.Watcher of
// the folder with the default debounce, the server with metrics, and a
// net/http.Server with serve's timeouts. Logs are formatted as serve
// formats them (JSON, info level) and counted, then discarded.
type Stack struct {
	URL     string
	Watcher *reload.Watcher
	Engine  *runtime.Engine
	Log     *LogCounter // the server's and the engine's logs
	Reloads *LogCounter // the watcher's logs
	// Lookups counts the engine's lookups by outcome: ok, timeout, error.
	Lookups outcomeCounter

	hs     *http.Server
	served chan error
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	sig    chan struct{} // closed and replaced after every reload
	events []reload.Event
}

// StartStack serves the folder dir.
func StartStack(dir string) (*Stack, error) {
	s := &Stack{Log: NewLogCounter(), Reloads: NewLogCounter(), sig: make(chan struct{}), served: make(chan error, 1), done: make(chan struct{})}
	logger := slog.New(s.Log)
	metrics := server.NewMetrics()
	engineLog := slog.New(server.MaskingHandler(logger.Handler())).With("component", "engine")
	eng, err := runtime.New(
		runtime.WithLogger(engineLog),
		runtime.WithSecret([]byte("load-secret-0123456789abcdefghij")),
		runtime.WithBudget("tencent", serveTencentBudget),
		runtime.WithLookupObserver(func(ev runtime.LookupEvent) {
			metrics.ObserveLookup(ev)
			s.Lookups.add(ev.Outcome)
		}),
		runtime.WithHTTPClient(lookupClient()),
	)
	if err != nil {
		return nil, err
	}
	w, err := reload.New(dir, eng,
		reload.WithLogger(slog.New(s.Reloads).With("component", "reload")),
		reload.OnReload(metrics.ObserveReload),
		reload.OnReload(s.onReload),
	)
	if err != nil {
		return nil, err
	}
	srv, err := server.New(eng, server.WithLogger(logger.With("component", "http")), server.WithMaskNumbers(true),
		server.WithFlows(w), server.WithAuth(server.Auth{EightByEightHeader: "Authorization"}), server.WithMetrics(metrics))
	if err != nil {
		return nil, err
	}
	ln, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	s.URL, s.Watcher, s.Engine = "http://"+ln.Addr().String(), w, eng
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		defer close(s.done)
		w.Run(ctx)
	}()
	s.hs = newHTTPServer(srv, logger)
	go labelled("serve", func() { s.served <- s.hs.Serve(ln) })
	select {
	case <-w.Ready():
	case <-time.After(30 * time.Second):
		s.Close()
		return nil, errors.New("load: the flows did not load within 30s")
	}
	var bad []string
	for _, f := range w.Status().Flows {
		if f.Status != reload.StatusOK {
			bad = append(bad, fmt.Sprintf("%s: %s %+v", f.File, f.Status, f.Diagnostics))
		}
	}
	if len(bad) > 0 {
		s.Close()
		return nil, fmt.Errorf("load: flows in error at the first load: %s", strings.Join(bad, "; "))
	}
	return s, nil
}

func (s *Stack) onReload(ev reload.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, ev)
	close(s.sig)
	s.sig = make(chan struct{})
}

// reloaded is closed at the next reload.
func (s *Stack) reloaded() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sig
}

// Events returns the reloads so far, the first load included.
func (s *Stack) Events() []reload.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]reload.Event(nil), s.events...)
}

// Close shuts the server down (as serve does on SIGTERM) and stops the
// watcher.
func (s *Stack) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.hs.Shutdown(ctx)
	<-s.served // http.ErrServerClosed
	s.cancel()
	<-s.done
	return err
}

// lookupOutcomes are the engine's lookup outcomes, which outcomeCounter
// counts lock-free.
var lookupOutcomes = [...]string{"ok", "given", "timeout", "error"}

// outcomeCounter counts outcomes by name. The engine's lookup outcomes
// are counted with atomics: the counter is the load program's, not
// serve's, and a mutex taken on every lookup by all the connections would
// be charged to serve's side of P3. Any other name goes to a map under a
// lock.
type outcomeCounter struct {
	known [len(lookupOutcomes)]atomic.Int64

	mu    sync.Mutex
	other map[string]int64
}

func (c *outcomeCounter) add(outcome string) {
	if i := slices.Index(lookupOutcomes[:], outcome); i >= 0 {
		c.known[i].Add(1)
		return
	}
	c.mu.Lock()
	if c.other == nil {
		c.other = map[string]int64{}
	}
	c.other[outcome]++
	c.mu.Unlock()
}

// Counts returns a copy of the counts; outcomes never seen are left out.
func (c *outcomeCounter) Counts() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.other)+len(lookupOutcomes))
	for k, v := range c.other {
		out[k] = v
	}
	for i, k := range lookupOutcomes {
		if n := c.known[i].Load(); n > 0 {
			out[k] = n
		}
	}
	return out
}

// Failed is the lookups that did not answer (timeouts and errors).
func (c *outcomeCounter) Failed() int64 {
	n := int64(0)
	for k, v := range c.Counts() {
		if k != "ok" && k != "given" {
			n += v
		}
	}
	return n
}

// LogCounter is an slog.Handler that formats every record as serve's JSON
// handler (server.NewJSONHandler) does, into io.Discard, and counts them:
// panics (a message naming a panic), errors, and the first few error lines
// kept for reports.
type LogCounter struct {
	h     slog.Handler
	state *logState
}

type logState struct {
	records, errors, panics atomic.Int64
	mu                      sync.Mutex
	samples                 []string
}

// NewLogCounter makes a counting handler at info level.
func NewLogCounter() *LogCounter {
	return &LogCounter{h: server.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}), state: &logState{}}
}

func (c *LogCounter) Enabled(ctx context.Context, l slog.Level) bool { return c.h.Enabled(ctx, l) }

func (c *LogCounter) Handle(ctx context.Context, r slog.Record) error {
	st := c.state
	st.records.Add(1)
	if strings.Contains(r.Message, "panic") {
		st.panics.Add(1)
	}
	if r.Level >= slog.LevelError {
		st.errors.Add(1)
		st.mu.Lock()
		if len(st.samples) < 10 {
			var b strings.Builder
			b.WriteString(r.Message)
			r.Attrs(func(a slog.Attr) bool {
				if a.Key != "stack" {
					fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
				}
				return true
			})
			st.samples = append(st.samples, b.String())
		}
		st.mu.Unlock()
	}
	return c.h.Handle(ctx, r)
}

func (c *LogCounter) WithAttrs(as []slog.Attr) slog.Handler {
	return &LogCounter{h: c.h.WithAttrs(as), state: c.state}
}

func (c *LogCounter) WithGroup(name string) slog.Handler {
	return &LogCounter{h: c.h.WithGroup(name), state: c.state}
}

// Records, Errors and Panics count what was logged.
func (c *LogCounter) Records() int64 { return c.state.records.Load() }
func (c *LogCounter) Errors() int64  { return c.state.errors.Load() }
func (c *LogCounter) Panics() int64  { return c.state.panics.Load() }

// Samples returns the first error lines.
func (c *LogCounter) Samples() []string {
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	return append([]string(nil), c.state.samples...)
}
