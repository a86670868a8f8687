package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/flowtest"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/reload"
	"github.com/callflow/callflow/runtime/server"
)

type serveCmd struct {
	Addr          string        `default:":8080" env:"CALLFLOW_ADDR" placeholder:"HOST:PORT" help:"Address to listen on (default ${default})."`
	Dir           string        `default:"flows" env:"CALLFLOW_DIR" placeholder:"DIR" help:"Folder of .flow files and their tables, watched for changes (default ${default})."`
	Poll          time.Duration `default:"0s" env:"CALLFLOW_POLL" placeholder:"D" help:"Rescan the folder every D (such as 2s) instead of waiting for file events, for file systems that send none (NFS, SMB, FUSE); 0 uses events."`
	LogFormat     string        `default:"json" enum:"json,text" env:"CALLFLOW_LOG_FORMAT" placeholder:"FORMAT" help:"Log format on stderr: json or text (default ${default})."`
	LogLevel      string        `default:"info" enum:"debug,info,warn,error" env:"CALLFLOW_LOG_LEVEL" placeholder:"LEVEL" help:"Least severe log level: debug, info, warn or error (default ${default})."`
	MaskNumbers   bool          `default:"true" negatable:"" env:"CALLFLOW_MASK_NUMBERS" help:"Mask phone numbers in logs, all but the last 4 digits (--no-mask-numbers logs them whole)."`
	RequireTests  bool          `env:"CALLFLOW_REQUIRE_TESTS" help:"Activate a changed flow only when its test blocks pass; until then its last good version serves."`
	Budget        []string      `env:"CALLFLOW_BUDGET" placeholder:"PLATFORM=D" help:"Time to answer a platform's webhooks, lookups included, such as 8x8=5s; repeat the flag (or separate with commas) for several platforms. Defaults and bounds: ${budgets}."`
	TencentBudget time.Duration `env:"CALLFLOW_TENCENT_BUDGET" placeholder:"D" help:"The same as --budget tencent=D (kept for older scripts)."`
	StartupTable  string        `default:"auto" enum:"auto,always,never" env:"CALLFLOW_STARTUP_TABLE" placeholder:"WHEN" help:"When to print, once the flows are loaded, where serve listens and the table of flows on stdout: auto (when stdout is a terminal), always or never; the log lines on stderr say the same (default ${default})."`
	AllowOn       []string      `name:"allow-on" sep:"none" placeholder:"NAME=CIDR,…" help:"Networks allowed on platform NAME's routes, instead of --allow, for any platform. Repeatable."`
	Allow         []string      `env:"CALLFLOW_ALLOW" placeholder:"CIDR" help:"Accept webhooks only from these networks (CIDRs or addresses, comma-separated); default anyone."`
	AllowTencent  []string      `name:"allow-tencent" env:"CALLFLOW_ALLOW_TENCENT" placeholder:"CIDR" help:"Networks allowed on the tencent routes, instead of --allow."`
	Allow8x8      []string      `name:"allow-8x8" env:"CALLFLOW_ALLOW_8X8" placeholder:"CIDR" help:"Networks allowed on the 8x8 routes, instead of --allow."`
	AllowCallback []string      `name:"allow-callback" env:"CALLFLOW_ALLOW_CALLBACK" placeholder:"CIDR" help:"Networks allowed on the callback routes, instead of --allow."`
	AllowCallbot  []string      `name:"allow-callbot" env:"CALLFLOW_ALLOW_CALLBOT" placeholder:"CIDR" help:"Networks allowed on the callbot routes, instead of --allow."`
	AllowAdmin    []string      `name:"allow-admin" env:"CALLFLOW_ALLOW_ADMIN" placeholder:"CIDR" help:"Networks allowed on /v1/flows, /v1/status and /metrics; default anyone (--allow does not apply)."`
	AuthHeader    string        `name:"8x8-auth-header" default:"Authorization" env:"CALLFLOW_8X8_AUTH_HEADER" placeholder:"NAME" help:"Header in which 8x8 sends its httpAuthHeader value (default ${default}). The value itself comes from $CALLFLOW_8X8_AUTH or $CALLFLOW_8X8_AUTH_FILE."`
	Apology       string        `env:"CALLFLOW_APOLOGY" placeholder:"TEXT" help:"What 8x8 callers hear before the safe fallback hangs up (needs --apology-voice)."`
	ApologyVoice  string        `env:"CALLFLOW_APOLOGY_VOICE" placeholder:"VOICE" help:"8x8 voice profile of --apology."`
	SecretFile    string        `env:"CALLFLOW_SECRET_FILE" placeholder:"FILE" help:"File holding the key that signs 8x8 resume tokens; else $CALLFLOW_SECRET; else a random key, and calls waiting on a capture fail after a restart. Replicas must share it."`
	SessionMemory int64         `name:"session-memory-mib" default:"768" env:"CALLFLOW_SESSION_MEMORY_MIB" placeholder:"MIB" help:"Memory the sessions of calls waiting on a capture may hold, in MiB, by the store's estimate (default ${default}: over a million 8x8 calls). Beyond it the sessions closest to expiring are evicted, each logged and counted in callflow_sessions_evicted_total."`
	Store         string        `env:"CALLFLOW_STORE" placeholder:"URL" help:"Keep the state of calls (sessions, answers to deliveries, dispatched triggers, flow versions) in this Redis, shared by every replica: redis://[USER@]HOST:PORT/DB, rediss://… (TLS), redis+sentinel://HOST:PORT?master_name=NAME, redis+cluster://HOST:PORT?addr=HOST:PORT. The password comes from $CALLFLOW_STORE_PASSWORD or $CALLFLOW_STORE_PASSWORD_FILE. Default: in this process's memory."`
	StorePrefix   string        `default:"callflow" env:"CALLFLOW_STORE_PREFIX" placeholder:"PREFIX" help:"Start of every key in --store (default ${default}); replicas sharing calls share it, two deployments on one Redis must not."`
	Grace         time.Duration `name:"shutdown-timeout" default:"25s" env:"CALLFLOW_SHUTDOWN_TIMEOUT" placeholder:"D" help:"On SIGINT or SIGTERM, how long in-flight webhooks may take to finish (default ${default})."`
	PublicURL     string        `name:"public-url" env:"CALLFLOW_PUBLIC_URL" placeholder:"URL" help:"The server's public base URL behind a proxy, such as https://calls.example.com/callflow: signatures over the request URL are checked against it, and action URLs that continue a call start with it. Default: the scheme and host each request came to."`
	Unguarded     bool          `name:"unguarded-lookups" env:"CALLFLOW_UNGUARDED_LOOKUPS" help:"Let lookups follow redirects to other hosts and connect to link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254, 100.100.100.200), which are refused by default."`

	CallbackURL        string        `name:"callback-url" env:"CALLFLOW_CALLBACK_URL" placeholder:"URL" help:"Dispatch callback triggers to DataTechLabs at this base URL and answer with its reply. Credentials come from $CALLFLOW_CALLBACK_TOKEN (a bearer token), or $CALLFLOW_CALLBACK_AUTH (a header value, see --callback-auth-header), or their _FILE."`
	CallbackAuthHeader string        `name:"callback-auth-header" env:"CALLFLOW_CALLBACK_AUTH_HEADER" placeholder:"NAME" help:"Header in which $CALLFLOW_CALLBACK_AUTH is sent to DataTechLabs (default Authorization)."`
	CallbotURL         string        `name:"callbot-url" env:"CALLFLOW_CALLBOT_URL" placeholder:"URL" help:"Dispatch callbot triggers to OMICall at this base URL, such as https://public-v1-stg.omicall.com, and answer with its reply. The API key comes from $CALLFLOW_CALLBOT_API_KEY or $CALLFLOW_CALLBOT_API_KEY_FILE."`
	DispatchRetries    int           `default:"3" env:"CALLFLOW_DISPATCH_RETRIES" placeholder:"N" help:"How many times a dispatch that failed on the network or got a 5xx or 429 is sent again, with backoff (default ${default}; 0 never resends)."`
	DispatchTimeout    time.Duration `default:"20s" env:"CALLFLOW_DISPATCH_TIMEOUT" placeholder:"D" help:"Time a dispatch may take, retries included (default ${default})."`
}

