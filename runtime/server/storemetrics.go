package server

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/callflow/callflow/runtime/degrade"
)

// storeMetrics are the metrics of a shared store and its degraded mode.
type storeMetrics struct {
	opDur      *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	breaker    *prometheus.GaugeVec
	degraded   *prometheus.CounterVec
	dupWait    prometheus.Histogram
	bundles    *prometheus.CounterVec
	localCalls atomic.Pointer[func() int]
}

var _ degrade.Observer = (*Metrics)(nil)

func (s *storeMetrics) register(reg *prometheus.Registry) {
	s.opDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "callflow_store_operation_duration_seconds",
		Help:    "Time an operation on the shared store took, by operation (get, compare_and_set, delete, claim, claim_session, fill, release, save_and_fill, outcome_claim, outcome_fill, outcome_release, bundle_put, bundle_get); a claim includes waiting for another copy's answer.",
		Buckets: durationBuckets}, []string{"operation"})
	s.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_store_errors_total",
		Help: "Operations on the shared store that failed or did not answer within the webhook's deadline, by operation; each was served from this process."},
		[]string{"operation"})
	s.breaker = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "callflow_store_breaker_state",
		Help: "1 for the state the shared store's circuit breaker is in: closed (the store is used), open (serving degraded from this process), half-open (one operation probes the store)."},
		[]string{"state"})
	s.degraded = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_degraded_answers_total",
		Help: "Deliveries answered from this process's memory, by reason: unreachable (the shared store could not be used), held_here (the call started here while degraded and finishes here)."},
		[]string{"reason"})
	s.dupWait = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "callflow_duplicate_delivery_wait_seconds",
		Help:    "How long a copy of a delivery waited, through the shared store, for the answer another copy gave (a stored answer takes one round trip).",
		Buckets: durationBuckets})
	s.bundles = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_bundles_fetched_total",
		Help: "Flow-version bundles read from the shared store, to resume a call on a version never loaded here, by result (ok, missing, error)."},
		[]string{"result"})
	local := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "callflow_store_local_sessions",
		Help: "Calls whose sessions this process holds itself: started while the shared store was unavailable, they finish here (an expired one counts until the next session is kept here)."},
		func() float64 {
			if f := s.localCalls.Load(); f != nil {
				return float64((*f)())
			}
			return 0
		})
	reg.MustRegister(s.opDur, s.errors, s.breaker, s.degraded, s.dupWait, s.bundles, local)
}

// watchGuard shows the sessions g holds in this process.
func (m *Metrics) watchGuard(g *degrade.Guard) {
	fn := g.LocalSessions
	m.store.localCalls.Store(&fn)
	for _, r := range []string{degrade.Unreachable, degrade.HeldHere} {
		m.store.degraded.WithLabelValues(r)
	}
}

// StoreOp counts an operation on the shared store (degrade.Observer).
func (m *Metrics) StoreOp(operation string, took time.Duration, err error) {
	m.store.opDur.WithLabelValues(operation).Observe(took.Seconds())
	if err != nil {
		m.store.errors.WithLabelValues(operation).Inc()
	}
}

// BreakerState shows the breaker's state (degrade.Observer).
func (m *Metrics) BreakerState(st degrade.State) {
	for _, s := range []degrade.State{degrade.Closed, degrade.Open, degrade.HalfOpen} {
		v := 0.0
		if s == st {
			v = 1
		}
		m.store.breaker.WithLabelValues(string(s)).Set(v)
	}
}

// DegradedAnswer counts a delivery answered from this process's memory
// (degrade.Observer).
func (m *Metrics) DegradedAnswer(reason string) { m.store.degraded.WithLabelValues(reason).Inc() }

// DuplicateWaited counts a copy of a delivery given another copy's answer
// (degrade.Observer).
func (m *Metrics) DuplicateWaited(took time.Duration) { m.store.dupWait.Observe(took.Seconds()) }

// BundleFetched counts a bundle read from the shared store
// (degrade.Observer).
func (m *Metrics) BundleFetched(result string) { m.store.bundles.WithLabelValues(result).Inc() }
