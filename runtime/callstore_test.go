package runtime_test

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime"
)

// FuzzAnswerKey: SplitAnswerKey gives back the ids AnswerKey joined,
// whatever they hold, so a store keeps a delivery's answer with the call
// it belongs to and two deliveries never share a key.
func FuzzAnswerKey(f *testing.F) {
	f.Add("8x8", "", "call-1", "event-1")
	f.Add("tencent", "", "s|1", "s|1")
	f.Add("tencent", "support", "s|1", "s|1")
	f.Add("callback", "a/b|c%", "a%7Cb", "x|y%")
	f.Add("8x8", "", "", "e")
	f.Fuzz(func(t *testing.T, p, flow, session, delivery string) {
		if p == "" || strings.ContainsAny(p, "|/") {
			t.Skip("platform names are fixed words")
		}
		key := runtime.AnswerKey(p, flow, session, delivery)
		gp, gf, gs, gd, ok := runtime.SplitAnswerKey(key)
		if !ok || gp != p || gf != flow || gs != session || gd != delivery {
			t.Fatalf("AnswerKey(%q, %q, %q, %q) = %q, split as %q %q %q %q %v", p, flow, session, delivery, key, gp, gf, gs, gd, ok)
		}
	})
}

// One id on two flows' routes, or on a route and by number, is three
// deliveries.
func TestAnswerKeyHasTheFlow(t *testing.T) {
	keys := map[string]bool{}
	for _, flow := range []string{"", "support", "sales"} {
		keys[runtime.AnswerKey("tencent", flow, "s-1", "s-1")] = true
	}
	if len(keys) != 3 {
		t.Errorf("one SessionId on three routes made %d keys: %v", len(keys), keys)
	}
}

func TestSplitAnswerKeyRefuses(t *testing.T) {
	for _, k := range []string{"", "nopipe", "|x", "8x8|bad%escape|e", "8x8|%2", "8x8/|s", "/f|s", "8x8/%zz|s"} {
		if _, _, _, _, ok := runtime.SplitAnswerKey(k); ok {
			t.Errorf("SplitAnswerKey(%q) accepted a key AnswerKey cannot make", k)
		}
	}
}