// Timeouts of the HTTP server. Webhooks are small and answered within the
// platform's budget; WriteTimeout adds the largest budget to a margin.
const (
	serveReadHeaderTimeout = 2 * time.Second
	serveReadTimeout       = 5 * time.Second
	serveWriteMargin       = 5 * time.Second
	serveIdleTimeout       = 120 * time.Second // above the 60 s idle timeout of common load balancers
	serveMaxHeaderBytes    = 64 << 10

	serveMaxDispatchRetries = 10
	serveDispatchBackoff    = 250 * time.Millisecond // the first; it doubles
)

func (c *serveCmd) Validate() error {
	if c.Poll < 0 {
		return fmt.Errorf("--poll must be 0 or more, not %s", c.Poll)
	}
	if _, err := c.budgets(); err != nil {
		return err
	}
	if c.SessionMemory <= 0 || c.SessionMemory > 1<<30 {
		return fmt.Errorf("--session-memory-mib must be 1 to %d, not %d", 1<<30, c.SessionMemory)
	}
	if c.Grace <= 0 {
		return fmt.Errorf("--shutdown-timeout must be more than 0, not %s", c.Grace)
	}
	if (c.Apology == "") != (c.ApologyVoice == "") {
		return errors.New("--apology and --apology-voice go together: 8x8 needs a voice to say the apology")
	}
	if c.DispatchRetries < 0 || c.DispatchRetries > serveMaxDispatchRetries {
		return fmt.Errorf("--dispatch-retries must be 0 to %d, not %d", serveMaxDispatchRetries, c.DispatchRetries)
	}
	if c.DispatchTimeout <= 0 {
		return fmt.Errorf("--dispatch-timeout must be more than 0, not %s", c.DispatchTimeout)
	}
	if _, err := c.publicURL(); err != nil {
		return err
	}
	if err := redisstore.CheckPrefix(c.StorePrefix); err != nil {
		return fmt.Errorf("--store-prefix %w", err)
	}
	return nil
}

