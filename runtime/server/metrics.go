// This file holds the server's metrics: prometheus/client_golang with a
// private registry, plus its Go and process collectors.

package server

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/reload"
)

// Metrics are the server's Prometheus metrics, all prefixed callflow_, in a
// registry of their own. Labels never hold phone numbers or session ids:
// only platforms, outcomes, results and statuses, and the names of flows
// and their lookups, which the flows folder bounds.
//
//	callflow_webhook_requests_total{outcome,platform}        counter
//	callflow_webhook_duration_seconds{platform}              histogram
//	callflow_lookups_total{flow,lookup,outcome}              counter
//	callflow_lookup_duration_seconds{flow,lookup,outcome}    histogram
//	callflow_lookup_cache_total{flow,lookup,result}          counter
//	callflow_reloads_total{result}                           counter
//	callflow_reload_duration_seconds                         histogram
//	callflow_last_reload_success_timestamp_seconds           gauge
//	callflow_flows_loaded{status}                            gauge
//	callflow_flows_folder_problems                           gauge
//	callflow_active_sessions                                 gauge
//	callflow_session_store_bytes                             gauge
//	callflow_sessions_evicted_total                          counter
//	callflow_dispatches_total{outcome,platform}              counter
//
// and, with a shared store (runtime/degrade; the Metrics are its Observer):
//
//	callflow_store_operation_duration_seconds{operation}     histogram
//	callflow_store_errors_total{operation}                   counter
//	callflow_store_breaker_state{state}                      gauge
//	callflow_store_local_sessions                            gauge
//	callflow_degraded_answers_total{reason}                  counter
//	callflow_duplicate_delivery_wait_seconds                 histogram
//	callflow_bundles_fetched_total{result}                   counter
//
// plus the Go and process collectors (go_*, process_*).
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler

	requests    *prometheus.CounterVec
	webhookDur  *prometheus.HistogramVec
	lookups     *prometheus.CounterVec
	lookupDur   *prometheus.HistogramVec
	lookupCache *prometheus.CounterVec
	reloads     *prometheus.CounterVec
	reloadDur   prometheus.Histogram
	lastSuccess prometheus.Gauge
	flows       *prometheus.GaugeVec
	problems    prometheus.Gauge
	dispatches  *prometheus.CounterVec
	evictions   prometheus.Counter

	// The children the webhook path observes, resolved once (see
	// resolvedChildren).
	webhookChildren resolvedChildren[webhookLabels, webhookMetrics]
	lookupChildren  resolvedChildren[lookupLabels, lookupMetrics]

	sessions     atomic.Pointer[func() int]
	sessionBytes atomic.Pointer[func() int64]

	store storeMetrics
}

// Buckets of the webhook and lookup histograms, in seconds: fine below the
// millisecond where webhooks are answered, and at 3, 4 and 4.5 s, the
// edges of Tencent's answer budget.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 3, 4, 4.5, 5, 10}

var reloadBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// NewMetrics makes a set of metrics in a registry of its own.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_webhook_requests_total",
		Help: "Webhooks answered, by platform and outcome (answered, fallback, duplicate, ended, ack, rejected, unauthorized, forbidden, panic)."},
		[]string{"outcome", "platform"})
	m.webhookDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "callflow_webhook_duration_seconds",
		Help: "Time to answer a webhook, from its arrival to the answer written.", Buckets: durationBuckets}, []string{"platform"})
	m.lookups = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_lookups_total",
		Help: "Lookups resolved, by flow, lookup name and outcome (ok, given, timeout, error; the else value was used for the last two)."},
		[]string{"flow", "lookup", "outcome"})
	m.lookupDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "callflow_lookup_duration_seconds",
		Help: "Time a lookup took, by flow, lookup name and outcome.", Buckets: durationBuckets}, []string{"flow", "lookup", "outcome"})
	m.lookupCache = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_lookup_cache_total",
		Help: "Lookups declared with cache, by flow, lookup name and result (hit: an answer kept from another call was used; miss: it was fetched)."},
		[]string{"flow", "lookup", "result"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_reloads_total",
		Help: "Reloads of the flows folder, by result (ok, or error when some flow is in error or the folder could not be read)."}, []string{"result"})
	m.reloadDur = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "callflow_reload_duration_seconds",
		Help: "Time a reload took: scan, compile, tests and swap.", Buckets: reloadBuckets})
	m.lastSuccess = prometheus.NewGauge(prometheus.GaugeOpts{Name: "callflow_last_reload_success_timestamp_seconds",
		Help: "Unix time of the last reload that left no flow in error."})
	m.flows = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "callflow_flows_loaded",
		Help: "Flow files by status: ok (latest version serving), error (failed; the last good version serves, if any), deleted."}, []string{"status"})
	m.problems = prometheus.NewGauge(prometheus.GaugeOpts{Name: "callflow_flows_folder_problems",
		Help: "Paths the last reload left out besides flow files: symbolic links leaving the folder, subfolders and tables that cannot be read (listed under problems in /v1/flows)."})
	m.dispatches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "callflow_dispatches_total",
		Help: "Trigger answers dispatched to their platform, by platform and outcome (ok; replayed: the trigger was dispatched before and nothing was sent; error)."},
		[]string{"platform", "outcome"})
	sessions := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "callflow_active_sessions",
		Help: "Calls waiting on a capture, held in the in-memory session store (expired ones until evicted)."},
		func() float64 {
			if f := m.sessions.Load(); f != nil {
				return float64((*f)())
			}
			return 0
		})
	storeBytes := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "callflow_session_store_bytes",
		Help: "Estimated bytes of the sessions the in-memory session store holds (runtime.SessionSize); beyond its memory budget it evicts."},
		func() float64 {
			if f := m.sessionBytes.Load(); f != nil {
				return float64((*f)())
			}
			return 0
		})
	m.evictions = prometheus.NewCounter(prometheus.CounterOpts{Name: "callflow_sessions_evicted_total",
		Help: "Live sessions the in-memory session store evicted to stay within its memory budget; each caller's next webhook got the safe fallback."})
	m.reg.MustRegister(m.requests, m.webhookDur, m.lookups, m.lookupDur, m.lookupCache, m.reloads, m.reloadDur, m.lastSuccess, m.flows, m.problems, m.dispatches, sessions,
		storeBytes, m.evictions)
	m.store.register(m.reg)
	m.reg.MustRegister(
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, s := range []string{reload.StatusOK, reload.StatusError, reload.StatusDeleted} {
		m.flows.WithLabelValues(s)
	}
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("error")
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func (m *Metrics) setSessions(fn func() int) { m.sessions.Store(&fn) }

func (m *Metrics) setSessionBytes(fn func() int64) { m.sessionBytes.Store(&fn) }

// ObserveEviction counts a session the store evicted; give it to
// runtime.WithEvictionObserver (the engine logs the eviction itself).
func (m *Metrics) ObserveEviction(runtime.Eviction) { m.evictions.Inc() }

// webhookLabels and webhookMetrics are a webhook's labels and the children
// they select.
type (
	webhookLabels  struct{ platform, outcome string }
	webhookMetrics struct {
		requests prometheus.Counter
		duration prometheus.Observer
	}
)

func (m *Metrics) observeWebhook(platform, outcome string, took time.Duration) {
	c := m.webhookChildren.get(webhookLabels{platform, outcome}, m.resolveWebhook)
	c.requests.Inc()
	c.duration.Observe(took.Seconds())
}

func (m *Metrics) resolveWebhook(l webhookLabels) webhookMetrics {
	return webhookMetrics{requests: m.requests.WithLabelValues(l.outcome, l.platform), duration: m.webhookDur.WithLabelValues(l.platform)}
}

// initDispatch shows the dispatch counters of platform at 0.
func (m *Metrics) initDispatch(platform string) {
	for _, o := range []string{dispatchOK, dispatchReplayed, dispatchError} {
		m.dispatches.WithLabelValues(platform, o)
	}
}

func (m *Metrics) observeDispatch(platform, outcome string) {
	m.dispatches.WithLabelValues(platform, outcome).Inc()
}

// ObserveLookup counts a lookup; give it to runtime.WithLookupObserver.
func (m *Metrics) ObserveLookup(ev runtime.LookupEvent) {
	c := m.lookupChildren.get(lookupLabels{ev.Flow, ev.Lookup, ev.Outcome, ev.Cache}, m.resolveLookup)
	c.lookups.Inc()
	c.duration.Observe(ev.Took.Seconds())
	if c.cache != nil {
		c.cache.Inc()
	}
}

// lookupLabels and lookupMetrics are a lookup's labels and the children
// they select; cache is nil for a lookup declared without cache.
type (
	lookupLabels  struct{ flow, lookup, outcome, cache string }
	lookupMetrics struct {
		lookups  prometheus.Counter
		duration prometheus.Observer
		cache    prometheus.Counter
	}
)

func (m *Metrics) resolveLookup(l lookupLabels) lookupMetrics {
	c := lookupMetrics{lookups: m.lookups.WithLabelValues(l.flow, l.lookup, l.outcome),
		duration: m.lookupDur.WithLabelValues(l.flow, l.lookup, l.outcome)}
	if l.cache != "" {
		c.cache = m.lookupCache.WithLabelValues(l.flow, l.lookup, l.cache)
	}
	return c
}

// ObserveReload counts a reload; give it to reload.OnReload.
func (m *Metrics) ObserveReload(ev reload.Event) {
	m.reloads.WithLabelValues(ev.Result).Inc()
	m.reloadDur.Observe(ev.Duration.Seconds())
	if ev.Status == nil {
		return
	}
	// Even when the folder could not be read: its flows are in error then.
	m.problems.Set(float64(len(ev.Status.Problems)))
	if !ev.Status.LastSuccess.IsZero() {
		m.lastSuccess.Set(float64(ev.Status.LastSuccess.UnixNano()) / 1e9)
	}
	counts := map[string]int{reload.StatusOK: 0, reload.StatusError: 0, reload.StatusDeleted: 0}
	for _, f := range ev.Status.Flows {
		counts[f.Status]++
	}
	for s, n := range counts {
		m.flows.WithLabelValues(s).Set(float64(n))
	}
}

// ServeHTTP serves the metrics with promhttp.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.handler.ServeHTTP(w, r) }
