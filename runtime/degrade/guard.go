package degrade

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
)

// Defaults of a Guard.
const (
	// DefaultFailures is how many store operations in a row must fail to
	// open the breaker: a Redis that is gone fails every webhook's first
	// operation, so the breaker opens within a few webhooks, and one error
	// among successes opens nothing.
	DefaultFailures = 3
	// DefaultPause is how long the breaker stays open before one operation
	// probes the store again.
	DefaultPause = 2 * time.Second
	// DefaultMargin is kept from the caller's deadline when bounding an
	// operation: the time to render and write the answer after it.
	DefaultMargin = 50 * time.Millisecond
	// DefaultOpTimeout bounds an operation whose context has no deadline.
	DefaultOpTimeout = time.Second
	// DefaultLocalMemory is the memory budget of the sessions held in this
	// process (runtime.MemoryBudget): 256 MiB, about 380,000 calls waiting
	// at an 8x8 capture.
	DefaultLocalMemory = 256 << 20
)

// Guard bounds, breaks and falls back for the stores it wraps (Sessions,
// Answers, Outcomes, Bundles), which share its one breaker: they are one
// store on the network, up or down together. It is safe for concurrent
// use.
type Guard struct {
	cb        *gobreaker.TwoStepCircuitBreaker[struct{}]
	margin    time.Duration
	opTimeout time.Duration
	log       *slog.Logger
	obs       Observer

	local         *runtime.MemoryStore
	localAnswers  *runtime.MemoryAnswers
	localOutcomes *dispatch.MemoryOutcomes

	mu            sync.Mutex
	state         gobreaker.State
	since         time.Time // when state was entered
	degradedSince time.Time // when the breaker last left closed
	lastErr       string    // the last failure, for the log and Status
	lastErrAt     time.Time

	degraded atomic.Uint64 // deliveries claimed in this process
	onBack   []func()      // OnBack's; under mu
}

// Option configures a Guard.
type Option func(*config)

type config struct {
	failures    int
	pause       time.Duration
	margin      time.Duration
	opTimeout   time.Duration
	localMemory int64
	log         *slog.Logger
	obs         Observer
	onEvict     func(runtime.Eviction)
}

// WithFailures sets how many failed operations in a row open the breaker
// (DefaultFailures when < 1).
func WithFailures(n int) Option { return func(c *config) { c.failures = n } }

// WithPause sets how long the breaker stays open before it probes
// (DefaultPause when ≤ 0).
func WithPause(d time.Duration) Option { return func(c *config) { c.pause = d } }

// WithMargin sets what is kept from the caller's deadline when bounding an
// operation (DefaultMargin when < 0; 0 keeps nothing).
func WithMargin(d time.Duration) Option { return func(c *config) { c.margin = d } }

// WithOpTimeout bounds operations whose context has no deadline
// (DefaultOpTimeout when ≤ 0).
func WithOpTimeout(d time.Duration) Option { return func(c *config) { c.opTimeout = d } }

// WithLocalMemory sets the memory budget of the sessions kept in this
// process while degraded (DefaultLocalMemory when ≤ 0). Beyond it the
// sessions closest to expiring are evicted, each logged.
func WithLocalMemory(bytes int64) Option { return func(c *config) { c.localMemory = bytes } }

// WithEvictionObserver sets who is told of each session evicted from
// this process's memory to stay within WithLocalMemory's budget (a dropped
// caller), for metrics: runtime/server's Metrics.ObserveEviction counts
// them with the engine's own.
func WithEvictionObserver(fn func(runtime.Eviction)) Option {
	return func(c *config) { c.onEvict = fn }
}

// WithLogger sets where transitions and evictions are logged (default:
// nowhere).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithObserver sets who is told of operations, transitions and degraded
// answers, for metrics (runtime/server's *Metrics is one).
func WithObserver(o Observer) Option { return func(c *config) { c.obs = o } }

