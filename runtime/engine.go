package runtime

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callflow/callflow/lang/ir"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/token"
)

// Limits of one webhook.
const (
	MaxSteps   = 1000      // instructions one webhook may run
	MaxBody    = 64 << 10  // bytes of webhook body
	answersTTL = time.Hour // how long a delivery's answer is kept for retries
)

// Engine answers webhooks. It is safe for concurrent use.
type Engine struct {
	cur      atomic.Pointer[installed] // the program new calls use
	versions sync.Map                  // "flow@version" → *pinned: every version a call may be pinned to
	// answerers holds, by *ir.Flow, its answerers by handler name
	// (answerer): shared by the answers that version gives.
	answerers sync.Map

	adapters   map[string]platform.Adapter
	decls      []*platform.Declaration        // the platforms a server routes, registry first (WithPlatform adds)
	facts      map[string]*lplatform.Platform // each adapter's compile-time facts; nil for an adapter lang/platform does not declare
	ends       map[string]platform.Action     // what the end of a handler adds on each platform; nil: nothing
	store      SessionStore
	mem        *MemoryStore // store, when it is the in-memory one, which does no I/O
	answers    AnswerStore
	memAnswers *MemoryAnswers // answers, when it is the in-memory one, which does no I/O
	calls      CallStore      // store, when it is also answers and a CallStore: two round trips a webhook
	bundles    BundleStore    // WithBundleStore; nil when versions are not shared
	fetches    fetcher        // versions being fetched from bundles
	signer     *token.Signer
	secret     []byte
	client     *http.Client
	postClient *http.Client // client, following no redirect
	log        *slog.Logger
	now        func() time.Time // the call's time; nil: the time the webhook arrived (WithClock sets it)
	budgets    map[string]time.Duration
	ttl        time.Duration
	fallback   platform.FallbackOptions
	onLookup   func(LookupEvent) // WithLookupObserver; nil when none
	// lookupCache keeps the answers of lookups declared with `cache D`.
	lookupCache *lookupCache

	sessionMemory int64          // WithSessionMemory: the default store's budget
	onEvict       func(Eviction) // WithEvictionObserver; nil when none
	// unguarded lets lookups reach other hosts by redirect and unsafe
	// addresses (WithUnguardedLookups).
	unguarded bool
	// sharedHeader lets lookups without headers of their own share one
	// header map (sharesHeaders).
	sharedHeader bool
}

// New builds an engine.
func New(opts ...Option) (*Engine, error) {
	e := &Engine{
		adapters: map[string]platform.Adapter{},
		facts:    map[string]*lplatform.Platform{},
		client:   &http.Client{},
		log:      slog.New(slog.DiscardHandler),
		budgets:  map[string]time.Duration{},
		ttl:      2 * time.Hour,
	}
	for _, d := range registry {
		e.declare(d)
	}
	e.install(nil)
	for _, o := range opts {
		o(e)
	}
	e.ends = make(map[string]platform.Action, len(e.adapters))
	for name := range e.adapters {
		if p := e.facts[name]; p != nil {
			e.ends[name] = endAction(p.End)
		}
	}
	if e.store == nil {
		e.store = NewMemoryStore(MemoryBudget(e.sessionMemory))
	}
	if e.lookupCache == nil {
		e.lookupCache = newLookupCache(DefaultLookupCacheEntries, DefaultLookupCacheBytes)
	}
	if !e.unguarded {
		e.client = guardClient(e.client)
	}
	e.postClient = noRedirects(e.client)
	e.sharedHeader = sharesHeaders(e.client)
	e.mem, _ = e.store.(*MemoryStore)
	if e.mem != nil {
		e.mem.observe(e.evicted)
	}
	if e.answers == nil {
		if a, ok := e.store.(AnswerStore); ok { // a shared store keeps the answers too
			e.answers = a
		} else {
			e.answers = NewMemoryAnswers(0)
		}
	}
	e.memAnswers, _ = e.answers.(*MemoryAnswers)
	e.calls = callStore(e.store, e.answers)
	if e.secret == nil {
		e.secret = make([]byte, 32)
		rand.Read(e.secret)
	}
	signer, err := token.NewSigner(e.secret)
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	e.signer = signer
	e.publishAll(e.cur.Load())
	return e, nil
}

// Swap installs a new program for new calls and returns the old one. Calls
// in progress finish on the versions they started on.
func (e *Engine) Swap(p *ir.Program) *ir.Program {
	old := e.cur.Load().prog
	e.install(p)
	e.publishAll(e.cur.Load())
	return old
}

// Program returns the program new calls use.
func (e *Engine) Program() *ir.Program { return e.cur.Load().prog }

