package tencent

import (
	"net/http"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

var (
	boundAgent = &platform.Event{Kind: platform.CallStarted, Session: "s", Bound: platform.Bound{AgentID: 123}}
	boundIVR   = &platform.Event{Kind: platform.CallStarted, Session: "s", Bound: platform.Bound{IVRID: 4021}}
	boundBoth  = &platform.Event{Kind: platform.CallStarted, Session: "s", Bound: platform.Bound{AgentID: 123, IVRID: 4021}}
	unbound    = &platform.Event{Kind: platform.CallStarted, Session: "s"}
	vars       = []platform.Var{{Key: "name", Value: "Xiao Ming"}, {Key: "vip", Value: "true"}, {Key: "score", Value: "9.5"}}
)

func TestRender(t *testing.T) {
	tests := []struct {
		golden  string
		ev      *platform.Event
		r       *platform.Response
		want    Decision
		nothing bool // KeptNothing
	}{
		{"agent_vars.json", boundIVR, &platform.Response{Actions: []platform.Action{platform.Agent{ID: 388}}, Vars: vars},
			Decision{Agent: 388, Vars: vars}, false},
		{"agent.json", unbound, &platform.Response{Actions: []platform.Action{platform.Agent{ID: 388}}},
			Decision{Agent: 388}, false},
		{"ivr_vars.json", boundAgent, &platform.Response{Actions: []platform.Action{platform.IVR{ID: 77}}, Vars: vars[:1]},
			Decision{IVR: 77, Vars: vars[:1]}, false},
		{"hangup.json", boundAgent, &platform.Response{Actions: []platform.Action{platform.Hangup{}}, Vars: vars},
			Decision{}, false},
		{"keep_agent_vars.json", boundAgent, &platform.Response{Actions: []platform.Action{platform.KeepBound{}}, Vars: vars},
			Decision{Agent: 123, Kept: true, Vars: vars}, false},
		{"keep_agent_vars.json", boundBoth, &platform.Response{Vars: vars}, // no terminal action; agent wins over ivr
			Decision{Agent: 123, Kept: true, Vars: vars}, false},
		{"keep_ivr.json", boundIVR, &platform.Response{},
			Decision{IVR: 4021, Kept: true}, false},
		{"keep_ivr.json", boundIVR, nil,
			Decision{IVR: 4021, Kept: true}, false},
		{"hangup.json", unbound, &platform.Response{Actions: []platform.Action{platform.KeepBound{}}, Vars: vars},
			Decision{Kept: true}, true},
		{"hangup.json", nil, nil,
			Decision{Kept: true}, true},
		{"agent_escaping.json", unbound, &platform.Response{Actions: []platform.Action{platform.Agent{ID: 5}}, Vars: []platform.Var{
			{Key: "greeting", Value: "<b>Chào</b> anh Trần & 小明, \"VIP\""},
			{Key: "", Value: ""},
			{Key: "tên", Value: "Nguyễn Thị Hồng Anh"},
		}}, Decision{Agent: 5, Vars: []platform.Var{
			{Key: "greeting", Value: "<b>Chào</b> anh Trần & 小明, \"VIP\""},
			{Key: "", Value: ""},
			{Key: "tên", Value: "Nguyễn Thị Hồng Anh"},
		}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			d, err := Decide(tt.ev, tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if d.Agent != tt.want.Agent || d.IVR != tt.want.IVR || d.Kept != tt.want.Kept || len(d.Vars) != len(tt.want.Vars) {
				t.Errorf("Decide = %+v, want %+v", d, tt.want)
			}
			if d.KeptNothing() != tt.nothing {
				t.Errorf("KeptNothing = %v, want %v", d.KeptNothing(), tt.nothing)
			}
			reply, err := New().Render(tt.ev, tt.r)
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

func TestRenderNeverBothOverrides(t *testing.T) {
	for _, ev := range []*platform.Event{nil, unbound, boundAgent, boundIVR, boundBoth} {
		for _, a := range []platform.Action{platform.Agent{ID: 1}, platform.IVR{ID: 2}, platform.Hangup{}, platform.KeepBound{}, nil} {
			r := &platform.Response{Vars: vars}
			if a != nil {
				r.Actions = []platform.Action{a}
			}
			reply, err := New().Render(ev, r)
			if err != nil {
				t.Fatal(err)
			}
			body := string(reply.Body)
			if strings.Contains(body, "OverrideAIAgentId") && strings.Contains(body, "OverrideIvrId") {
				t.Errorf("%+v, %T: both overrides in %s", ev, a, body)
			}
			if body == `{"CallInBound":{}}` != !strings.Contains(body, "Override") {
				t.Errorf("%+v, %T: %s", ev, a, body)
			}
		}
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name string
		acts []platform.Action
		msg  string
	}{
		{"say", []platform.Action{platform.Say{Text: "hi"}}, "cannot say"},
		{"say before agent", []platform.Action{platform.Say{Text: "hi"}, platform.Agent{ID: 1}}, "cannot say"},
		{"capture", []platform.Action{platform.Capture{}}, "cannot capture"},
		{"callback", []platform.Action{platform.Callback{}}, "cannot callback"},
		{"campaign", []platform.Action{platform.Campaign{}}, "cannot campaign"},
		{"nil action", []platform.Action{nil}, "cannot nil action"},
		{"pointer action", []platform.Action{&platform.Agent{ID: 1}}, "cannot *platform.Agent"},
		{"two terminals", []platform.Action{platform.Agent{ID: 1}, platform.Hangup{}}, "agent must be the last action"},
		{"agent zero", []platform.Action{platform.Agent{}}, "agent id 0"},
		{"agent negative", []platform.Action{platform.Agent{ID: -4}}, "agent id -4"},
		{"ivr zero", []platform.Action{platform.IVR{}}, "ivr id 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := New().Render(boundAgent, &platform.Response{Actions: tt.acts})
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
	tests := []struct {
		golden string
		ev     *platform.Event
	}{
		{"keep_agent.json", boundAgent},
		{"keep_agent.json", boundBoth},
		{"keep_ivr.json", boundIVR},
		{"hangup.json", unbound},
		{"hangup.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			reply := New().Fallback(tt.ev, platform.FallbackOptions{Apology: "Sorry", Voice: "v"})
			if reply.Status != http.StatusOK {
				t.Errorf("Status = %d, want 200", reply.Status)
			}
			goldenCheck(t, tt.golden, reply.Body)
		})
	}
}

// A variable a flow cut in the middle of a character still reaches the
// caller's route, its broken bytes replaced, as 8x8 answers do.
func TestRenderInvalidUTF8(t *testing.T) {
	r := &platform.Response{Actions: []platform.Action{platform.Agent{ID: 9}},
		Vars: []platform.Var{{Key: "na\xffme", Value: "Tr\xe1"}, {Key: "line", Value: "a\nb\t\u0001"}}}
	reply, err := New().Render(unbound, r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"CallInBound":{"OverrideAIAgentId":9,"Variables":[{"Key":"na` + "\ufffd" + `me","Value":"Tr` + "\ufffd" + `"},{"Key":"line","Value":"a\nb\t\u0001"}]}}`
	if string(reply.Body) != want {
		t.Errorf("got  %s\nwant %s", reply.Body, want)
	}
}
