// Package server is the HTTP face of the runtime: the webhook routes of
// every platform, health and readiness, the flows' status and Prometheus
// metrics, as one http.Handler around a runtime.Engine.
//
// The webhook routes, their methods, body types, authentication and answer
// type come from the declarations of the engine's platforms
// (Engine.Platforms, runtime/platform.Declaration); the server names no
// platform. With today's registry they are:
//
//	POST /hooks/tencent[/{flow}]            Tencent inbound webhook
//	POST /hooks/tencent/s/{secret}[/{flow}] the same, with a secret path segment
//	POST /hooks/8x8[/{flow}]                8x8 call actions, session summaries, call status
//	POST /hooks/callback/{flow}             callback trigger
//	POST /hooks/callbot/{flow}              callbot trigger
//	GET  /healthz                           200 while the process runs
//	GET  /readyz                            200 once the first load finished (also while degraded)
//	GET  /v1/flows                          every flow's status
//	GET  /v1/status                         ready, draining, degraded: the shared store's breaker
//	GET  /metrics                           Prometheus metrics
//
// A webhook that cannot be understood gets a 4xx JSON error
// {"error":{"code":…,"message":…}}: 400 naming the bad field, 404 for an
// unknown route or platform, 405 for a method the platform does not
// declare, 413 over 64 KiB, 415 for a body of a type it does not declare
// (JSON by default, where a missing Content-Type is accepted). One that was understood
// always gets the platform's answer, or its safe fallback when the flow
// cannot run — even when the handler panics; a trigger is told 404 when
// its flow is not loaded and 422 when its data made the flow fail, 503
// being kept for what a retry can fix. Each webhook is logged in one
// line and counted in the metrics, with phone numbers masked.
//
// With [WithDispatcher], a callback or callbot trigger's rendered request is
// also sent to the platform, and the trigger is answered with what was sent
// and what the platform replied (see runtime/dispatch).
//
//	m := server.NewMetrics()
//	eng, _ := runtime.New(runtime.WithLookupObserver(m.ObserveLookup), runtime.WithEvictionObserver(m.ObserveEviction))
//	w, _ := reload.New("flows", eng, reload.OnReload(m.ObserveReload))
//	srv, _ := server.New(eng, server.WithFlows(w), server.WithMetrics(m))
//	http.ListenAndServe(":8080", srv) // use an http.Server with timeouts
package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/reload"
)

// FlowSource tells the server which flows are loaded and whether the first
// load finished. *reload.Watcher is one.
type FlowSource interface {
	Status() *reload.Status
	Ready() <-chan struct{}
}

// Server is the HTTP handler. It is safe for concurrent use.
type Server struct {
	eng     *runtime.Engine
	mux     *http.ServeMux
	log     *slog.Logger
	mask    bool
	flows   FlowSource
	auth    Auth
	metrics *Metrics

	dispatcher      dispatch.Dispatcher
	dispatchTimeout time.Duration

	guard *degrade.Guard // WithStoreGuard; nil when the state of calls is in memory

	publicURL *url.URL // WithPublicURL; nil: the scheme and host each request came to

	draining atomic.Bool
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets where the per-webhook lines and errors go (default:
// nowhere).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithMaskNumbers masks phone numbers in the log, all but their last four
// digits (default on).
func WithMaskNumbers(on bool) Option { return func(s *Server) { s.mask = on } }

// WithFlows sets the source of /v1/flows and /readyz. Without one, /readyz
// is always ready and /v1/flows lists the engine's program.
func WithFlows(f FlowSource) Option { return func(s *Server) { s.flows = f } }

// WithAuth protects the routes.
func WithAuth(a Auth) Option { return func(s *Server) { s.auth = a } }

// WithMetrics sets the metrics the server counts in and serves, so the
// engine's lookups and the reloads can count in them too.
func WithMetrics(m *Metrics) Option { return func(s *Server) { s.metrics = m } }

// WithPublicURL sets the server's public base URL, such as
// https://calls.example.com/callflow, for a server behind a proxy: the URL a
// platform signs and the action URLs an answer gives (resume tokens
// included) start with it, followed by the route's path. Without it they
// start with the scheme and host each request came to.
func WithPublicURL(u *url.URL) Option { return func(s *Server) { s.publicURL = u } }

// New builds the handler around eng.
func New(eng *runtime.Engine, opts ...Option) (*Server, error) {
	if eng == nil {
		return nil, errors.New("server: no engine")
	}
	s := &Server{eng: eng, log: slog.New(slog.DiscardHandler), mask: true, dispatchTimeout: DefaultDispatchTimeout}
	for _, o := range opts {
		o(s)
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	for _, d := range eng.Platforms() {
		if s.dispatches(d.Name()) {
			s.metrics.initDispatch(d.Name())
		}
	}
	if s.guard != nil {
		s.metrics.watchGuard(s.guard)
	}
	if l, ok := eng.Store().(interface{ Len() int }); ok {
		s.metrics.setSessions(l.Len)
	}
	if b, ok := eng.Store().(interface{ Bytes() int64 }); ok {
		s.metrics.setSessionBytes(b.Bytes)
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	for _, d := range s.eng.Platforms() {
		for _, r := range d.Routes {
			m.Handle(r.Path, s.webhook(d, r))
		}
	}
	m.HandleFunc("/healthz", s.get(s.healthz))
	m.HandleFunc("/readyz", s.get(s.readyz))
	m.HandleFunc("/v1/flows", s.get(s.admin(s.flowsStatus)))
	m.HandleFunc("/v1/status", s.get(s.admin(s.status)))
	m.HandleFunc("/metrics", s.get(s.admin(s.metrics.ServeHTTP)))
	m.HandleFunc("/", s.notFound)
	s.mux = m
}

// ServeHTTP answers one request. A panic outside the webhook routes (which
// answer their platform's fallback) is answered with a 500 JSON error.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic answering a request", "route", r.Pattern, "panic", platform.Clip(panicText(p)), "stack", string(debug.Stack()))
			if !sw.wrote {
				writeError(sw, http.StatusInternalServerError, "internal", "the server failed to answer; see its log")
			}
		}
	}()
	if r.RequestURI == "*" {
		// "OPTIONS * HTTP/1.1" names the server, not a route; ServeMux would
		// answer a bare 400 without the JSON error every other refusal has.
		writeError(sw, http.StatusBadRequest, "bad_request", "the request target * names no route; use a path such as /v1/flows")
		return
	}
	s.mux.ServeHTTP(sw, r)
}

// Drain makes /readyz answer 503, so load balancers stop sending new
// requests while the server shuts down.
func (s *Server) Drain() { s.draining.Store(true) }

// get allows GET and HEAD only.
func (s *Server) get(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here; use GET")
			return
		}
		h(w, r)
	}
}