// publicURL is --public-url parsed; nil when not set.
func (c *serveCmd) publicURL() (*url.URL, error) {
	if c.PublicURL == "" {
		return nil, nil
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("--public-url must be an http or https URL with a host and no query, such as https://calls.example.com/callflow, not %q", c.PublicURL)
	}
	return u, nil
}

func (c *serveCmd) Run(e *env) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return c.serve(ctx, e, &serveHooks{unhook: stop})
}

// serveHooks are the points tests (and Run) hook into; each may be nil.
type serveHooks struct {
	unhook    func()            // restore the default signal handling: a second Ctrl-C ends the process at once
	listening func(addr string) // the server accepts connections and the first load finished
	shutdown  func()            // the server stopped accepting connections and waits for those in flight
}

// serve runs the server until ctx is done, then shuts it down gracefully.
func (c *serveCmd) serve(ctx context.Context, e *env, hooks *serveHooks) error {
	if hooks == nil {
		hooks = &serveHooks{}
	}
	logger, err := c.logger(e.stderr)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	fi, err := os.Stat(c.Dir)
	if err != nil {
		return fail(exitUsage, "--dir: %v", err)
	}
	if !fi.IsDir() {
		return fail(exitUsage, "--dir: %s is not a folder", c.Dir)
	}
	auth, err := c.auth()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	secret, err := c.secret(logger)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	redisstore.SetLogger(logger.With("component", "store"))
	store, err := c.openStore(ctx)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if store != nil {
		defer store.Close()
	}
	metrics := server.NewMetrics()
	// A shared store is guarded (runtime/degrade): bounded, broken when it
	// fails, and served from this process's memory while it is gone.
	var guard *degrade.Guard
	var outcomes dispatch.OutcomeStore
	if store != nil {
		guard = degrade.New(degrade.WithLogger(logger.With("component", "store")), degrade.WithObserver(metrics),
			degrade.WithEvictionObserver(metrics.ObserveEviction))
		outcomes = guard.Outcomes(store.Outcomes())
	}
	dispatcher, dispatchTo, err := c.dispatcher(logger, outcomes)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}

	engineLog := logger.With("component", "engine")
	if c.MaskNumbers {
		engineLog = slog.New(server.MaskingHandler(logger.Handler())).With("component", "engine")
	}
	budgets, err := c.budgets()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	opts := []runtime.Option{
		runtime.WithLogger(engineLog),
		runtime.WithSecret(secret),
		runtime.WithLookupObserver(metrics.ObserveLookup),
		runtime.WithEvictionObserver(metrics.ObserveEviction),
		runtime.WithSessionMemory(c.SessionMemory << 20),
		runtime.WithHTTPClient(runtime.NewLookupClient()),
	}
	for name, d := range budgets {
		opts = append(opts, runtime.WithBudget(name, d))
	}
	if c.Apology != "" {
		opts = append(opts, runtime.WithApology(c.Apology, c.ApologyVoice))
	}
	if c.Unguarded {
		opts = append(opts, runtime.WithUnguardedLookups())
	}
	if store != nil {
		opts = append(opts, runtime.WithStore(guard.Sessions(store)), runtime.WithBundleStore(guard.Bundles(store.Bundles()))) // sessions, answers, flow versions
	}
	eng, err := runtime.New(opts...)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if guard != nil {
		guard.OnBack(eng.PublishBundles) // versions loaded while Redis was gone
	}

	first := make(chan reload.Event, 1)
	ropts := []reload.Option{
		reload.WithLogger(logger.With("component", "reload")),
		reload.OnReload(metrics.ObserveReload),
		reload.OnReload(func(ev reload.Event) {
			if ev.Initial && ev.Err == nil {
				select {
				case first <- ev:
				default:
				}
			}
		}),
	}
	if c.Poll > 0 {
		ropts = append(ropts, reload.WithPoll(c.Poll))
	}
	if c.RequireTests {
		ropts = append(ropts, reload.RequireTests(serveFlowTests(c.Dir)))
	}
	watcher, err := reload.New(c.Dir, eng, ropts...)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	sopts := []server.Option{server.WithLogger(logger.With("component", "http")), server.WithMaskNumbers(c.MaskNumbers),
		server.WithFlows(watcher), server.WithAuth(auth), server.WithMetrics(metrics)}
	if guard != nil {
		sopts = append(sopts, server.WithStoreGuard(guard))
	}
	if u, _ := c.publicURL(); u != nil {
		sopts = append(sopts, server.WithPublicURL(u))
	}
	writeTimeout := serveMaxBudget(budgets) + serveWriteMargin
	if dispatcher != nil {
		sopts = append(sopts, server.WithDispatcher(dispatcher), server.WithDispatchTimeout(c.DispatchTimeout))
		writeTimeout += c.DispatchTimeout
	}
	srv, err := server.New(eng, sopts...)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fail(exitUsage, "--addr: %v", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if hooks.shutdown != nil {
		hs.RegisterOnShutdown(hooks.shutdown)
	}
	// What a person reads is written to stdout in one piece once the flows
	// are loaded, after the log lines of the start (serveTable), so the
	// two never interleave on a terminal that shows both.
	var table bytes.Buffer
	fmt.Fprintf(&table, "callflow serve: listening on %s (%s), flows from %s\n", serveURL(ln.Addr()), ln.Addr(), c.Dir)
	logger.Info("listening", "addr", ln.Addr().String(), "dir", c.Dir, serveBudgets(eng))
	if store != nil {
		fmt.Fprintf(&table, "state of calls in %s, keys %s:…\n", redisstore.Redact(c.Store), c.StorePrefix)
		logger.Info("store", "url", redisstore.Redact(c.Store), "prefix", c.StorePrefix)
	}
	for _, d := range dispatchTo {
		fmt.Fprintf(&table, "dispatching %s triggers to %s (%s; %d retries, %s timeout)\n", d.platform, d.host, d.auth, c.DispatchRetries, c.DispatchTimeout)
		logger.Info("dispatching", "platform", d.platform, "to", d.host, "auth", d.auth, "retries", c.DispatchRetries, "timeout", c.DispatchTimeout)
	}
	if dispatcher != nil && c.DispatchTimeout >= c.Grace {
		logger.Warn("--dispatch-timeout is not below --shutdown-timeout: a dispatch under way at shutdown may be cut off, and its trigger sent again after the restart",
			"dispatch_timeout", c.DispatchTimeout, "shutdown_timeout", c.Grace)
	}

	wctx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watcher.Run(wctx)
	}()
	defer func() {
		stopWatch()
		<-watched
	}()
	// SIGHUP rescans the folder at once, for file systems whose events
	// were missed.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				logger.Info("SIGHUP: rescanning the flows folder")
				watcher.Rescan()
			case <-wctx.Done():
				return
			}
		}
	}()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case ev := <-first:
		if c.printTable(e.stdout) {
			servePrintLoad(&table, c.Dir, ev)
			e.stdout.Write(table.Bytes())
		}
		if store != nil { // the versions this replica serves, fetchable by the others before its first call
			bctx, cancel := context.WithTimeout(ctx, serveStoreTimeout)
			if err := eng.StoreBundles(bctx); err != nil {
				logger.Warn("flow versions not stored in --store: a call started here cannot yet resume on a replica that never loaded its version", "error", err.Error())
			}
			cancel()
		}
	case <-ctx.Done():
	case err := <-served:
		return fail(exitUsage, "%v", err)
	}
	if hooks.listening != nil {
		hooks.listening(ln.Addr().String())
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return fail(exitUsage, "%v", err)
	}
	if hooks.unhook != nil {
		hooks.unhook()
	}
	logger.Info("shutting down: finishing the webhooks in flight", "timeout", c.Grace)
	srv.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), c.Grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		return fail(exitProblems, "shutdown: webhooks still running after %s were cut off", c.Grace)
	}
	logger.Info("stopped")
	return nil
}

