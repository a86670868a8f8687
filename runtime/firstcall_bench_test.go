package runtime_test

import (
	"context"
	"os"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// BenchmarkP1FirstCall is the first P1 webhook an engine answers with a
// freshly compiled program: lazily compiled expressions (the default)
// compile their bytecode during it, eagerly compiled ones
// (lang.WithEagerCode) did so with the flow. Only the webhook is timed;
// every later webhook is the same either way (P1). Each iteration compiles
// the shipped flows untimed: run it with a count, -benchtime 100x.
func BenchmarkP1FirstCall(b *testing.B) {
	bodies := benchTencentBodies(b, 1, benchCaller, platform.Bound{IVRID: 5})
	given := map[string]any{"customer": map[string]any{"vip": false, "name": ""}}
	for _, mode := range []struct {
		name string
		opts []lang.Option
	}{{"lazy", nil}, {"eager", []lang.Option{lang.WithEagerCode()}}} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				prog, ds := lang.CompileDir(os.DirFS("../flows"), append(mode.opts, lang.WithPlaceholderSecrets())...)
				if ds.HasErrors() {
					b.Fatal(ds)
				}
				eng := benchEngine(b, prog)
				b.StartTimer()
				res, err := eng.Serve(context.Background(), &runtime.Request{Platform: "tencent", Body: bodies[0], Now: benchAt, Given: given})
				if err != nil || res.Outcome != runtime.Answered {
					b.Fatalf("%v %v", res.Outcome, err)
				}
			}
		})
	}
}