// admin limits h to the admin allow-list.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.auth.allowed(RouteAdmin, r) {
			writeError(w, http.StatusForbidden, "forbidden", "this address may not use this route")
			return
		}
		h(w, r)
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeError(w, http.StatusServiceUnavailable, "shutting_down", "the server is shutting down")
		return
	}
	if msg := s.notLoaded(); msg != "" {
		writeError(w, http.StatusServiceUnavailable, "not_ready", msg)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// notLoaded says why the first load has not finished; "" once it has.
func (s *Server) notLoaded() string {
	if s.flows == nil {
		return ""
	}
	select {
	case <-s.flows.Ready():
		return ""
	default:
	}
	msg := "the flows have not been loaded yet"
	if st := s.flows.Status(); st != nil && st.LastError != "" {
		msg += ": " + st.LastError
	}
	return msg
}

// ready is what /readyz answers: not draining, and the first load done.
// A store serving degraded does not make a replica unready.
func (s *Server) ready() bool { return !s.draining.Load() && s.notLoaded() == "" }

// flowsStatus is GET /v1/flows.
func (s *Server) flowsStatus(w http.ResponseWriter, r *http.Request) {
	if s.flows != nil {
		writeJSON(w, http.StatusOK, s.flows.Status())
		return
	}
	st := &reload.Status{Loaded: true, Flows: []reload.FlowStatus{}}
	for _, f := range s.eng.Program().Flows {
		st.Flows = append(st.Flows, reload.FlowStatus{Name: f.Name, File: f.File, Version: f.Version,
			Targets: slices.Clone(f.Platforms), Numbers: slices.Clone(f.Numbers),
			Status: reload.StatusOK, Serving: true, Diagnostics: []reload.Diagnostic{}})
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", s.notFoundMessage(r.URL.Path))
}

// notFoundMessage explains a path no route takes.
func (s *Server) notFoundMessage(p string) string {
	const hooks = "/hooks/"
	if len(p) > len(hooks) && p[:len(hooks)] == hooks {
		name, _, _ := strings.Cut(p[len(hooks):], "/")
		var all []string
		for _, d := range s.eng.Platforms() {
			if d.Name() == name {
				return "no such route: " + d.AllowHeader() + " " + routeList(d, " or ")
			}
			if len(d.Routes) > 0 {
				all = append(all, d.Routes[0].Path)
			}
		}
		if n := len(all); n > 1 {
			all[n-2], all = all[n-2]+" and "+all[n-1], all[:n-1]
		}
		return "unknown platform; the webhook routes are " + strings.Join(all, ", ")
	}
	return "no such route"
}

// routeList lists the routes of d that have no secret segment.
func routeList(d *platform.Declaration, sep string) string {
	var paths []string
	for _, r := range d.Routes {
		if r.Secret == "" {
			paths = append(paths, r.Path)
		}
	}
	return strings.Join(paths, sep)
}

// statusWriter remembers the status written, for logs, and whether the
// header went out, for panic recovery.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot encode the answer")
		return
	}
	writeBody(w, status, append(body, '\n'))
}

// Header values shared by every answer; net/http never modifies them.
var (
	hdrJSON    = []string{"application/json"}
	hdrNoStore = []string{"no-store"}
	hdrNoSniff = []string{"nosniff"}
)

func writeBody(w http.ResponseWriter, status int, body []byte) {
	writeTyped(w, status, hdrJSON, body)
}

// writeTyped answers body with the Content-Type ctype (when there is a body).
func writeTyped(w http.ResponseWriter, status int, ctype []string, body []byte) {
	h := w.Header()
	if len(body) > 0 {
		h["Content-Type"] = ctype
	}
	h["Cache-Control"] = hdrNoStore
	h["X-Content-Type-Options"] = hdrNoSniff
	w.WriteHeader(status)
	if len(body) > 0 {
		w.Write(body)
	}
}

// writeError answers {"error":{"code":…,"message":…}}.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeBody(w, status, errorBody(code, msg))
}

func errorBody(code, msg string) []byte {
	return append(platform.ErrorBody(code, msg), '\n')
}

// started is the process start, for the uptime gauge.
var started = time.Now()