func (c *serveCmd) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %v", err)
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationText}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(server.NewJSONHandler(w, opts)), nil
}

// printTable says whether the table of the start goes to stdout: always,
// never, or (auto) when stdout is a terminal, where a person reads it;
// elsewhere (a container's log, a file) the log lines say the same and a
// table among them would only be noise.
func (c *serveCmd) printTable(stdout io.Writer) bool {
	switch c.StartupTable {
	case "always":
		return true
	case "never":
		return false
	}
	return isTerminal(stdout)
}

// serveBudgets is the answer budget eng gives each platform, for the log.
func serveBudgets(eng *runtime.Engine) slog.Attr {
	var budgets []any
	for _, p := range lplatform.All() {
		budgets = append(budgets, slog.Duration(p.Name, eng.Budget(p.Name)))
	}
	return slog.Group("budgets", budgets...)
}

// durationText writes a duration as people read it ("41.25ms", "20s"),
// as the text handler does, in JSON too, where slog writes nanoseconds.
func durationText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// auth reads the route secrets from the environment (NAME, or a file named
// by NAME_FILE) and the allow-lists from the flags.
func (c *serveCmd) auth() (server.Auth, error) {
	a := server.Auth{EightByEightHeader: c.AuthHeader, AllowRoute: map[string][]netip.Prefix{}, Secrets: map[string]server.Secret{}}
	for _, spec := range serveSecretSpecs() {
		v, err := serveSecretFromEnv(spec.Env)
		if err != nil {
			return a, err
		}
		a.Secrets[spec.Name] = server.NewSecret(v)
	}
	var err error
	if a.Allow, err = server.ParsePrefixes(c.Allow); err != nil {
		return a, fmt.Errorf("--allow: %v", err)
	}
	for route, list := range map[string][]string{
		server.RouteTencent: c.AllowTencent, server.Route8x8: c.Allow8x8,
		server.RouteCallback: c.AllowCallback, server.RouteCallbot: c.AllowCallbot, server.RouteAdmin: c.AllowAdmin,
	} {
		if a.AllowRoute[route], err = server.ParsePrefixes(list); err != nil {
			return a, fmt.Errorf("--allow-%s: %v", route, err)
		}
	}
	for _, arg := range c.AllowOn {
		name, list, _ := strings.Cut(arg, "=")
		if _, ok := runtime.LookupPlatform(name); !ok {
			return a, fmt.Errorf("--allow-on %s: no platform %q; the platforms are %s", arg, name, orList(runtime.PlatformNames()))
		}
		p, err := server.ParsePrefixes([]string{list})
		if err != nil {
			return a, fmt.Errorf("--allow-on %s: %v", arg, err)
		}
		a.AllowRoute[name] = append(a.AllowRoute[name], p...)
	}
	return a, nil
}

