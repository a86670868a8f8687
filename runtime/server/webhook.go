package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// Outcomes the server adds to the engine's, for logs and metrics.
const (
	outcomeUnauthorized = "unauthorized"
	outcomeForbidden    = "forbidden"
	outcomePanic        = "panic"
)

// hook is what one webhook did, for its log line and metrics.
type hook struct {
	platform string
	res      *runtime.Result
	outcome  string
	status   int
	err      error
	why      string      // why the server itself refused it
	dispatch *dispatched // nil when nothing was dispatched
}

// webhook is the handler of one platform's routes; secretInPath says the
// route has a {secret} segment.
func (s *Server) webhook(name string, secretInPath bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := &hook{platform: name}
		var body []byte
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.recovered(w, r, h, body, p)
			}
			s.logHook(r, h, time.Since(start))
		}()
		s.serveHook(w, r, h, secretInPath, &body)
	})
}

func (s *Server) serveHook(w http.ResponseWriter, r *http.Request, h *hook, secretInPath bool, body *[]byte) {
	reject := func(status int, outcome, code, msg string) {
		h.status, h.outcome, h.why = status, outcome, msg
		writeError(w, status, code, msg)
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		reject(http.StatusMethodNotAllowed, string(runtime.Rejected), "method_not_allowed", r.Method+" is not allowed here; webhooks are POSTed")
		return
	}
	if !s.auth.allowed(h.platform, r) {
		reject(http.StatusForbidden, outcomeForbidden, "forbidden", "this address may not send "+h.platform+" webhooks")
		return
	}
	var segment *string
	if secretInPath {
		if !s.auth.Tencent.IsSet() {
			reject(http.StatusNotFound, string(runtime.Rejected), "not_found", "no such route: no Tencent secret is configured")
			return
		}
		v := r.PathValue("secret")
		segment = &v
	}
	if why := s.auth.check(h.platform, r, segment); why != "" {
		reject(http.StatusUnauthorized, outcomeUnauthorized, "unauthorized", why)
		return
	}
	if ct := r.Header.Get("Content-Type"); !jsonContent(ct) {
		reject(http.StatusUnsupportedMediaType, string(runtime.Rejected), "unsupported_media_type", "the body must be JSON (Content-Type: application/json), not "+clip(ct, 80))
		return
	}
	if r.ContentLength > runtime.MaxBody {
		reject(http.StatusRequestEntityTooLarge, string(runtime.Rejected), "body_too_large", runtime.ErrBodyTooLarge.Error())
		return
	}
	b, err := readBody(w, r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			reject(http.StatusRequestEntityTooLarge, string(runtime.Rejected), "body_too_large", runtime.ErrBodyTooLarge.Error())
			return
		}
		reject(http.StatusBadRequest, string(runtime.Rejected), "bad_body", "cannot read the body: "+err.Error())
		return
	}
	*body = b
	res, err := s.eng.Serve(r.Context(), &runtime.Request{Platform: h.platform, Flow: r.PathValue("flow"), Body: b, Header: r.Header})
	h.res, h.err, h.outcome = res, err, string(res.Outcome)
	reply := res.Reply
	if reply.Status == http.StatusOK && s.dispatches(h.platform) {
		id := ""
		if res.Event != nil {
			id = res.Event.Delivery
		}
		s.dispatch(w, r, h, id, reply.Body)
		return
	}
	h.status = reply.Status
	writeBody(w, reply.Status, reply.Body)
}

// recovered answers after a panic: the platform's safe fallback when the
// body can be decoded, else a 500 JSON error; and logs the stack.
func (s *Server) recovered(w http.ResponseWriter, r *http.Request, h *hook, body []byte, p any) {
	h.outcome, h.err = outcomePanic, fmt.Errorf("panic: %s", panicText(p))
	s.log.Error("panic answering a webhook", "platform", h.platform, "route", r.Pattern,
		"panic", s.maskText(platform.Clip(panicText(p))), "stack", string(debug.Stack()))
	sw, _ := w.(*statusWriter)
	if sw == nil {
		sw = &statusWriter{ResponseWriter: w}
	}
	if sw.wrote {
		h.status = sw.status
		return // too late to answer anything else
	}
	reply, ok := s.fallback(h.platform, body, r.Header)
	if !ok {
		h.status = http.StatusInternalServerError
		writeError(sw, http.StatusInternalServerError, "internal", "the server failed to answer; see its log")
		return
	}
	h.status = reply.Status
	writeBody(sw, reply.Status, reply.Body)
}

