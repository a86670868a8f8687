package runtime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// An action the adapter cannot render is logged at the step that made it,
// not at the last step the webhook ran.
func TestRenderErrorNamesItsStep(t *testing.T) {
	tests := []struct {
		name, platform, src, at string
	}{
		{"8x8 say", "8x8", `flow g
target 8x8
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  say "Welcome."
  say "Too fast." speed len(caller)
  say "Goodbye."
  hangup
}
`, "g.flow:7:3"},
		{"8x8 capture", "8x8", `flow g
target 8x8
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  say "Welcome."
  capture pin { prompt "PIN?"; speed len(caller); tries 1 }
}
`, "g.flow:7:3"},
		{"callbot campaign", "callbot", `flow g
target callbot
otherwise -> main
handler main {
  campaign "c" {
    script "s"
    speed  len(caller)
    contact caller
  }
  set sent = true
  set again = true
}
`, "g.flow:5:3"},
		{"callback", "callback", `flow g
target callback
otherwise -> main
handler main {
  callback {
    leg A to caller[0:0] from "+6511111111"
    leg B to "+6522222222" from "+6511111111"
  }
  set sent = true
}
`, "g.flow:5:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, compile(t, "g.flow", tt.src))
			body := webhook(t, tt.platform, platform.Call{Session: "s-1", Caller: "+6511111111", Callee: "+6522222222"})
			res, err := eng.Serve(context.Background(), &runtime.Request{Platform: tt.platform, Flow: "g", Body: body})
			var re *runtime.Error
			if !errors.As(err, &re) || re.Code != "render" {
				t.Fatalf("Serve: %v (outcome %s), want a render error", err, res.Outcome)
			}
			if got := re.At.String(); got != tt.at {
				t.Errorf("render error at %s, want the step at %s: %v", got, tt.at, err)
			}
			if _, ok := platform.FailedAction(err); !ok {
				t.Errorf("the error does not carry the adapter's (%v)", err)
			}
		})
	}
}