// serveSecretSpecs are the secrets the platforms' authentication needs,
// each once (callback and callbot share theirs), in the registry's order.
func serveSecretSpecs() []platform.SecretSpec {
	var out []platform.SecretSpec
	seen := map[string]bool{}
	for _, d := range runtime.Platforms() {
		for _, spec := range d.Secrets {
			if !seen[spec.Name] {
				seen[spec.Name] = true
				out = append(out, spec)
			}
		}
	}
	return out
}

// serveDispatch is one platform that dispatch is on for, as printed at start.
type serveDispatch struct {
	platform string
	host     string // scheme://host of the base URL: never a path, which may hold a secret
	auth     string // how it authenticates, without the secret
}

// dispatcher builds the dispatch client from --callback-url, --callbot-url
// and the credentials in the environment; nil when neither URL is set. A
// URL without credentials is an error. outcomes is the shared store of
// dispatch outcomes (nil: in memory).
func (c *serveCmd) dispatcher(logger *slog.Logger, outcomes dispatch.OutcomeStore) (*dispatch.Client, []serveDispatch, error) {
	token, err := serveSecretFromEnv("CALLFLOW_CALLBACK_TOKEN")
	if err != nil {
		return nil, nil, err
	}
	auth, err := serveSecretFromEnv("CALLFLOW_CALLBACK_AUTH")
	if err != nil {
		return nil, nil, err
	}
	key, err := serveSecretFromEnv("CALLFLOW_CALLBOT_API_KEY")
	if err != nil {
		return nil, nil, err
	}
	var opts []dispatch.Option
	var to []serveDispatch
	if c.CallbackURL == "" {
		if token != "" || auth != "" {
			logger.Warn("callback credentials are set but --callback-url is not: callback triggers are not dispatched")
		}
	} else {
		var cred dispatch.Credentials
		d := serveDispatch{platform: "callback"}
		switch {
		case token != "" && auth != "":
			return nil, nil, errors.New("set CALLFLOW_CALLBACK_TOKEN or CALLFLOW_CALLBACK_AUTH, not both")
		case token != "" && c.CallbackAuthHeader != "":
			return nil, nil, errors.New("--callback-auth-header names the header of CALLFLOW_CALLBACK_AUTH; CALLFLOW_CALLBACK_TOKEN is always sent as Authorization: Bearer")
		case token != "":
			cred, d.auth = dispatch.Bearer(token), "bearer token"
		case auth != "":
			name := c.CallbackAuthHeader
			if name == "" {
				name = "Authorization"
			}
			cred, d.auth = dispatch.Header(name, auth), "header "+http.CanonicalHeaderKey(name)
		default:
			return nil, nil, errors.New("--callback-url needs DataTechLabs credentials: set CALLFLOW_CALLBACK_TOKEN (a bearer token), or CALLFLOW_CALLBACK_AUTH (the value of the header --callback-auth-header names), or their _FILE")
		}
		opt := dispatch.WithCallback(c.CallbackURL, cred)
		if err := dispatch.New(opt).Err(); err != nil {
			return nil, nil, fmt.Errorf("--callback-url: %v", strings.TrimPrefix(err.Error(), "dispatch: callback: "))
		}
		d.host = serveHost(c.CallbackURL)
		opts, to = append(opts, opt), append(to, d)
	}
	if c.CallbotURL == "" {
		if key != "" {
			logger.Warn("CALLFLOW_CALLBOT_API_KEY is set but --callbot-url is not: callbot triggers are not dispatched")
		}
	} else {
		if key == "" {
			return nil, nil, errors.New("--callbot-url needs OMICall's API key: set CALLFLOW_CALLBOT_API_KEY or CALLFLOW_CALLBOT_API_KEY_FILE")
		}
		opt := dispatch.WithCallbot(c.CallbotURL, key)
		if err := dispatch.New(opt).Err(); err != nil {
			return nil, nil, fmt.Errorf("--callbot-url: %v", strings.TrimPrefix(err.Error(), "dispatch: callbot: "))
		}
		opts, to = append(opts, opt), append(to, serveDispatch{platform: "callbot", host: serveHost(c.CallbotURL), auth: "API key"})
	}
	if len(opts) == 0 {
		return nil, nil, nil
	}
	dlog := logger.With("component", "dispatch")
	if c.MaskNumbers {
		dlog = slog.New(server.MaskingHandler(logger.Handler())).With("component", "dispatch")
	}
	opts = append(opts,
		dispatch.WithRetry(c.DispatchRetries+1, serveDispatchBackoff),
		dispatch.WithLogger(dlog))
	if outcomes != nil {
		opts = append(opts, dispatch.WithOutcomeStore(outcomes))
	}
	client := dispatch.New(opts...)
	if err := client.Err(); err != nil {
		return nil, nil, err
	}
	return client, to, nil
}

