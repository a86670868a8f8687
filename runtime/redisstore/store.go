package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/callflow/callflow/runtime"
)

// Store keeps sessions and answers in Redis. It implements
// runtime.SessionStore, runtime.AnswerStore and runtime.CallStore, and is
// safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	prefix string // with its colon
	owned  bool   // Close closes rdb
}

// Compile-time checks of the interfaces the engine uses.
var _ runtime.CallStore = (*Store)(nil)

// New makes a Store on a client the caller built and configured (its
// timeouts and retries are the caller's; see Open for callflow's), with
// WithPrefix's prefix. Close does not close the client.
func New(client redis.UniversalClient, opts ...Option) (*Store, error) {
	cfg := config{prefix: DefaultPrefix}
	for _, o := range opts {
		o(&cfg)
	}
	return newStore(client, cfg.prefix, false)
}

func newStore(client redis.UniversalClient, prefix string, owned bool) (*Store, error) {
	if err := CheckPrefix(prefix); err != nil {
		return nil, fmt.Errorf("redisstore: prefix %w", err)
	}
	return &Store{rdb: client, prefix: prefix + ":", owned: owned}, nil
}

// CheckPrefix reports a key prefix WithPrefix would refuse: empty, or
// holding a brace. The error starts with the quoted prefix, for the
// caller to say where it came from.
func CheckPrefix(prefix string) error {
	if prefix == "" || strings.ContainsAny(prefix, "{}") {
		return fmt.Errorf("%q: use a non-empty prefix without { or } (the braces hold each call's hash tag)", prefix)
	}
	return nil
}

// Ping checks that Redis answers, and loads the store's scripts so that
// the first webhooks need no EVAL fallback.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return err
	}
	for _, sc := range scripts {
		if err := sc.Load(ctx, s.rdb).Err(); err != nil {
			return fmt.Errorf("loading a script: %w", err)
		}
	}
	return nil
}

// Close closes the connections Open made.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.rdb.Close()
}

// Client is the go-redis client, for what the store does not do (tests,
// metrics).
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// sessionKey is the Redis key of the session under the engine's key
// "platform|session id": PREFIX:{platform:session}:s.
func (s *Store) sessionKey(key string) string {
	p, id, ok := strings.Cut(key, "|")
	if !ok {
		p, id = "", key
	}
	return s.tagged(p, id, ":s")
}

// answerKey is the Redis key of the answer under the engine's key
// (runtime.AnswerKey): PREFIX:{platform:session}:a, and :DELIVERY when the
// delivery id is not the session's; a delivery to a flow named in the URL
// has :a/FLOW in place of :a (FLOW with '%' and ':' escaped, %25 and %3A),
// in the call's slot still. A key AnswerKey did not make is tagged whole.
func (s *Store) answerKey(key string) string {
	p, flow, session, delivery, ok := runtime.SplitAnswerKey(key)
	if !ok {
		return s.tagged("", key, ":a")
	}
	suffix := ":a"
	if flow != "" {
		suffix += "/" + flowEscaper.Replace(flow)
	}
	if delivery != session {
		suffix += ":" + delivery
	}
	return s.tagged(p, session, suffix)
}

// flowEscaper writes a flow name in a key suffix, where ':' separates.
var flowEscaper = strings.NewReplacer("%", "%25", ":", "%3A")

// tagged is PREFIX:{platform:id}suffix. In id, '%' and '}' are escaped
// (%25, %7D): a '}' would end the hash tag, and the escape keeps two ids
// from making one key.
func (s *Store) tagged(platform, id, suffix string) string {
	var b strings.Builder
	b.Grow(len(s.prefix) + len(platform) + len(id) + len(suffix) + 4)
	b.WriteString(s.prefix)
	b.WriteByte('{')
	if platform != "" {
		b.WriteString(platform)
		b.WriteByte(':')
	}
	if strings.ContainsAny(id, "%}") {
		id = tagEscaper.Replace(id)
	}
	b.WriteString(id)
	b.WriteByte('}')
	b.WriteString(suffix)
	return b.String()
}

var tagEscaper = strings.NewReplacer("%", "%25", "}", "%7D")

// storeError wraps a Redis failure with the operation, keeping
// runtime.ErrNotFound and runtime.ErrConflict as they are. A failure when
// ctx had ended is also ctx's error (go-redis reports a deadline passed
// on the socket as a timeout of its own), so errors.Is tells a webhook out
// of time from a Redis at fault.
func storeError(ctx context.Context, op string, err error) error {
	switch {
	case err == nil || errors.Is(err, runtime.ErrNotFound) || errors.Is(err, runtime.ErrConflict):
		return err
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return fmt.Errorf("redisstore: %s: %w: %w", op, ctx.Err(), err)
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}
