package degrade_test

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade/degradetest"
)

// BenchmarkGuard is an 8x8 step (the caller presses 9 at the menu)
// through the engine on a healthy shared store kept in memory (so that
// only callflow's own work is timed), without the Guard (plain) and with
// it (guarded): what the bounds, the breaker and the look-up of calls
// held here add to a webhook on a shared store, whose two Redis round
// trips take about 100 µs each on loopback.
var benchCalls atomic.Int64

func BenchmarkGuard(b *testing.B) {
	ctx := context.Background()
	plain, err := runtime.New(runtime.WithFlows(shipped(b)), runtime.WithSecret(secret),
		runtime.WithClock(func() time.Time { return stepAt }), runtime.WithStore(degradetest.New()))
	if err != nil {
		b.Fatal(err)
	}
	engines := map[string]*runtime.Engine{"plain": plain, "guarded": newRig(b, false).eng}
	for _, name := range []string{"plain", "guarded"} {
		eng := engines[name]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				n := benchCalls.Add(1) // a new call each time, across runs
				b.StopTimer()
				reply, err := eng.Handle(ctx, "8x8", "", webhook8x8(b, fmt.Sprintf("%s-%d", name, n), 0, "", ""))
				if err != nil {
					b.Fatal(err)
				}
				step := webhook8x8(b, fmt.Sprintf("%s-%d", name, n), 1, resumeOf(b, reply.Body), "9")
				b.StartTimer()
				reply, err = eng.Handle(ctx, "8x8", "", step)
				if err != nil || !bytes.Contains(reply.Body, []byte(orderPrompt)) {
					b.Fatalf("%v %s", err, reply.Body)
				}
			}
		})
	}
}
