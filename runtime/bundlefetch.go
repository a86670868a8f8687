package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/bundle"
	"github.com/callflow/callflow/lang/ir"
)

// WithBundleStore shares flow versions through s: the engine stores the
// bundle of every version it loads (in the background, refreshed while
// calls use it), and a call pinned to a version it never loaded (started
// on a replica with another deploy, or before a restart) is resumed by
// fetching that version's bundle, verifying its hash, compiling it once
// and keeping it as loaded versions are kept. Without it, such a call gets
// the platform's safe fallback.
func WithBundleStore(s BundleStore) Option { return func(e *Engine) { e.bundles = s } }

// bundleTimeout bounds the background store of one version's bundle.
const bundleTimeout = 10 * time.Second

// bundleTTL is how long a stored bundle is kept: a session may be written
// just before the bundle was last refreshed (every quarter of the session
// TTL while the version is in use) and then live a whole session TTL.
func (e *Engine) bundleTTL() time.Duration { return e.ttl + e.ttl/4 }

// touch marks a loaded version in use at now (unix nanoseconds), and refreshes its bundle in
// the store when a quarter of the session TTL has passed since it was
// stored: a version in use outlives its last call, wherever that resumes.
// It is on every webhook's path, and small enough to be inlined there.
func (e *Engine) touch(p *pinned, now int64) {
	p.used.Store(now)
	if e.bundles != nil {
		e.refresh(p, now)
	}
}

// refresh stores p's bundle again when a quarter of the session TTL has
// passed since it last was.
func (e *Engine) refresh(p *pinned, now int64) {
	last := p.published.Load()
	if now-last > int64(e.ttl/4) && p.published.CompareAndSwap(last, now) {
		go e.publish(p.flow)
	}
}

// StoreBundles stores the bundle of every flow version new calls use, now,
// and returns the first error. New and Swap already store them in the
// background; call it to know they are stored before serving (a replica
// of another version could otherwise be asked for one first). Without a
// bundle store it does nothing.
func (e *Engine) StoreBundles(ctx context.Context) error {
	if e.bundles == nil {
		return nil
	}
	var first error
	for _, f := range e.cur.Load().prog.Flows {
		if err := e.putBundle(ctx, f); err != nil && first == nil {
			first = fmt.Errorf("flow %s version %s: %w", f.Name, f.Version, err)
		}
	}
	return first
}

// publishAll stores the bundles of p's flows, in the background.
func (e *Engine) publishAll(inst *installed) {
	if e.bundles == nil {
		return
	}
	now := time.Now().UnixNano()
	for _, f := range inst.prog.Flows {
		p := inst.pins[f]
		p.published.Store(now)
		go e.publish(f)
	}
}

// publish stores f's bundle in the background, logging a failure.
func (e *Engine) publish(f *ir.Flow) {
	ctx, cancel := context.WithTimeout(context.Background(), bundleTimeout)
	err := e.putBundle(ctx, f)
	cancel()
	if err != nil {
		e.log.LogAttrs(context.Background(), slog.LevelWarn, "flow version not stored: a call pinned to it cannot resume on another replica",
			attrString("flow", f.Name), attrString("version", f.Version), attrString("error", err.Error()))
	}
}

// putBundle stores f's bundle. A flow not compiled from files has none.
func (e *Engine) putBundle(ctx context.Context, f *ir.Flow) error {
	if f.Bundle == nil {
		return nil
	}
	data, err := f.Bundle.Marshal()
	if err != nil {
		return err
	}
	return e.bundles.Put(ctx, f.Version, data, e.bundleTTL())
}

// fetching is a version being fetched: the webhooks resuming on it at the
// same time wait for the one fetch.
type fetching struct {
	done chan struct{}
	flow *ir.Flow
	err  error
}

// fetcher holds the fetches under way, by version.
type fetcher struct {
	mu      sync.Mutex
	pending map[string]*fetching
}

// fetchVersion loads the version of flow name a call is pinned to from the
// bundle store: verified, compiled, and kept with the loaded versions. It
// returns nil and no error when there is no bundle store or the version
// is not in it.
func (e *Engine) fetchVersion(ctx context.Context, name, version string, now time.Time) (*ir.Flow, error) {
	if e.bundles == nil {
		return nil, nil
	}
	e.fetches.mu.Lock()
	if e.fetches.pending == nil {
		e.fetches.pending = map[string]*fetching{}
	}
	f, busy := e.fetches.pending[version]
	if !busy {
		// A fetch that ended since the caller missed the version stored
		// it before leaving pending: it is loaded now, not to be fetched
		// again.
		if fl := e.version(name, version, now); fl != nil {
			e.fetches.mu.Unlock()
			return fl, nil
		}
		f = &fetching{done: make(chan struct{})}
		e.fetches.pending[version] = f
	}
	e.fetches.mu.Unlock()
	if !busy {
		f.flow, f.err = e.fetch(ctx, version)
		if f.flow != nil {
			p := &pinned{flow: f.flow}
			p.published.Store(now.UnixNano()) // it is in the store
			v, _ := e.versions.LoadOrStore(f.flow.Name+"@"+f.flow.Version, p)
			f.flow = v.(*pinned).flow
		}
		e.fetches.mu.Lock()
		delete(e.fetches.pending, version)
		e.fetches.mu.Unlock()
		close(f.done)
	} else {
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.err != nil || f.flow == nil {
		return nil, f.err
	}
	if f.flow.Name != name {
		return nil, fmt.Errorf("version %s is flow %q, not %q", version, f.flow.Name, name)
	}
	return e.version(name, version, now), nil
}

// fetch reads, verifies and compiles one version's bundle.
func (e *Engine) fetch(ctx context.Context, version string) (*ir.Flow, error) {
	data, err := e.bundles.Get(ctx, version)
	if errors.Is(err, ErrNoBundle) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetching version %s: %w", version, err)
	}
	b, err := bundle.Open(version, data)
	if err != nil {
		return nil, err
	}
	f, _, err := lang.CompileBundle(b)
	if err != nil {
		return nil, err
	}
	e.log.LogAttrs(ctx, slog.LevelInfo, "flow version fetched from the bundle store, to resume a call",
		attrString("flow", f.Name), attrString("version", f.Version))
	return f, nil
}