// serveStoreTimeout bounds connecting to --store at start.
const serveStoreTimeout = 5 * time.Second

// openStore connects to --store, with the password from the environment;
// nil without --store. A Redis that cannot be reached is an error naming
// the URL without its password.
func (c *serveCmd) openStore(ctx context.Context) (*redisstore.Store, error) {
	password, err := serveSecretFromEnv("CALLFLOW_STORE_PASSWORD")
	if err != nil {
		return nil, err
	}
	if c.Store == "" {
		if password != "" {
			return nil, errors.New("CALLFLOW_STORE_PASSWORD is set but --store is not: set --store (or CALLFLOW_STORE) to the Redis it is for")
		}
		return nil, nil
	}
	opts := []redisstore.Option{redisstore.WithPrefix(c.StorePrefix)}
	if password != "" {
		opts = append(opts, redisstore.WithPassword(password))
	}
	octx, cancel := context.WithTimeout(ctx, serveStoreTimeout)
	defer cancel()
	s, err := redisstore.Open(octx, c.Store, opts...)
	if err != nil {
		return nil, fmt.Errorf("--store: %v", strings.TrimPrefix(err.Error(), "redisstore: "))
	}
	return s, nil
}

// serveHost is the scheme and host of a base URL that parsed.
func serveHost(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "?"
	}
	return u.Scheme + "://" + u.Host
}

