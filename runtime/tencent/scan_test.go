package tencent

import (
	"testing"

	"github.com/callflow/callflow/runtime/internal/golden"
	"github.com/callflow/callflow/runtime/platform"
)

// The webhooks Tencent sends, and the ones Webhook builds, are read by the
// scan, not by the slower paths, and as the strict path reads them; ids of
// 2^53 and more are left to the strict path, which reads them exactly.
func TestScanReadsTencentWebhooks(t *testing.T) {
	bodies := map[string][]byte{}
	for _, name := range samples(t) {
		if ev, err := decodeStrict(sample(t, name)); err == nil && ev.Caller != "" && ev.Callee != "" &&
			ev.Bound.AgentID < maxExactID && ev.Bound.IVRID < maxExactID {
			bodies[name] = sample(t, name)
		}
	}
	built, err := New().Webhook(platform.Call{Session: "s-1", Caller: "+8613166668888", Callee: "+8675566668888", Bound: platform.Bound{IVRID: 5}})
	if err != nil {
		t.Fatal(err)
	}
	bodies["Webhook"] = built
	if len(bodies) < 3 {
		t.Fatalf("only %d sample webhooks", len(bodies))
	}
	for name, body := range bodies {
		ev, ok := decodeScan(body)
		if !ok {
			t.Errorf("%s: the scan declined it", name)
			continue
		}
		strict, err := decodeStrict(body)
		golden.SameEvent(t, body, ev, strict, err)
	}
}
