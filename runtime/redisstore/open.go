package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Defaults far below go-redis's own (5 s timeouts, 3 retries, 5 dial
// attempts): a webhook has a budget of a few seconds in all, and a Redis
// that does not answer a small command within a few hundred milliseconds
// is better treated as gone than waited on. Every operation is also
// bounded by its context (the webhook's deadline).
const (
	DefaultTimeout    = 200 * time.Millisecond // dial, read, write and waiting for a pooled connection
	DefaultMaxRetries = 1                      // a command that failed on the network is sent once more, at most
	DefaultPrefix     = "callflow"
)

// Option configures a Store.
type Option func(*config)

type config struct {
	prefix   string
	password string
	timeout  time.Duration
	hooks    []redis.Hook
}

// WithPrefix starts every key with prefix and a colon (default
// "callflow"). Replicas that share calls must share it; two deployments
// on one Redis must not. It may not hold '{' or '}' (the hash tag's).
func WithPrefix(prefix string) Option { return func(c *config) { c.prefix = prefix } }

// WithPassword sets the password Redis is given (with Sentinel, the
// master's), instead of the URL's: for a password from the environment or
// a file.
func WithPassword(password string) Option { return func(c *config) { c.password = password } }

// WithTimeout sets the dial, read, write and pool timeouts (default
// DefaultTimeout), unless the URL sets them (dial_timeout=…).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithHook adds a go-redis hook to the client Open makes: to count round
// trips or meter commands.
func WithHook(h redis.Hook) Option { return func(c *config) { c.hooks = append(c.hooks, h) } }

// Open connects to the Redis rawURL names and checks it answers (PING,
// within ctx). The forms:
//
//	redis://[[user]:password@]host[:port][/db][?option=value&…]   one Redis
//	rediss://…                                                      the same over TLS
//	unix://[[user]:password@]/path/to/redis.sock[?db=N]             one Redis on a Unix socket
//	redis+sentinel://[[user]:password@]host:port[/db]?master_name=NAME[&addr=host:port…]
//	                                                                the master Sentinel names (rediss+sentinel:// for TLS)
//	redis+cluster://[[user]:password@]host:port[?addr=host:port…]  a Redis Cluster, from seed nodes (rediss+cluster:// for TLS)
//
// The options are go-redis's (ParseURL, ParseFailoverURL, ParseClusterURL:
// dial_timeout, read_timeout, write_timeout, pool_size, max_retries, …);
// unset, timeouts are DefaultTimeout and retries DefaultMaxRetries. For
// Sentinel, as in go-redis, the URL's user and password are the sentinels'
// (when they require one), and the master's password is WithPassword's
// (or a password= option). The URL in an error is redacted (Redact).
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	cfg := config{prefix: DefaultPrefix, timeout: DefaultTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	client, err := newClient(rawURL, &cfg)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s: %w", Redact(rawURL), err)
	}
	for _, h := range cfg.hooks {
		client.AddHook(h)
	}
	s, err := newStore(client, cfg.prefix, true)
	if err != nil {
		client.Close()
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("redisstore: %s: %w", Redact(rawURL), err)
	}
	return s, nil
}

// newClient makes the go-redis client of a URL, with callflow's timeouts
// where the URL sets none.
func newClient(rawURL string, cfg *config) (redis.UniversalClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	base, mode, _ := strings.Cut(u.Scheme, "+")
	if base != "redis" && base != "rediss" && (base != "unix" || mode != "") {
		return nil, fmt.Errorf("scheme %q is not one of redis, rediss, unix, redis+sentinel, rediss+sentinel, redis+cluster, rediss+cluster", u.Scheme)
	}
	u.Scheme = base
	plain := u.String()
	off := &maintnotifications.Config{Mode: maintnotifications.ModeDisabled} // a Redis 7.0 does not know them
	switch mode {
	case "":
		o, err := redis.ParseURL(plain)
		if err != nil {
			return nil, hint(err)
		}
		cfg.tune(tuning{&o.Password, &o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout,
			&o.MaxRetries, &o.DialerRetries, &o.ContextTimeoutEnabled, &o.PipelinePoolSize})
		o.MaintNotificationsConfig = off
		return redis.NewClient(o), nil
	case "sentinel":
		o, err := redis.ParseFailoverURL(plain)
		if err != nil {
			return nil, hint(err)
		}
		if o.MasterName == "" {
			return nil, errors.New("a Sentinel URL names its master: add ?master_name=NAME")
		}
		cfg.tune(tuning{&o.Password, &o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout,
			&o.MaxRetries, &o.DialerRetries, &o.ContextTimeoutEnabled, &o.PipelinePoolSize})
		return redis.NewFailoverClient(o), nil
	case "cluster":
		o, err := redis.ParseClusterURL(plain)
		if err != nil {
			return nil, hint(err)
		}
		cfg.tune(tuning{&o.Password, &o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout,
			&o.MaxRetries, &o.DialerRetries, &o.ContextTimeoutEnabled, &o.PipelinePoolSize})
		o.MaintNotificationsConfig = off
		return redis.NewClusterClient(o), nil
	}
	return nil, fmt.Errorf("scheme %q: after + comes sentinel or cluster", u.Scheme)
}

// tuning points at the fields every go-redis options type has (a Client's,
// a FailoverClient's, a ClusterClient's), so the store sets them once.
type tuning struct {
	password                  *string // a Sentinel's: the master's; the sentinels' is the URL's user part
	dial, read, write, pool   *time.Duration
	maxRetries, dialerRetries *int
	contextTimeout            *bool
	pipelinePool              *int
}

// tune sets the password given apart from the URL, and what the URL left
// unset: timeouts of cfg.timeout, at most
// DefaultMaxRetries retries (go-redis reads 0 as its default of 3, and -1
// as none), one dial attempt, the caller's context deadline honoured, and
// pipelines sharing the commands' pool (go-redis makes a second pool for
// them by default, doubling the connections each replica holds to Redis for
// no gain: the store's pipelines are two commands).
func (cfg config) tune(t tuning) {
	if cfg.password != "" {
		*t.password = cfg.password
	}
	for _, d := range []*time.Duration{t.dial, t.read, t.write, t.pool} {
		if *d == 0 {
			*d = cfg.timeout
		}
	}
	if *t.maxRetries == 0 {
		*t.maxRetries = DefaultMaxRetries
	}
	*t.dialerRetries = 1
	*t.contextTimeout = true
	if *t.pipelinePool == 0 {
		*t.pipelinePool = -1
	}
}

// hint adds what to do to go-redis's URL errors.
func hint(err error) error {
	if strings.Contains(err.Error(), "unexpected option: addr") {
		return fmt.Errorf("%w (several addresses are for Sentinel or Cluster: redis+sentinel://… or redis+cluster://…)", err)
	}
	return err
}

// Redact returns rawURL without its password (in the user part or a
// password= option), for logs and errors.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(a URL that does not parse)"
	}
	q := u.Query()
	for _, k := range []string{"password", "sentinel_password"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
			u.RawQuery = q.Encode()
		}
	}
	return u.Redacted()
}
