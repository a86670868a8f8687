package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	goruntime "runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
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

	decl      *platform.Declaration
	route     platform.Route
	wantsURL  bool     // the adapter or the authentication reads the public URL
	answer    []string // the Content-Type of answers
	body      []byte   // nil until read
	url, base *url.URL // the public URL and base URL, when wantsURL
}

// webhook is the handler of one route of platform d.
func (s *Server) webhook(d *platform.Declaration, route platform.Route) http.Handler {
	_, wantsURL := d.Adapter.(platform.RequestDecoder)
	wantsURL = wantsURL || d.SignedBody
	answer := []string{d.Answer}
	if d.Answer == "" {
		answer = hdrJSON
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := &hook{platform: d.Name(), decl: d, route: route, wantsURL: wantsURL, answer: answer}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.recovered(w, r, h, p)
			}
			s.logHook(r, h, time.Since(start))
		}()
		s.serveHook(w, r, h)
	})
}

func (s *Server) serveHook(w http.ResponseWriter, r *http.Request, h *hook) {
	reject := func(status int, outcome, code, msg string) {
		h.status, h.outcome, h.why = status, outcome, msg
		writeError(w, status, code, msg)
	}
	d := h.decl
	if !d.Takes(r.Method) {
		w.Header().Set("Allow", d.AllowHeader())
		reject(http.StatusMethodNotAllowed, string(runtime.Rejected), "method_not_allowed", r.Method+" is not allowed here; "+d.Name()+" webhooks use "+d.AllowHeader())
		return
	}
	if !s.auth.allowed(h.platform, r) {
		reject(http.StatusForbidden, outcomeForbidden, "forbidden", "this address may not send "+h.platform+" webhooks")
		return
	}
	ar := platform.AuthRequest{Request: r}
	if h.route.Secret != "" {
		if !s.auth.Secret(h.route.Secret).IsSet() {
			reject(http.StatusNotFound, string(runtime.Rejected), "not_found", "no such route: no "+h.route.Secret+" secret is configured")
			return
		}
		v := r.PathValue("secret")
		ar.PathSecret = &v
	}
	if h.wantsURL {
		h.url, h.base = s.publicURLs(r)
		ar.URL = h.url.String()
	}
	if !d.SignedBody {
		if why := s.auth.check(d, ar); why != "" {
			reject(http.StatusUnauthorized, outcomeUnauthorized, "unauthorized", why)
			return
		}
	}
	if ct := r.Header.Get("Content-Type"); !takesBody(d, r.Method, ct) {
		reject(http.StatusUnsupportedMediaType, string(runtime.Rejected), "unsupported_media_type", "the body must be "+bodyTypes(d)+", not "+clip(ct, 80))
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
	h.body = b
	if d.SignedBody {
		ar.Body = b
		if why := s.auth.check(d, ar); why != "" {
			reject(http.StatusUnauthorized, outcomeUnauthorized, "unauthorized", why)
			return
		}
	}
	req := h.request(r) // a value: Serve keeps no pointer to it, so it stays on this stack
	res, err := s.eng.Serve(r.Context(), &req)
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
	h.write(w, reply)
}

// request is the engine's request for the webhook r.
func (h *hook) request(r *http.Request) runtime.Request {
	return runtime.Request{Platform: h.platform, Flow: r.PathValue("flow"), Body: h.body, Header: r.Header,
		Method: r.Method, URL: h.url, Base: h.base}
}

// write sends a reply from the engine: a 2xx answer with the platform's
// content type (JSON unless it declares another), a refusal as JSON.
func (h *hook) write(w http.ResponseWriter, reply platform.Reply) {
	if reply.Status >= 300 || len(reply.Body) == 0 {
		writeBody(w, reply.Status, reply.Body)
		return
	}
	writeTyped(w, reply.Status, h.answer, reply.Body)
}

// publicURLs are the request's public URL and the server's public base URL:
// WithPublicURL's, else the scheme and host r came to.
func (s *Server) publicURLs(r *http.Request) (u, base *url.URL) {
	if s.publicURL != nil {
		base = s.publicURL
	} else {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = &url.URL{Scheme: scheme, Host: r.Host}
	}
	u = new(url.URL)
	*u = *base
	u.Path = strings.TrimRight(base.Path, "/") + r.URL.Path
	u.RawPath, u.RawQuery, u.Fragment = "", r.URL.RawQuery, ""
	return u, base
}

// takesBody reports whether d's webhooks may have a body of Content-Type
// ct: JSON (leniently) unless d declares its body types; a GET carries
// none, so its Content-Type does not matter.
func takesBody(d *platform.Declaration, method, ct string) bool {
	if method == http.MethodGet {
		return true
	}
	if len(d.Bodies) == 0 {
		return jsonContent(ct)
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && slices.Contains(d.Bodies, mt)
}

// bodyTypes says what bodies d takes, for a 415.
func bodyTypes(d *platform.Declaration) string {
	if len(d.Bodies) == 0 {
		return "JSON (Content-Type: application/json)"
	}
	return "Content-Type: " + strings.Join(d.Bodies, " or ")
}

// recovered answers after a panic: the platform's safe fallback when the
// body can be decoded, else a 500 JSON error; and logs the stack.
func (s *Server) recovered(w http.ResponseWriter, r *http.Request, h *hook, p any) {
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
	reply, ok := s.fallback(h, r)
	if !ok {
		h.status = http.StatusInternalServerError
		writeError(sw, http.StatusInternalServerError, "internal", "the server failed to answer; see its log")
		return
	}
	h.status = reply.Status
	h.write(sw, reply)
}

// fallback is the platform's safe answer to body, unless working it out
// fails too.
func (s *Server) fallback(h *hook, r *http.Request) (reply platform.Reply, ok bool) {
	if h.body == nil {
		return reply, false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	req := h.request(r)
	reply, err := s.eng.FallbackFor(&req)
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
	switch ct {
	case "", "application/json", "application/json; charset=utf-8":
		// What senders send, taken without mime.ParseMediaType, which
		// makes a map of the parameters on every webhook.
		return true
	}
	return parsedJSONContent(ct)
}

// parsedJSONContent is jsonContent for any Content-Type, parsed.
func parsedJSONContent(ct string) bool {
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
			caller, callee := s.maskNumbers(platform.Clip(ev.Caller), platform.Clip(ev.Callee))
			attrs = append(attrs, slog.String("session", ev.Session), // ids are at most platform.MaxID bytes
				slog.String("caller", caller), slog.String("callee", callee))
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
	rec := slog.NewRecord(time.Now(), level, "webhook", webhookLinePC())
	rec.AddAttrs(attrs...)
	_ = s.log.Handler().Handle(ctx, rec)
}

// logHookPC is the program counter in logHook that the webhook line's
// record carries, which a handler with AddSource reports as the line's
// source. The line is only ever logged from logHook, so the counter is
// found once, not on every webhook as Logger.LogAttrs finds its caller's,
// which cost about as much as encoding the line.
var logHookPC atomic.Uintptr

// webhookLinePC returns logHookPC, finding it on the first call; it must be
// called from logHook only.
func webhookLinePC() uintptr {
	if pc := logHookPC.Load(); pc != 0 {
		return pc
	}
	var pcs [1]uintptr
	goruntime.Callers(2, pcs[:]) // skip runtime.Callers and this function: logHook
	logHookPC.Store(pcs[0])
	return pcs[0]
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
