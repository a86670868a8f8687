// Package redisstore keeps callflow's shared state in Redis, so several
// `callflow serve` replicas behind one load balancer answer the same calls:
// the sessions of calls waiting on a capture (runtime.SessionStore), the
// answers given to each delivery (runtime.AnswerStore), and both for one
// webhook in two round trips (runtime.CallStore). It is the home of
// github.com/redis/go-redis/v9; the rest of callflow sees only the runtime's
// store interfaces.
//
// Open connects from a URL (see Open for its forms: a single Redis, TLS,
// Sentinel, Cluster). Every key starts with a prefix (default "callflow")
// and carries the call's hash tag, so every key one webhook touches is in
// one Cluster slot:
//
//	callflow:{8x8:SESSION}:s           the session: "REVISION JSON", session TTL
//	callflow:{8x8:SESSION}:a:EVENTID   an answer: "p TOKEN" while claimed, then the reply; answer budget, then 1 h
//	callflow:{tencent:SESSIONID}:a     an answer whose delivery id is the session's
//
// Every key is written with its TTL in the same command or script. Nothing
// needs a command newer than Redis 7.0; compare-and-set, fill and release
// are Lua scripts run by EVALSHA (EVAL when Redis lost them, after a
// restart). Timeouts are a few hundred milliseconds and go-redis retries
// once at most; every operation is also bounded by its context.
//
// What to do while Redis is slow or gone (a circuit breaker, process-local
// state meanwhile) is not this package's: it belongs to a store that wraps
// this one, as the engine sees only the runtime's interfaces. Such a
// wrapper counts as failures the errors other than runtime.ErrNotFound,
// runtime.ErrConflict, runtime.ErrNoBundle and its context's end (they are
// answers, not faults), probes with Ping, and implements runtime.CallStore
// itself, forwarding, to keep a webhook at two round trips.
package redisstore