// installed is a program with the pinned version of each of its flows, so
// a new call marks its version in use without looking it up by name.
type installed struct {
	prog *ir.Program
	pins map[*ir.Flow]*pinned
}

// pinned is a flow version calls may run on, and when one last did.
type pinned struct {
	flow      *ir.Flow
	used      atomic.Int64 // unix nanoseconds
	published atomic.Int64 // unix nanoseconds: when its bundle was last stored (WithBundleStore)
}

// install makes p the program for new calls. Versions no longer in it stay
// loaded while a call may still be pinned to them: until no call has used
// them for the session TTL, after which any such call's session is gone.
func (e *Engine) install(p *ir.Program) {
	if p == nil {
		p = &ir.Program{}
	}
	now := time.Now().UnixNano()
	current := make(map[string]bool, len(p.Flows))
	pins := make(map[*ir.Flow]*pinned, len(p.Flows))
	for _, f := range p.Flows {
		key := f.Name + "@" + f.Version
		current[key] = true
		v, _ := e.versions.LoadOrStore(key, &pinned{flow: f})
		pins[f] = v.(*pinned)
		pins[f].used.Store(now)
	}
	e.cur.Store(&installed{prog: p, pins: pins})
	e.versions.Range(func(k, v any) bool {
		if !current[k.(string)] && now-v.(*pinned).used.Load() > int64(e.ttl) {
			e.versions.Delete(k)
			e.answerers.Delete(v.(*pinned).flow)
		}
		return true
	})
}

// answerer is who answers with handler (or before one ran, "") of f:
// one per handler of a version, made on its first answer.
func (e *Engine) answerer(f *ir.Flow, handler string) *platform.Answerer {
	v, ok := e.answerers.Load(f)
	if !ok {
		by := make(map[string]*platform.Answerer, len(f.Handlers)+1)
		by[""] = &platform.Answerer{Flow: f.Name, Version: f.Version}
		for name := range f.Handlers {
			by[name] = &platform.Answerer{Flow: f.Name, Version: f.Version, Handler: name}
		}
		v, _ = e.answerers.LoadOrStore(f, by)
	}
	by := v.(map[string]*platform.Answerer)
	if a := by[handler]; a != nil {
		return a
	}
	return by[""]
}

// version returns a loaded flow version and marks it in use at now.
func (e *Engine) version(name, version string, now time.Time) *ir.Flow {
	v, ok := e.versions.Load(name + "@" + version)
	if !ok {
		return nil
	}
	p := v.(*pinned)
	e.touch(p, now.UnixNano())
	return p.flow
}

// declare adds (or replaces) platform d.
func (e *Engine) declare(d *platform.Declaration) {
	name := d.Name()
	e.adapters[name] = d.Adapter
	if e.facts == nil {
		e.facts = map[string]*lplatform.Platform{}
	}
	e.facts[name] = d.Facts
	for i, old := range e.decls {
		if old.Name() == name {
			e.decls[i] = d
			return
		}
	}
	e.decls = append(e.decls, d)
}

// Platforms returns the declarations of the platforms the engine answers
// and a server routes: the registry's (Platforms) and WithPlatform's. An
// adapter added with WithAdapter has none: it is reached through Serve.
func (e *Engine) Platforms() []*platform.Declaration { return e.decls }

// Budget is the time the engine gives a webhook of platformName to be
// answered, lookups included: WithBudget's, within the platform's bound.
func (e *Engine) Budget(platformName string) time.Duration { return e.budget(platformName) }

// budget is the platform's answer budget: WithBudget's, capped at the
// platform's maximum, else the platform's default. A platform without
// facts (an adapter added with WithAdapter that lang/platform does not
// declare) gets WithBudget's or one second.
func (e *Engine) budget(name string) time.Duration {
	d, set := e.budgets[name]
	set = set && d > 0
	p := e.facts[name]
	known := p != nil
	switch {
	case known && set:
		return min(d, p.MaxBudget)
	case known:
		return p.Budget
	case set:
		return d
	}
	return time.Second
}

// Errors Handle returns for webhooks it cannot take.
var (
	ErrUnknownPlatform = errors.New("unknown platform")
	ErrBodyTooLarge    = errors.New("webhook body over 64 KiB")
)

// Handle answers one webhook: the platform's name, the flow named in the
// URL (or "" to route by called number) and the raw body.
func (e *Engine) Handle(ctx context.Context, platformName, flow string, body []byte) (platform.Reply, error) {
	res, err := e.Serve(ctx, &Request{Platform: platformName, Flow: flow, Body: body})
	if res == nil {
		return platform.Reply{}, err
	}
	return res.Reply, err
}
