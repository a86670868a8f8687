package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callflow/callflow/runtime"
)

// Bundles keeps flow-version bundles in the store's Redis
// (runtime.BundleStore): PREFIX:{bundle:VERSION}:b, the bundle's bytes.
type Bundles struct{ s *Store }

var _ runtime.BundleStore = Bundles{}

// Bundles is the bundle store on s's connection and prefix.
func (s *Store) Bundles() Bundles { return Bundles{s} }

func (b Bundles) key(version string) string { return b.s.tagged("bundle", version, ":b") }

// Put stores data under version unless a bundle is held there, and keeps
// what is held at least ttl from now: SET NX PX and PEXPIRE GT (Redis 7.0),
// pipelined in one round trip.
func (b Bundles) Put(ctx context.Context, version string, data []byte, ttl time.Duration) error {
	k, ms := b.key(version), millis(ttl)
	pipe := b.s.rdb.Pipeline()
	set := pipe.Do(ctx, "SET", k, data, "NX", "PX", ms)
	extend := pipe.Do(ctx, "PEXPIRE", k, ms, "GT")
	pipe.Exec(ctx) // each command's error is its own
	err := set.Err()
	if errors.Is(err, redis.Nil) { // SET NX found one held: not an error
		err = extend.Err()
	}
	return storeError(ctx, "put bundle", err)
}

// Get returns the bytes held under version, or runtime.ErrNoBundle.
func (b Bundles) Get(ctx context.Context, version string) ([]byte, error) {
	v, err := b.s.rdb.Get(ctx, b.key(version)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, runtime.ErrNoBundle
	}
	return v, storeError(ctx, "get bundle", err)
}
