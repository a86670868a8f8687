package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/callflow/callflow/runtime/dispatch"
)

// DefaultDispatchTimeout bounds one trigger's dispatch, retries and the
// OMICall token fetch included. It is below callflow serve's default
// shutdown timeout (25 s), so a dispatch under way when the server stops
// still finishes.
const DefaultDispatchTimeout = 20 * time.Second

// Dispatch outcomes, for the log and callflow_dispatches_total.
const (
	dispatchOK       = "ok"       // sent and accepted
	dispatchReplayed = "replayed" // the same trigger was dispatched before: its outcome, nothing sent
	dispatchError    = "error"    // sent and refused, or could not be sent
)

// WithDispatcher makes the callback and callbot trigger routes send what
// their flow rendered to the real platform, for the platforms d handles
// (all of them, unless d has a Handles(platform string) bool method, as
// *dispatch.Client has). A trigger the engine answers with 200 and an
// envelope is dispatched, and answered with the dispatch's Result,
// {"request":{…},"response":{…}}; a failed dispatch is answered 502 with
// {"error":{"code":"dispatch_failed","message":…},"request":…,"response":…}.
// Other answers (204: the flow declined; errors; the safe fallback) are
// passed through and nothing is sent. Without a dispatcher (the default),
// the envelope itself is the answer.
func WithDispatcher(d dispatch.Dispatcher) Option {
	return func(s *Server) { s.dispatcher = d }
}

// WithDispatchTimeout bounds each dispatch (default DefaultDispatchTimeout).
// The dispatch does not end when the trigger's sender hangs up: its outcome
// is remembered for the next delivery of the same trigger.
func WithDispatchTimeout(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.dispatchTimeout = d
		}
	}
}

// dispatches says whether the trigger answers of platform are dispatched:
// trigger platforms' answers are requests to send.
func (s *Server) dispatches(platform string) bool {
	if s.dispatcher == nil || !s.trigger(platform) {
		return false
	}
	if h, ok := s.dispatcher.(interface{ Handles(string) bool }); ok {
		return h.Handles(platform)
	}
	return true
}

// dispatched is what the dispatch of one trigger did, for its log line.
type dispatched struct {
	outcome  string
	attempts int
	replayed bool
	status   int // the platform's last HTTP status; 0 when none
	err      error
}

// dispatchFailure is the answer to a trigger whose dispatch failed.
type dispatchFailure struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Request  *dispatch.Request  `json:"request"` // null when nothing was sent
	Response *dispatch.Response `json:"response"`
}

// dispatch sends the envelope in body, the engine's 200 answer to the
// trigger id, and answers with the outcome.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, h *hook, id string, body []byte) {
	d := &dispatched{}
	h.dispatch = d
	env, err := dispatch.ParseEnvelope(body)
	if err == nil && id == "" {
		err = errors.New("the trigger has no id")
	}
	if err != nil { // a bug: the adapter rendered something else
		d.outcome, d.err = dispatchError, err
		s.metrics.observeDispatch(h.platform, dispatchError)
		h.status = http.StatusInternalServerError
		writeError(w, h.status, "internal", "the flow's answer cannot be dispatched; see the server's log")
		return
	}
	// The sender hanging up must not cut the dispatch short: its outcome
	// is remembered, and a cancelled one would be a stored failure.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.dispatchTimeout)
	defer cancel()
	res, err := s.dispatcher.Dispatch(ctx, h.platform, r.PathValue("flow"), id, env)
	d.attempts, d.replayed, d.err = res.Attempts, res.Replayed, err
	if res.Response != nil {
		d.status = res.Response.Status
	}
	switch {
	case res.Replayed:
		d.outcome = dispatchReplayed
	case err != nil:
		d.outcome = dispatchError
	default:
		d.outcome = dispatchOK
	}
	s.metrics.observeDispatch(h.platform, d.outcome)
	if err == nil {
		h.status = http.StatusOK
		writeJSON(w, h.status, res)
		return
	}
	var f dispatchFailure
	f.Error.Code, f.Error.Message = "dispatch_failed", err.Error()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		f.Error.Message += " (no outcome within " + s.dispatchTimeout.String() + ")"
	}
	if res.Request.Method != "" {
		f.Request = &res.Request
	}
	f.Response = res.Response
	out, merr := json.Marshal(f)
	if merr != nil {
		h.status = http.StatusInternalServerError
		writeError(w, h.status, "internal", "cannot encode the answer")
		return
	}
	h.status = http.StatusBadGateway
	writeBody(w, h.status, append(out, '\n'))
}

// dispatchAttrs are the log attributes of d.
func (s *Server) dispatchAttrs(attrs []slog.Attr, d *dispatched) []slog.Attr {
	attrs = append(attrs,
		slog.String("dispatch", d.outcome),
		slog.Int("dispatch_attempts", d.attempts),
		slog.Bool("dispatch_replayed", d.replayed))
	if d.status != 0 {
		attrs = append(attrs, slog.Int("dispatch_status", d.status))
	}
	return attrs
}

// trigger reports whether the platform named name is a trigger API.
func (s *Server) trigger(name string) bool {
	for _, d := range s.eng.Platforms() {
		if d.Name() == name {
			return d.Facts != nil && d.Facts.Trigger
		}
	}
	return false
}