// fallback is the platform's safe answer to body, unless working it out
// fails too.
func (s *Server) fallback(name string, body []byte, header http.Header) (reply platform.Reply, ok bool) {
	if body == nil {
		return reply, false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	reply, err := s.eng.Fallback(name, body, header)
	return reply, err == nil
}

// readBody reads at most runtime.MaxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	n := 512
	if r.ContentLength > 0 {
		n = int(r.ContentLength) + 1 // +1: ReadAll needs room to see EOF
	}
	buf := make([]byte, 0, n)
	rd := http.MaxBytesReader(w, r.Body, runtime.MaxBody)
	for {
		m, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// jsonContent reports whether a Content-Type may carry JSON. It is lenient
// (senders label JSON loosely): missing, application/json, any +json,
// text/json, text/plain and application/octet-stream pass; forms,
// multipart, XML and the like do not.
func jsonContent(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json", "text/json", "text/plain", "application/octet-stream", "*/*":
		return true
	}
	return strings.HasSuffix(mt, "+json")
}

// logHook writes the one line of a webhook. Values that come from the
// webhook are clipped (platform.Clip): the line stays short whatever is sent.
func (s *Server) logHook(r *http.Request, h *hook, took time.Duration) {
	s.metrics.observeWebhook(h.platform, h.outcome, took)
	level := slog.LevelInfo
	switch {
	case h.outcome == outcomePanic || h.status >= 500:
		level = slog.LevelError
	case h.status >= 400 || h.outcome == string(runtime.Fallback):
		level = slog.LevelWarn
	}
	ctx := context.Background()
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 16)
	attrs = append(attrs, slog.String("platform", h.platform))
	if res := h.res; res != nil {
		flow := res.Flow
		if flow == "" {
			flow = platform.Clip(r.PathValue("flow"))
		}
		attrs = append(attrs, slog.String("flow", flow), slog.String("version", res.Version))
		if ev := res.Event; ev != nil {
			attrs = append(attrs, slog.String("session", ev.Session), // ids are at most platform.MaxID bytes
				slog.String("caller", s.maskNumber(platform.Clip(ev.Caller))), slog.String("callee", s.maskNumber(platform.Clip(ev.Callee))))
		}
		attrs = append(attrs, slog.String("rule", res.Rule), slog.String("handler", res.Handler))
	} else if f := r.PathValue("flow"); f != "" {
		attrs = append(attrs, slog.String("flow", platform.Clip(f)))
	}
	attrs = append(attrs,
		slog.String("outcome", h.outcome),
		slog.Int("status", h.status),
		slog.Float64("duration_ms", float64(took.Microseconds())/1000))
	if h.dispatch != nil {
		attrs = s.dispatchAttrs(attrs, h.dispatch)
	}
	switch {
	case h.err != nil:
		attrs = append(attrs, slog.String("error", s.maskText(platform.Clip(h.err.Error()))))
	case h.dispatch != nil && h.dispatch.err != nil:
		attrs = append(attrs, slog.String("error", s.maskText(platform.Clip(h.dispatch.err.Error()))))
	case h.why != "":
		attrs = append(attrs, slog.String("error", platform.Clip(h.why)))
	}
	if h.status == http.StatusUnauthorized || h.status == http.StatusForbidden {
		attrs = append(attrs, slog.String("remote", remoteIP(r)))
	}
	s.log.LogAttrs(ctx, level, "webhook", attrs...)
}

func remoteIP(r *http.Request) string {
	if i := strings.LastIndexByte(r.RemoteAddr, ':'); i > 0 {
		return strings.Trim(r.RemoteAddr[:i], "[]")
	}
	return r.RemoteAddr
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func panicText(p any) string {
	if err, ok := p.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(p)
}
