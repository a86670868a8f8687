package runtime_test

import (
	"context"
	"testing"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// Route names the flow a webhook would run on, as Serve picks it, and
// changes nothing: by number, by the URL's flow, by the session a
// resumed call is pinned to; none for a number no flow answers, a flow
// for another platform, an unknown call.
func TestRoute(t *testing.T) {
	eng := newEngine(t, shipped(t))
	ctx := context.Background()
	name := func(f *ir.Flow) string {
		if f == nil {
			return "none"
		}
		return f.Name
	}
	tencent := func(callee string) []byte {
		return webhook(t, "tencent", platform.Call{Session: "route-1", Caller: "+8613166668888", Callee: callee})
	}
	c := newCall8x8(t, eng, "route-8x8", inHours)
	c.start()
	press := webhook(t, "8x8", platform.Call{Session: "route-8x8", Delivery: "route-press", Caller: c.caller, Callee: c.callee, Digits: new("1"), Resume: c.resume})
	unknown := webhook(t, "8x8", platform.Call{Session: "nobody", Delivery: "nobody-1", Caller: c.caller, Callee: c.callee, Digits: new("1"), Resume: c.resume})
	for _, tc := range []struct {
		name string
		req  runtime.Request
		want string
	}{
		{"by number", runtime.Request{Platform: "tencent", Body: tencent("+8675566668888")}, "reception"},
		{"by the URL's flow", runtime.Request{Platform: "tencent", Flow: "reception", Body: tencent("+8600000000000")}, "reception"},
		{"a number no flow answers", runtime.Request{Platform: "tencent", Body: tencent("+8600000000000")}, "none"},
		{"a flow for another platform", runtime.Request{Platform: "tencent", Flow: "support", Body: tencent("+8675566668888")}, "none"},
		{"a resumed call", runtime.Request{Platform: "8x8", Body: press}, "support"},
		{"an unknown call", runtime.Request{Platform: "8x8", Body: unknown}, "none"},
	} {
		f, err := eng.Route(ctx, &tc.req)
		if err != nil || name(f) != tc.want {
			t.Errorf("%s: %s %v, want %s", tc.name, name(f), err, tc.want)
		}
	}
	if _, err := eng.Route(ctx, &runtime.Request{Platform: "8x8", Body: []byte(`{"payload":1}`)}); err == nil {
		t.Error("a webhook that is not understood was routed")
	}
	// Nothing was claimed nor changed: the press is answered as if Route
	// had not seen it.
	if r := c.press("1"); r.Outcome != runtime.Answered {
		t.Errorf("the press after Route: %s %v", r.Outcome, r.Err)
	}
}
