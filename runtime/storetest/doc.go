// Package storetest is the conformance suite of callflow's stores: every
// implementation of runtime.SessionStore, runtime.AnswerStore,
// dispatch.OutcomeStore and runtime.BundleStore passes it, so that memory
// (the embedded default), the `callflow run --state` file and a store
// shared by several replicas (Redis) give the engine the same semantics
// (docs/embedding.md; the contract is scale.md §2). Call it from a test in
// the store's own package:
//
//	func TestConformance(t *testing.T) {
//		storetest.Sessions(t, func(t *testing.T, clock *storetest.Clock) runtime.SessionStore {
//			return mystore.New(mystore.WithClock(clock.Now))
//		})
//		storetest.Answers(t, …)
//		storetest.Dispatch(t, …)
//		storetest.Bundles(t, …)
//	}
//
// Each function runs one subtest per clause, and calls open once per
// subtest: open must return an empty store (a fresh key prefix will do for
// a shared server). open may register cleanups with t.
//
// # Time
//
// Expiry is tested without sleeping. A store that can read its time from a
// clock is given a *Clock, which the suite moves forward past a TTL
// (Clock.Advance): expiry tests are then exact (alive one second before
// the TTL ends, gone at its end) and take no time. A store that keeps time
// by itself, as Redis does with its own expiry, is run with RealTime: the
// suite then writes with short real TTLs (RealTime's, 150 ms by default)
// and waits for what must expire by polling with a deadline, never by
// sleeping a fixed time; an assertion that something is still alive is
// made only when it was read before its TTL could have passed. A waiting
// Claim ends on the claim's expiry by the store's own means (a timer of
// the time left, or polling), so claim TTLs are short in both modes.
//
// What is not a store's clause is not tested here: that a 4xx reply is
// never stored is the engine's choice (it releases such a claim rather
// than filling it; runtime's TestTriggerRetriedAfterItsFlowIsLoaded), and
// that a failed dispatch is kept for a minute is the dispatch client's
// (it fills with dispatch.FailedOutcomeTTL; runtime/dispatch's
// TestOutcomeTTLs). The suite checks that a store keeps each outcome for
// the TTL it is given.
package storetest
