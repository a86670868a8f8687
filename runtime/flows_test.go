package runtime_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// The golden tests below run every shipped flow (../flows) through
// Engine.Serve along every path it has, with real-shaped webhooks built by
// the adapters, and compare each answer (outcome, status and JSON) with
// testdata/run/<flow>/<case>.json. Run `go test ./runtime -run Golden
// -update` to rewrite the files after an intended change, and review the
// diff.

func TestGoldenReception(t *testing.T) {
	eng := newEngine(t, shipped(t))
	notVIP := map[string]any{"customer": map[string]any{"vip": false, "name": ""}}
	crmVIP := map[string]any{"customer": map[string]any{"vip": true, "name": "Wang Wei"}}
	cases := []struct {
		name    string
		caller  string
		at      time.Time // zero: the engine's clock (in hours)
		bound   platform.Bound
		given   map[string]any
		handler string
	}{
		{"vip_table", "+8613900001111", time.Time{}, platform.Bound{IVRID: 5}, notVIP, "vip"},
		{"vip_crm", "+8613122223333", time.Time{}, platform.Bound{IVRID: 5}, crmVIP, "vip"},
		{"vip_crm_out_of_hours", "+14155550100", outHours, platform.Bound{IVRID: 5}, crmVIP, "vip"},
		{"mainland_in_hours", "+8613166668888", time.Time{}, platform.Bound{AgentID: 7}, notVIP, "mandarin"},
		{"mainland_out_of_hours", "+8613166668888", outHours, platform.Bound{AgentID: 7}, notVIP, "closed"},
		{"mainland_holiday", "+8613166668888", holiday, platform.Bound{AgentID: 7}, notVIP, "closed"},
		{"out_of_hours", "+14155550100", outHours, platform.Bound{AgentID: 7, IVRID: 5}, notVIP, "closed"},
		{"keep_bound_agent", "+14155550100", time.Time{}, platform.Bound{AgentID: 77, IVRID: 5}, notVIP, "keep_bound"},
		// An id float64 cannot hold comes back as sent, not 9007199254740992.
		{"keep_bound_agent_beyond_2_53", "+14155550100", time.Time{}, platform.Bound{AgentID: 1<<53 + 1}, notVIP, "keep_bound"},
		{"keep_bound_ivr", "+14155550100", time.Time{}, platform.Bound{IVRID: 5}, notVIP, "keep_bound"},
		{"keep_bound_nothing_bound", "+14155550100", time.Time{}, platform.Bound{}, notVIP, "keep_bound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := webhook(t, "tencent", platform.Call{Session: "tc-" + tc.name, Caller: tc.caller, Callee: "+8675566668888", Bound: tc.bound})
			res := serve(t, eng, &runtime.Request{Platform: "tencent", Body: body, Now: tc.at, Given: tc.given})
			if res.Err != nil {
				t.Fatalf("Serve: %v", res.Err)
			}
			if res.Flow != "reception" || res.Handler != tc.handler {
				t.Errorf("flow %q handler %q, want reception %q", res.Flow, res.Handler, tc.handler)
			}
			golden(t, "reception", tc.name, []step{record(t, "CallInBound from "+tc.caller, res)})
		})
	}
}

func TestGoldenSupport(t *testing.T) {
	eng := newEngine(t, shipped(t))
	cases := []struct {
		name string
		at   time.Time
		walk func(c *call8x8) []step
	}{
		{"closed", outHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start())}
		}},
		{"press_1_sales", inHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 1", c.press("1"))}
		}},
		{"press_2_support_desk", inHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 2", c.press("2"))}
		}},
		{"press_9_order", inHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 9", c.press("9")), record(t, "dtmf 1234#", c.press("1234#"))}
		}},
		{"press_9_order_silence", inHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 9", c.press("9")), record(t, "dtmf null", c.silence())}
		}},
		{"wrong_key_then_1", inHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 7", c.press("7")), record(t, "dtmf 1", c.press("1"))}
		}},
		{"three_wrong_keys", inHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 7", c.press("7")),
				record(t, "dtmf 8", c.press("8")), record(t, "dtmf 5", c.press("5"))}
		}},
		// Each silence is one of the menu's three tries (it has accept,
		// so the runtime asks one try at a time).
		{"no_input", inHours, func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf null", c.silence()),
				record(t, "dtmf null", c.silence()), record(t, "dtmf null", c.silence())}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCall8x8(t, eng, "sup-"+tc.name, tc.at)
			steps := tc.walk(c)
			for _, s := range steps {
				if s.Outcome != string(runtime.Answered) || s.Status != 200 {
					t.Errorf("%s: outcome %s status %d, want answered 200", s.Sent, s.Outcome, s.Status)
				}
			}
			golden(t, "support", tc.name, steps)
		})
	}
}

