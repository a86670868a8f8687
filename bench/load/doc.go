// Package load measures the load and soak figures of quality.md against an
// in-process stack built as `callflow serve` builds it (runtime, reload,
// server, a net/http.Server with serve's timeouts) on 127.0.0.1:
//
//   - P3: requests per second of serve against a bare net/http handler
//     that decodes the same Tencent JSON, decides with if/else
//     (bench/handwritten) and encodes the same answer, both driven by the
//     same load generator with the same keep-alive connections, in
//     alternating stretches of the same run; reception.flow's CRM lookup
//     goes, on both sides, to a loopback server that answers at once,
//     through the same kind of client, pooled as `callflow serve` pools
//     its lookups (runtime.NewLookupClient: 64 idle connections per host),
//     so neither side opens a TCP connection per lookup; the CRM counts
//     each side's lookups, and the run fails unless both made one per
//     webhook. Targets: requests
//     per second ≥ 0.9× the bare handler's, p99 ≤ 1.2× its p99.
//   - P5: the time from a rename save of a flow to its new version
//     answering a webhook.
//   - R1: webhooks at full speed (tencent, and 8x8 calls of four webhooks)
//     while the flows folder changes in every way a folder changes, with
//     every answer checked.
//   - P9: one real `callflow serve` process with its state in Redis on
//     loopback against one with its state in memory: tencent webhooks per
//     second in alternating stretches, the latency of an 8x8 step (a
//     webhook resuming a call waiting on a capture), and the bytes a live
//     call takes in Redis.
//   - R9 and R10, the multi-replica proof of scale.md §6: three real
//     `callflow serve` processes sharing one redis-server (Cluster,
//     RunSpread, RunKill, RunSameDelivery, RunOneTrigger,
//     RunRollingRestart, RunRedisOutage). cmd/callflow's TestReplicas runs
//     it short in `make test`; `callflow-load -mode replicas` runs it long.
//
// Nothing here is ever aimed anywhere but loopback: the servers listen on
// 127.0.0.1:0, and every client, the engine's lookup client included,
// dials through a check that refuses any address that is not a loopback IP
// literal. The runs are bounded in time (and so in requests).
//
// The benchmarks (BenchmarkP3, BenchmarkP5, BenchmarkR1; `make bench`) run
// short forms; TestR1 runs R1's short form in `make test`; the command
// bench/cmd/callflow-load runs the full ones.
package load
