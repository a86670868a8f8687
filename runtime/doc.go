// Package runtime evaluates compiled flows against incoming webhooks. An
// Engine holds the current ir.Program (swapped atomically on reload), one
// adapter per platform, a SessionStore for calls that wait on a capture, and
// answers each webhook with the platform's JSON within the platform's answer
// budget, or with its safe fallback.
//
//	prog, diags := lang.CompileDir(os.DirFS("flows"))
//	eng, err := runtime.New(runtime.WithFlows(prog))
//	reply, err := eng.Handle(ctx, "8x8", "support", body)
//
// Every call stays on the version of its flow it started on, even when the
// program is swapped; a retried webhook gets the answer it got the first time.
//
// State lives in stores with one contract (docs/embedding.md, section 8):
// sessions (SessionStore), the answers to deliveries (AnswerStore) and
// flow-version bundles (BundleStore), in memory by default. Replicas that
// share them are one server: a call may continue on any of them, on the
// version it started on. runtime/storetest is the conformance suite every
// implementation passes.
package runtime
