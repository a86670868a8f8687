package runtime

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/callflow/callflow/lang/ir"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// Option configures an Engine.
type Option func(*Engine)

// WithFlows installs the compiled program the engine starts with.
func WithFlows(p *ir.Program) Option { return func(e *Engine) { e.install(p) } }

// WithStore sets the session store; the default is a MemoryStore. A store
// that is also an AnswerStore (Redis) keeps the answers too, unless
// WithAnswerStore sets another; one that is a CallStore as well answers a
// webhook in two round trips.
func WithStore(s SessionStore) Option { return func(e *Engine) { e.store = s } }

// WithLogger sets the logger runtime errors and fallbacks are written to.
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// WithHTTPClient sets the client lookups use. The engine guards a copy of
// it (WithUnguardedLookups): redirects to another host are refused, and so
// are connections to link-local and cloud metadata addresses when its
// Transport is an *http.Transport (a dialer of its own is checked once
// connected, before a byte is sent).
func WithHTTPClient(c *http.Client) Option { return func(e *Engine) { e.client = c } }

// WithUnguardedLookups lets lookups follow redirects to other hosts and
// connect to link-local (169.254.0.0/16, fe80::/10) and cloud metadata
// addresses (fd00:ec2::254, 100.100.100.200), which are refused by default:
// a lookup's URL is filled with values callers control, and a metadata
// service answers any GET from the machine with its credentials.
func WithUnguardedLookups() Option { return func(e *Engine) { e.unguarded = true } }

// WithSecret sets the key that signs 8x8 resume tokens. Without it a random
// key is made, so tokens do not survive a restart.
func WithSecret(key []byte) Option { return func(e *Engine) { e.secret = key } }

// WithClock sets the source of the call's time (`now`), for tests.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// WithBudget sets a platform's answer budget; it is capped at the
// platform's maximum.
func WithBudget(platformName string, d time.Duration) Option {
	return func(e *Engine) { e.budgets[platformName] = d }
}

// WithSessionTTL sets how long an idle call's session is kept (default 2 h).
func WithSessionTTL(d time.Duration) Option { return func(e *Engine) { e.ttl = d } }

// WithApology sets what 8x8 callers hear before the fallback hangs up.
func WithApology(text, voice string) Option {
	return func(e *Engine) { e.fallback = platform.FallbackOptions{Apology: text, Voice: voice} }
}

// WithAdapter adds or replaces a platform adapter, keeping the facts
// lang/platform declares under its name (none for a name it does not
// know). A server does not route it: use WithPlatform for that.
func WithAdapter(a platform.Adapter) Option {
	return func(e *Engine) {
		p, _ := lplatform.Lookup(a.Name())
		e.adapters[a.Name()], e.facts[a.Name()] = a, p
	}
}

// WithPlatform adds or replaces a platform: its adapter for the engine,
// and its routes, methods, body types and authentication for a server
// built on the engine (Engine.Platforms). Platforms the runtime ships are
// in the registry already (Platforms); this is for one of your own.
func WithPlatform(d *platform.Declaration) Option { return func(e *Engine) { e.declare(d) } }