// serveSecretFromEnv reads a secret from $NAME, or from the file $NAME_FILE
// names (trailing white space dropped, as files end in a newline).
func serveSecretFromEnv(name string) (string, error) {
	v, file := os.Getenv(name), os.Getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %v", name, err)
		}
		s := strings.TrimRight(string(b), " \t\r\n")
		if s == "" {
			return "", fmt.Errorf("%s_FILE: %s is empty", name, file)
		}
		return s, nil
	}
	return v, nil
}

// secret is the key that signs 8x8 resume tokens.
func (c *serveCmd) secret(logger *slog.Logger) ([]byte, error) {
	if c.SecretFile != "" {
		b, err := os.ReadFile(c.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("--secret-file: %v", err)
		}
		b = []byte(strings.TrimRight(string(b), " \t\r\n"))
		if len(b) < 16 {
			return nil, fmt.Errorf("--secret-file: %s holds %d bytes; use at least 16 (32 random bytes are best)", c.SecretFile, len(b))
		}
		return b, nil
	}
	if v := os.Getenv("CALLFLOW_SECRET"); v != "" {
		if len(v) < 16 {
			return nil, fmt.Errorf("CALLFLOW_SECRET holds %d bytes; use at least 16 (32 random bytes are best)", len(v))
		}
		return []byte(v), nil
	}
	logger.Warn("no --secret-file or CALLFLOW_SECRET: 8x8 resume tokens are signed with a random key, so calls waiting on a capture fail after a restart, and replicas cannot share calls")
	key := make([]byte, 32)
	rand.Read(key)
	return key, nil
}

// serveFlowTests is --require-tests: a flow's own test blocks, run by flowtest
// with golden files read from the flows folder.
// They are read through an os.Root, opened for each run (the folder may be
// a symlink that is swapped), so a golden file never leads outside it.
func serveFlowTests(dir string) func(context.Context, *ir.Flow) error {
	return func(ctx context.Context, f *ir.Flow) error {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return fmt.Errorf("cannot read the flows folder for the tests' golden files: %w", err)
		}
		defer root.Close()
		rep := flowtest.Run(ctx, &ir.Program{Flows: []*ir.Flow{f}}, flowtest.WithFS(root.FS()))
		if rep.OK() {
			return nil
		}
		fails := rep.Failures()
		msgs := make([]string, 0, 3)
		for _, t := range fails[:min(len(fails), 3)] {
			msgs = append(msgs, fmt.Sprintf("%s (%v)", t.Name, t.Failure))
		}
		more := ""
		if len(fails) > 3 {
			more = fmt.Sprintf("; and %d more", len(fails)-3)
		}
		return fmt.Errorf("%d of %d tests fail: %s%s", len(fails), len(rep.Tests), strings.Join(msgs, "; "), more)
	}
}

