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
	f.Add("8x8", "call-1", "event-1")
	f.Add("tencent", "s|1", "s|1")
	f.Add("callback", "a%7Cb", "x|y%")
	f.Add("8x8", "", "e")
	f.Fuzz(func(t *testing.T, p, session, delivery string) {
		if p == "" || strings.Contains(p, "|") {
			t.Skip("platform names are fixed words")
		}
		key := runtime.AnswerKey(p, session, delivery)
		gp, gs, gd, ok := runtime.SplitAnswerKey(key)
		if !ok || gp != p || gs != session || gd != delivery {
			t.Fatalf("AnswerKey(%q, %q, %q) = %q, split as %q %q %q %v", p, session, delivery, key, gp, gs, gd, ok)
		}
	})
}

func TestSplitAnswerKeyRefuses(t *testing.T) {
	for _, k := range []string{"", "nopipe", "|x", "8x8|bad%escape|e", "8x8|%2"} {
		if _, _, _, ok := runtime.SplitAnswerKey(k); ok {
			t.Errorf("SplitAnswerKey(%q) accepted a key AnswerKey cannot make", k)
		}
	}
}
