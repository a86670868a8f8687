package runtime

import (
	"context"
	"errors"
	"time"
)

// ErrNoBundle is returned by a BundleStore for a version it does not hold.
var ErrNoBundle = errors.New("flow version bundle not found")

// BundleStore keeps flow-version bundles (lang/bundle, encoded by
// Bundle.Marshal) by version hash, so that a replica asked to resume a
// call pinned to a version it never loaded can fetch that version, compile
// it and resume the call. Bundles are content-addressed: the key is the
// hash of the content, so two bundles stored under one key never differ.
//
// A store holds bytes and never interprets them; the reader trusts them
// only after bundle.Open has verified that they hash to the version asked
// for (a corrupted value is an error, never compiled). A store shared by
// several replicas (Redis) implements Put with a set-if-absent that sets
// the TTL in the same step, and extends the TTL of a bundle already held.
// runtime/storetest.Bundles is the conformance suite every implementation
// passes.
type BundleStore interface {
	// Put stores data as the bundle of version unless one is held already
	// (the first stays), and keeps what is held for at least ttl from now.
	Put(ctx context.Context, version string, data []byte, ttl time.Duration) error
	// Get returns the bytes held under version, or ErrNoBundle.
	Get(ctx context.Context, version string) ([]byte, error)
}
