package runtime

// PublishBundles stores again, in the background, the bundles of the flow
// versions new calls use (WithBundleStore; nothing without it). A version
// loaded while the shared store was unavailable was not stored, and would
// not be for a quarter of the session TTL: call this when the store is
// back (runtime/degrade's Guard.OnBack), so that other replicas can resume
// its calls at once.
func (e *Engine) PublishBundles() { e.publishAll(e.cur.Load()) }
