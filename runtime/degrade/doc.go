// Package degrade keeps callflow answering while the store its replicas
// share (Redis) is slow or gone: degraded mode, scale.md §4. It is the home
// of github.com/sony/gobreaker.
//
// A Guard wraps the shared stores — sessions and answers (with the
// CallStore round trips kept), dispatch outcomes, flow-version bundles —
// with three things:
//
//   - A bound on every operation: the caller's deadline (the webhook's)
//     minus a margin for rendering and writing the answer (DefaultMargin);
//     an operation whose context has no deadline gets DefaultOpTimeout. A
//     claim, which may wait for another copy of its delivery, is bounded by
//     the caller's deadline alone: the engine keeps its own margin for it.
//   - A circuit breaker shared by every store of the Guard: after
//     DefaultFailures operations in a row failed (refused, timed out, an
//     error reply such as Redis's OOM or READONLY) it opens, and no webhook
//     waits on the store; after DefaultPause one operation probes it, and
//     its success closes the breaker. A missing session, a revision
//     conflict or a missing bundle is the store answering, not failing; a
//     caller that gave up (its context canceled) counts for nothing; an
//     operation still unanswered at its deadline counts as a failure, but
//     not a claim that waited until its deadline for another copy's answer
//     with the store answering every poll (runtime.ErrPending: that copy is
//     slow, not the store; a copy that died leaves a claim that expires).
//   - A process-local fallback, never worse than one replica alone: while
//     the store cannot be used, new calls keep their sessions and their
//     deliveries' answers in this process's memory (a MemoryStore and a
//     MemoryAnswers of the Guard's own), and dispatch outcomes in a
//     MemoryOutcomes. A call whose session is held here is resumed from
//     here, before and after the store is back: such calls finish here. A
//     call whose session is only in the shared store gets the platform's
//     safe fallback while the store cannot be reached.
//
// Each breaker transition is logged once (a warning when degraded mode
// starts, with the error that opened the breaker; an info line when it
// ends), and every operation, degraded answer, duplicate delivery and
// bundle fetch is passed to the Observer (runtime/server's Metrics is
// one). Status says what is degraded, for runtime/server's /v1/status.
//
// Wrap only a store on the network: the engine's default in-memory store
// never fails and needs none of this.
//
//	g := degrade.New(degrade.WithLogger(log), degrade.WithObserver(metrics))
//	shared, _ := redisstore.Open(ctx, url)
//	eng, _ := runtime.New(runtime.WithStore(g.Sessions(shared)))
//	client := dispatch.New(dispatch.WithOutcomeStore(g.Outcomes(shared.Outcomes())))
//	srv, _ := server.New(eng, server.WithMetrics(metrics), server.WithStoreGuard(g))
package degrade