// The menu accepts only 1, 2 and 9, which 8x8's own loop cannot check, so
// the runtime asks one try at a time (noOfTries 1), says the failure
// message before each new prompt, and the third wrong key is the last:
// exactly the menu's tries 3.
func TestSupportOneTryAtATime(t *testing.T) {
	eng := newEngine(t, shipped(t))
	c := newCall8x8(t, eng, "sup-tries", inHours)
	type answer struct {
		Callflow []struct {
			Action string         `json:"action"`
			Params map[string]any `json:"params"`
		} `json:"callflow"`
	}
	read := func(res *runtime.Result) (first, last string, n float64) {
		var a answer
		if err := json.Unmarshal(res.Reply.Body, &a); err != nil {
			t.Fatal(err)
		}
		l := a.Callflow[len(a.Callflow)-1]
		n, _ = l.Params["noOfTries"].(float64)
		return a.Callflow[0].Action + ":" + toString(a.Callflow[0].Params["text"]), l.Action, n
	}
	if first, last, n := read(c.start()); last != "sayAndCapture" || n != 1 || first != "say:Welcome to ACME." {
		t.Errorf("first answer: %q … %s noOfTries %v; want the welcome and one try", first, last, n)
	}
	for _, key := range []string{"7", "0"} {
		if first, last, n := read(c.press(key)); last != "sayAndCapture" || n != 1 || first != "say:Sorry, that is not an option." {
			t.Errorf("after wrong key %s: %q … %s noOfTries %v; want the failure message and one more try", key, first, last, n)
		}
	}
	res := c.press("5")
	if first, last, _ := read(res); last != "hangup" || first != "say:Sorry, that is not an option." ||
		!bytes.Contains(res.Reply.Body, []byte("We did not get your choice. Goodbye.")) {
		t.Errorf("after the third wrong key: %s; want the failure message, the goodbye and hangup", res.Reply.Body)
	}
}

func toString(v any) string { s, _ := v.(string); return s }

// raw8x8 loads a testdata webhook and points it at session.
func raw8x8(t *testing.T, file, session string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "webhooks", "8x8", file))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	p := m["payload"].(map[string]any)
	p["sessionId"] = session
	if _, ok := p["eventId"]; ok {
		p["eventId"] = session + "-" + file
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A session summary frees the session: an ACTION_COMPLETED that arrives
// after it gets the safe fallback.
func TestGoldenSupportSessionSummary(t *testing.T) {
	eng := newEngine(t, shipped(t))
	c := newCall8x8(t, eng, "sup-summary", inHours)
	steps := []step{record(t, "CALL_RECEIVED", c.start())}
	end := serve(t, eng, &runtime.Request{Platform: "8x8", Body: raw8x8(t, "session_summary.json", c.session)})
	if end.Outcome != runtime.Ended {
		t.Errorf("session summary: outcome %s, want ended", end.Outcome)
	}
	steps = append(steps, record(t, "SESSION_SUMMARY", end))
	late := c.press("1")
	steps = append(steps, record(t, "dtmf 1 after the summary", late))
	if late.Outcome != runtime.Fallback || errCode(late.Err) != "no-session" {
		t.Errorf("late input: outcome %s err %v, want fallback no-session", late.Outcome, late.Err)
	}
	golden(t, "support", "session_summary", steps)
}

func TestGoldenSupportCallStatus(t *testing.T) {
	eng := newEngine(t, shipped(t))
	res := serve(t, eng, &runtime.Request{Platform: "8x8", Body: raw8x8(t, "call_status.json", "sup-status")})
	if res.Outcome != runtime.Ack || res.Err != nil {
		t.Errorf("call status: outcome %s err %v, want ack", res.Outcome, res.Err)
	}
	golden(t, "support", "call_status", []step{record(t, "CALL_STATUS", res)})
}

func TestGoldenCallme(t *testing.T) {
	eng := newEngine(t, shipped(t))
	cases := []struct {
		name     string
		at       time.Time
		data     map[string]any
		declined bool
	}{
		{"high_priority_out_of_hours", outHours, map[string]any{"priority": "high", "name": "Tan Wei Ming"}, false},
		{"in_hours", inHours, map[string]any{"priority": "low"}, false},
		{"out_of_hours_declined", outHours, map[string]any{"priority": "low"}, true},
		{"no_data_out_of_hours_declined", outHours, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := webhook(t, "callback", platform.Call{Session: "cb-" + tc.name, Caller: "+6591234567", Callee: "+6561112222", Data: tc.data})
			res := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "callme", Body: body, Now: tc.at})
			if res.Err != nil {
				t.Fatalf("Serve: %v", res.Err)
			}
			if tc.declined && (res.Reply.Status != 204 || len(res.Reply.Body) != 0) {
				t.Errorf("declined: status %d body %q, want 204 and no body", res.Reply.Status, res.Reply.Body)
			}
			golden(t, "callme", tc.name, []step{record(t, "trigger", res)})
		})
	}
}

func TestGoldenExamResults(t *testing.T) {
	eng := newEngine(t, shipped(t))
	cases := []struct {
		name     string
		data     map[string]any
		declined bool
	}{
		{"math_present", map[string]any{"name": "Trần Văn A", "email": "tran.van.a@thpt-chuvanan.edu.vn",
			"student_id": "HS-0042", "class": "12A1", "math": 9.5}, false},
		// A number float64 cannot hold reaches the campaign as sent.
		{"math_beyond_2_53", map[string]any{"name": "Lê Văn C", "student_id": "HS-0200", "math": int64(1<<53 + 1)}, false},
		{"math_null", map[string]any{"name": "Nguyễn Thị Bích Ngọc", "student_id": "HS-0117", "math": nil}, true},
		{"math_absent", map[string]any{"name": "Nguyễn Thị Bích Ngọc", "student_id": "HS-0117"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := webhook(t, "callbot", platform.Call{Session: "exam-" + tc.name, Caller: "+84988888888", Callee: "842499950291", Data: tc.data})
			res := serve(t, eng, &runtime.Request{Platform: "callbot", Flow: "exam_results", Body: body})
			if res.Err != nil {
				t.Fatalf("Serve: %v", res.Err)
			}
			if tc.declined && (res.Reply.Status != 204 || len(res.Reply.Body) != 0) {
				t.Errorf("declined: status %d body %q, want 204 and no body", res.Reply.Status, res.Reply.Body)
			}
			golden(t, "exam_results", tc.name, []step{record(t, "trigger", res)})
		})
	}
}

// errCode is the code of a runtime.Error, "" for anything else.
func errCode(err error) string {
	var re *runtime.Error
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}
