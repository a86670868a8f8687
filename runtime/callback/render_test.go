package callback

import (
	"net/http"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

func TestRender(t *testing.T) {
	ev := &platform.Event{Kind: platform.Trigger, Session: "t1", Caller: "+6591234567"}
	tests := []struct {
		golden string
		cb     platform.Callback
	}{
		{"callback_now.json", platform.Callback{
			A: platform.Leg{To: "+6591234567", From: "+6561112222"},
			B: platform.Leg{To: "+6561112222", From: "+6591234567"},
		}},
		{"callback_vendor_example.json", platform.Callback{
			A: platform.Leg{To: "1000123", From: "1000125"},
			B: platform.Leg{To: "1000125", From: "1000123"},
		}},
		{"callback_sip_no_from.json", platform.Callback{
			A: platform.Leg{To: "sip:123456@192.168.1.1:5060"},
			B: platform.Leg{To: "sip:agent&desk@pbx.example.com", From: "Tổng đài <CSKH>"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			reply, err := New().Render(ev, &platform.Response{Actions: []platform.Action{tt.cb}, Vars: []platform.Var{{Key: "x", Value: "y"}}})
			if err != nil {
				t.Fatal(err)
			}
			if reply.Status != http.StatusOK {
				t.Errorf("Status = %d, want 200", reply.Status)
			}
			goldenCheck(t, tt.golden, reply.Body)
		})
	}
}

func TestRenderNothing(t *testing.T) {
	for name, r := range map[string]*platform.Response{
		"nil":        nil,
		"empty":      {},
		"only vars":  {Vars: []platform.Var{{Key: "k", Value: "v"}}},
		"no actions": {Actions: []platform.Action{}},
	} {
		reply, err := New().Render(&platform.Event{}, r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if reply.Status != http.StatusNoContent || reply.Body != nil {
			t.Errorf("%s: %+v, want 204 without a body", name, reply)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	ok := platform.Callback{A: platform.Leg{To: "+1", From: "+2"}, B: platform.Leg{To: "+2", From: "+1"}}
	tests := []struct {
		name string
		acts []platform.Action
		msg  string
	}{
		{"say", []platform.Action{platform.Say{Text: "hi"}}, "cannot say"},
		{"hangup", []platform.Action{platform.Hangup{}}, "cannot hangup"},
		{"keep bound", []platform.Action{ok, platform.KeepBound{}}, "cannot keep the bound route"},
		{"campaign", []platform.Action{platform.Campaign{}}, "cannot campaign"},
		{"nil action", []platform.Action{nil}, "cannot nil action"},
		{"pointer", []platform.Action{&ok}, "cannot *platform.Callback"},
		{"two callbacks", []platform.Action{ok, ok}, "more than one"},
		{"leg A without to", []platform.Action{platform.Callback{A: platform.Leg{From: "+1"}, B: ok.B}}, "both legs need"},
		{"leg B without to", []platform.Action{platform.Callback{A: ok.A, B: platform.Leg{From: "+1"}}}, "both legs need"},
		{"empty callback", []platform.Action{platform.Callback{}}, "both legs need"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := New().Render(&platform.Event{}, &platform.Response{Actions: tt.acts})
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want it to contain %q", err, tt.msg)
			}
			if reply.Body != nil || reply.Status != 0 {
				t.Errorf("Reply %+v with an error", reply)
			}
		})
	}
}

func TestFallback(t *testing.T) {
	a := New()
	for _, ev := range []*platform.Event{nil, {Kind: platform.Trigger, Session: "t1"}} {
		reply := a.Fallback(ev, platform.FallbackOptions{Apology: "Sorry", Voice: "v"})
		if reply.Status != http.StatusServiceUnavailable {
			t.Errorf("Status = %d, want 503", reply.Status)
		}
		goldenCheck(t, "fallback.json", reply.Body)
		reply.Body[0] = 'X' // callers own the body
	}
	if b := a.Fallback(nil, platform.FallbackOptions{}).Body; b[0] != '{' {
		t.Errorf("a caller's change leaked into the next fallback: %s", b)
	}
}
