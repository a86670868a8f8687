package tencent

import (
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

// BenchmarkDecodeRender is the adapter's share of one tencent webhook.
func BenchmarkDecodeRender(b *testing.B) {
	body := sample(b, "call_vip.json")
	a := New()
	r := &platform.Response{Actions: []platform.Action{platform.Agent{ID: 388}}, Vars: []platform.Var{{Key: "name", Value: "Xiao Ming"}}}
	b.ReportAllocs()
	for b.Loop() {
		ev, err := a.Decode(body, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Render(ev, r); err != nil {
			b.Fatal(err)
		}
	}
}
