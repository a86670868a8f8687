package degrade

import (
	"context"
	"errors"
	"time"

	"github.com/callflow/callflow/runtime"
)

// Bundles wraps the shared store of flow-version bundles. Nothing falls
// back here: this process holds the versions it loaded, and a version it
// never loaded cannot be had while the store is unavailable (the call
// pinned to it gets the safe fallback). Each read is reported to the
// Observer (BundleFetched).
func (g *Guard) Bundles(b runtime.BundleStore) runtime.BundleStore { return &bundleStore{g: g, b: b} }

type bundleStore struct {
	g *Guard
	b runtime.BundleStore
}

func (w *bundleStore) Put(ctx context.Context, version string, data []byte, ttl time.Duration) error {
	_, err := w.g.run(ctx, "bundle_put", true, func(ctx context.Context) error { return w.b.Put(ctx, version, data, ttl) })
	return err
}

func (w *bundleStore) Get(ctx context.Context, version string) ([]byte, error) {
	var data []byte
	_, err := w.g.run(ctx, "bundle_get", true, func(ctx context.Context) (err error) {
		data, err = w.b.Get(ctx, version)
		return err
	})
	switch {
	case err == nil:
		w.g.obs.BundleFetched(BundleOK)
	case errors.Is(err, runtime.ErrNoBundle):
		w.g.obs.BundleFetched(BundleMissing)
	default:
		w.g.obs.BundleFetched(BundleError)
	}
	return data, err
}