// servePrintLoad prints what the first load found: each flow file, then the
// errors of those that failed. Paths are relative to the working directory.
func servePrintLoad(w io.Writer, dir string, ev reload.Event) {
	ok, failed := 0, 0
	for _, f := range ev.Status.Flows {
		if f.Status == reload.StatusOK {
			ok++
		} else {
			failed++
		}
	}
	noun := "flows"
	if ok == 1 {
		noun = "flow"
	}
	fmt.Fprintf(w, "loaded %d %s", ok, noun)
	if failed > 0 {
		fmt.Fprintf(w, "; %d with errors", failed)
	}
	fmt.Fprintf(w, " (%s)\n", ev.Duration.Round(time.Millisecond))
	for _, f := range ev.Status.Flows {
		state := f.Status
		if f.Status == reload.StatusError && !f.Serving {
			state += ", not serving"
		}
		fmt.Fprintf(w, "  %-20s %-28s %-9s", f.Name, serveRel(dir, f.File), strings.Join(f.Targets, ","))
		if len(f.Numbers) > 0 {
			fmt.Fprintf(w, " %s", strings.Join(f.Numbers, ","))
		}
		fmt.Fprintf(w, "  %s\n", state)
	}
	for _, p := range ev.Status.Problems {
		fmt.Fprintf(w, "  left out: %s\n", p.Error)
	}
	var errs diag.Diagnostics
	files := source.Files{}
	for _, d := range ev.Diagnostics {
		if d.Severity != diag.Error {
			continue
		}
		c := *d
		c.Subject.File = serveRel(dir, c.Subject.File)
		c.Related = nil
		for _, r := range d.Related {
			r.Span.File = serveRel(dir, r.Span.File)
			c.Related = append(c.Related, r)
		}
		errs = append(errs, &c)
	}
	for name, f := range ev.Sources {
		files[serveRel(dir, name)] = f
	}
	if len(errs) > 0 {
		fmt.Fprintln(w)
		diag.Write(w, diag.FormatText, errs, files)
	}
}

// serveRel is the path of name, relative to dir, as seen from the working
// directory.
func serveRel(dir, name string) string {
	if name == "" {
		return ""
	}
	return path.Join(filepath.ToSlash(dir), name)
}

// serveURL is where a browser on this machine reaches addr.
func serveURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Help is shown under the flags by `callflow serve --help`: the routes and
// secrets come from the platforms' declarations.
func (c *serveCmd) Help() string {
	var b strings.Builder
	b.WriteString("Routes:")
	for _, d := range runtime.Platforms() {
		fmt.Fprintf(&b, "\n  %-9s %s", d.AllowHeader(), routePaths(d))
	}
	b.WriteString("\n  GET       /healthz, /readyz, /v1/flows, /v1/status, /metrics.\n")
	b.WriteString("\nSecrets come only from the environment, or from a file named by NAME_FILE:\n")
	for _, spec := range serveSecretSpecs() {
		fmt.Fprintf(&b, "  %-24s %s\n", spec.Env, spec.Help)
	}
	b.WriteString(`  CALLFLOW_SECRET          the key that signs resume tokens (or --secret-file)
  CALLFLOW_CALLBACK_TOKEN  with --callback-url: the bearer token sent to DataTechLabs
  CALLFLOW_CALLBACK_AUTH   with --callback-url: instead, a header value (see --callback-auth-header)
  CALLFLOW_CALLBOT_API_KEY with --callbot-url: OMICall's API key
  CALLFLOW_STORE_PASSWORD  with --store: the Redis password

SIGHUP rescans the folder. SIGINT or SIGTERM stops accepting, finishes the
webhooks in flight, and exits 0.
See docs/server.md and docs/platforms.md.`)
	return b.String()
}

// routePaths lists d's route paths.
func routePaths(d *platform.Declaration) string {
	paths := make([]string, len(d.Routes))
	for i, r := range d.Routes {
		paths[i] = r.Path
	}
	return strings.Join(paths, ", ")
}
