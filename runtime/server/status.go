package server

import (
	"net/http"

	"github.com/callflow/callflow/runtime/degrade"
)

// WithStoreGuard tells the server that the engine's stores are shared and
// guarded by g (runtime/degrade): /v1/status and the metrics say whether it
// serves degraded. /readyz stays 200 while it does: taking every replica
// out of the load balancer because their shared store is gone would drop
// every call.
func WithStoreGuard(g *degrade.Guard) Option { return func(s *Server) { s.guard = g } }

// Status is the body of GET /v1/status.
type Status struct {
	// Status is ok, degraded (answering from this process while the shared
	// store is unavailable), starting (the first load has not finished) or
	// draining (shutting down).
	Status string `json:"status"`
	// Ready is what /readyz answers.
	Ready bool        `json:"ready"`
	Store StoreStatus `json:"store"`
}

// StoreStatus is the state of calls: in this process's memory (Shared
// false), or in a shared store, with its breaker.
type StoreStatus struct {
	Shared bool `json:"shared"`
	*degrade.Status
}

// status is GET /v1/status.
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	st := Status{Status: "ok", Ready: s.ready()}
	if s.guard != nil {
		gs := s.guard.Status()
		st.Store = StoreStatus{Shared: true, Status: &gs}
		if gs.Degraded {
			st.Status = "degraded"
		}
	}
	switch {
	case s.draining.Load():
		st.Status = "draining"
	case !st.Ready:
		st.Status = "starting"
	}
	writeJSON(w, http.StatusOK, st)
}