// New makes a Guard, its breaker closed.
func New(opts ...Option) *Guard {
	cfg := config{failures: DefaultFailures, pause: DefaultPause, margin: DefaultMargin,
		opTimeout: DefaultOpTimeout, localMemory: DefaultLocalMemory}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.defaults()
	g := &Guard{margin: cfg.margin, opTimeout: cfg.opTimeout, log: cfg.log, obs: cfg.obs,
		localAnswers: runtime.NewMemoryAnswers(0), localOutcomes: dispatch.NewMemoryOutcomes(0),
		state: gobreaker.StateClosed, since: time.Now()}
	storeOpts := []runtime.StoreOption{runtime.MemoryBudget(cfg.localMemory), runtime.OnEviction(g.evicted)}
	if cfg.onEvict != nil {
		storeOpts = append(storeOpts, runtime.OnEviction(cfg.onEvict))
	}
	g.local = runtime.NewMemoryStore(storeOpts...)
	failures := uint32(cfg.failures)
	g.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:          "store",
		MaxRequests:   1, // one probe when half-open
		Timeout:       cfg.pause,
		ReadyToTrip:   func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= failures },
		IsExcluded:    func(err error) bool { return err == errExcluded },
		OnStateChange: g.changed,
	})
	g.obs.BreakerState(Closed)
	return g
}

func (c *config) defaults() {
	if c.failures < 1 {
		c.failures = DefaultFailures
	}
	if c.pause <= 0 {
		c.pause = DefaultPause
	}
	if c.margin < 0 {
		c.margin = DefaultMargin
	}
	if c.opTimeout <= 0 {
		c.opTimeout = DefaultOpTimeout
	}
	if c.localMemory <= 0 {
		c.localMemory = DefaultLocalMemory
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.obs == nil {
		c.obs = nopObserver{}
	}
}

// Status is what a Guard says of the store, for /v1/status.
type Status struct {
	// Degraded is true while the breaker is not closed: new calls are kept
	// in this process.
	Degraded bool `json:"degraded"`
	// Breaker is closed, open or half-open (probing).
	Breaker State `json:"breaker"`
	// Since is when the breaker entered its state.
	Since time.Time `json:"since"`
	// LastError is the last failure of the store, and LastErrorAt when it
	// happened; empty when it never failed.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// LocalSessions is how many calls this process holds itself: started
	// while degraded, they finish here.
	LocalSessions int `json:"local_sessions"`
	// DegradedAnswers counts the deliveries answered from this process's
	// memory since it started.
	DegradedAnswers uint64 `json:"degraded_answers"`
}

// Status reports the breaker and what this process holds.
func (g *Guard) Status() Status {
	g.cb.State() // moves an open breaker whose pause is over to half-open
	g.mu.Lock()
	st := Status{Breaker: stateOf(g.state), Since: g.since, LastError: g.lastErr, LastErrorAt: g.lastErrAt}
	g.mu.Unlock()
	st.Degraded = st.Breaker != Closed
	st.LocalSessions = g.local.Len()
	st.DegradedAnswers = g.degraded.Load()
	return st
}

// OnBack calls fn, on a goroutine of its own, each time the store is back
// after being unavailable (the breaker closes): to write again what could
// not be written meanwhile, such as the bundles of flow versions loaded
// during the outage (runtime.Engine.PublishBundles).
func (g *Guard) OnBack(fn func()) {
	g.mu.Lock()
	g.onBack = append(g.onBack, fn)
	g.mu.Unlock()
}

// LocalSessions is how many calls' sessions this process holds itself.
func (g *Guard) LocalSessions() int { return g.local.Len() }

// evicted logs a session the local store dropped to stay in its budget.
func (g *Guard) evicted(ev runtime.Eviction) {
	g.log.Warn("degraded: a session kept in this process was evicted (over the local memory budget); its caller gets the safe fallback",
		slog.String("session", ev.Key), slog.Int64("bytes", ev.Bytes), slog.Int64("budget", ev.Budget))
}
