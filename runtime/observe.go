package runtime

import (
	"net/http"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// LookupEvent describes one lookup a webhook resolved, for metrics.
type LookupEvent struct {
	Flow, Lookup string
	// Outcome is ok (fetched), given (stubbed by a test), timeout (the
	// lookup's timeout or the answer budget ran out) or error (refused,
	// non-2xx, bad JSON or JSON of the wrong type, a URL that could not be
	// evaluated, or refused by the lookup guard); for the last two the else
	// value was used. A URL the call fetched before makes no event.
	Outcome string
	// Cache is, for a lookup declared with `cache D`, hit (the answer kept
	// from another call was used) or miss (it was fetched); "" otherwise.
	Cache string
	Took  time.Duration
}

// WithLookupObserver calls fn after every lookup, on the webhook's
// goroutine: it must return quickly.
func WithLookupObserver(fn func(LookupEvent)) Option { return func(e *Engine) { e.onLookup = fn } }

// Fallback is the platform's safe answer to a webhook, without running any
// flow: for an HTTP server that must still answer after a failure of its
// own (a recovered panic). A body the platform's adapter cannot decode gets
// the same 4xx JSON error as from Serve, and its error.
func (e *Engine) Fallback(platformName string, body []byte, header http.Header) (platform.Reply, error) {
	return e.FallbackFor(&Request{Platform: platformName, Body: body, Header: header})
}

// FallbackFor is Fallback for a whole request: what an adapter that reads
// the method or the URL (platform.RequestDecoder) needs to decode it.
func (e *Engine) FallbackFor(req *Request) (platform.Reply, error) {
	ad, ok := e.adapters[req.Platform]
	if !ok {
		return errorReply(http.StatusNotFound, "unknown_platform", ErrUnknownPlatform.Error()+" "+quote(req.Platform)), ErrUnknownPlatform
	}
	ev, err := decode(ad, req.Body, req)
	if err != nil {
		return errorReply(http.StatusBadRequest, "bad_webhook", err.Error()), err
	}
	return ad.Fallback(ev, e.fallback), nil
}

// Store returns the engine's session store, so a server can report on it
// (a MemoryStore's Len is the number of live sessions).
func (e *Engine) Store() SessionStore { return e.store }
