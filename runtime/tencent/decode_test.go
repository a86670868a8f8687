package tencent

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/runtime/platform"
)

func TestDecodeSamples(t *testing.T) {
	tests := []struct {
		file string
		want platform.Event // Raw is checked against the file itself
	}{
		{"call_vip.json", platform.Event{
			Session: "01bd935d-c45e-476a-9e5b-700e09494470",
			Caller:  "+8613066668888", Callee: "+8675566668888",
			Bound: platform.Bound{AgentID: 123},
		}},
		{"call_unbound.json", platform.Event{
			Session: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
			Caller:  "+14155550100", Callee: "+8675566668888",
		}},
		{"call_ivr.json", platform.Event{
			Session: "3f2b8a61-0d4e-4c57-9a1e-5b6c7d8e9f01",
			Caller:  "+8618912345678", Callee: "+8675566668888",
			Bound: platform.Bound{IVRID: 4021},
		}},
		{"call_agent_beyond_2_53.json", platform.Event{ // float64 would make it 9007199254740992
			Session: "9b2d7c4e-5a61-4f08-b3c2-7e1d0a9f6b25",
			Caller:  "+8613066668888", Callee: "+8675566668888",
			Bound: platform.Bound{AgentID: 9007199254740993},
		}},
		{"call_anonymous.json", platform.Event{
			Session: "c0a80164-8f1e-4b2d-b6a3-2f9d0e7c5a11",
			Caller:  "", Callee: "+8675566668888",
		}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			body := sample(t, tt.file)
			ev, err := New().Decode(body, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Kind = platform.CallStarted
			want.Platform = "tencent"
			want.Delivery = want.Session
			raw, err := platform.DecodeObject(body) // numbers exact, as tested in runtime/platform
			if err != nil {
				t.Fatal(err)
			}
			want.Raw = raw
			ev.RawJSON() // the raw map is built on first use
			ev.Body = nil
			if diff := cmp.Diff(&want, ev); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
	for _, f := range samples(t) {
		if !seen[f] {
			t.Errorf("sample %s has no decode test", f)
		}
	}
}

func TestDecodeShapes(t *testing.T) {
	const head = `{"Event":"CallInBound","SessionId":"s1","CallInBound":{"Caller":"+1","Callee":"+2"`
	tests := []struct {
		name, body string
		bound      platform.Bound
	}{
		{"ids absent", head + `}}`, platform.Bound{}},
		{"ids null", head + `,"AIAgentId":null,"IvrId":null}}`, platform.Bound{}},
		{"ids zero", head + `,"AIAgentId":0,"IvrId":0}}`, platform.Bound{}},
		{"agent", head + `,"AIAgentId":388}}`, platform.Bound{AgentID: 388}},
		{"ivr", head + `,"IvrId":7}}`, platform.Bound{IVRID: 7}},
		{"both bound", head + `,"AIAgentId":1,"IvrId":2}}`, platform.Bound{AgentID: 1, IVRID: 2}},
		{"exponent integer", head + `,"AIAgentId":3.88e2}}`, platform.Bound{AgentID: 388}},
		{"2^53", head + `,"AIAgentId":9007199254740992}}`, platform.Bound{AgentID: 1 << 53}},
		{"beyond 2^53", head + `,"AIAgentId":9007199254740993,"IvrId":9223372036854775807}}`, platform.Bound{AgentID: 1<<53 + 1, IVRID: 1<<63 - 1}},
		{"SdkAppId missing, extra fields", `{"Event":"CallInBound","SessionId":"s1","X":[1,{}],"CallInBound":{"Caller":"+1","Callee":"+2","Y":true}}`, platform.Bound{}},
		{"SdkAppId as a string", `{"Event":"CallInBound","SessionId":"s1","SdkAppId":"1400692008","CallInBound":{"Caller":"+1","Callee":"+2"}}`, platform.Bound{}},
		{"surrounding space", " \n" + head + "}}\n", platform.Bound{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New().Decode([]byte(tt.body), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Session != "s1" || ev.Delivery != "s1" || ev.Caller != "+1" || ev.Callee != "+2" {
				t.Errorf("got session %q delivery %q caller %q callee %q", ev.Session, ev.Delivery, ev.Caller, ev.Callee)
			}
			if ev.Bound != tt.bound {
				t.Errorf("Bound = %+v, want %+v", ev.Bound, tt.bound)
			}
			if ev.RawJSON()["CallInBound"] == nil {
				t.Error("Raw lacks CallInBound")
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	const head = `{"Event":"CallInBound","SessionId":"s1","CallInBound":{"Caller":"+1","Callee":"+2"`
	tests := []struct {
		name, body, field, msg string
	}{
		{"empty body", ``, "", "empty body"},
		{"blank body", " \n\t", "", "empty body"},
		{"not JSON", `Event=CallInBound`, "", "not JSON"},
		{"truncated", `{"Event":"CallInBound"`, "", "not JSON"},
		{"trailing garbage", head + `}} x`, "", "not JSON"},
		{"two objects", head + `}}{}`, "", "not JSON"},
		{"array", `[` + head + `}}]`, "", "must be a JSON object, not an array"},
		{"string", `"CallInBound"`, "", "not a string"},
		{"null", `null`, "", "not null"},
		{"number", `42`, "", "not a number"},
		{"huge number", `{"Event":"CallInBound","SessionId":"s1","SdkAppId":1e999}`, "SdkAppId", "out of range"},
		{"Event missing", `{"SessionId":"s1","CallInBound":{"Caller":"+1","Callee":"+2"}}`, "Event", "missing"},
		{"Event null", `{"Event":null}`, "Event", "must be a string, not null"},
		{"Event number", `{"Event":1}`, "Event", "must be a string, not a number"},
		{"Event other", `{"Event":"CallOutBound","SessionId":"s1"}`, "Event", `unsupported event "CallOutBound"`},
		{"Event wrong case", `{"Event":"callinbound","SessionId":"s1"}`, "Event", "unsupported event"},
		{"SessionId missing", `{"Event":"CallInBound","CallInBound":{"Caller":"+1","Callee":"+2"}}`, "SessionId", "missing"},
		{"SessionId empty", `{"Event":"CallInBound","SessionId":"","CallInBound":{"Caller":"+1","Callee":"+2"}}`, "SessionId", "must not be empty"},
		{"SessionId number", `{"Event":"CallInBound","SessionId":12,"CallInBound":{"Caller":"+1","Callee":"+2"}}`, "SessionId", "must be a string, not a number"},
		{"SessionId object", `{"Event":"CallInBound","SessionId":{},"CallInBound":{}}`, "SessionId", "must be a string, not an object"},
		{"CallInBound missing", `{"Event":"CallInBound","SessionId":"s1"}`, "CallInBound", "missing"},
		{"CallInBound null", `{"Event":"CallInBound","SessionId":"s1","CallInBound":null}`, "CallInBound", "missing"},
		{"CallInBound string", `{"Event":"CallInBound","SessionId":"s1","CallInBound":"x"}`, "CallInBound", "must be an object, not a string"},
		{"CallInBound array", `{"Event":"CallInBound","SessionId":"s1","CallInBound":[]}`, "CallInBound", "must be an object, not an array"},
		{"Caller missing", `{"Event":"CallInBound","SessionId":"s1","CallInBound":{"Callee":"+2"}}`, "CallInBound.Caller", "missing"},
		{"Caller number", `{"Event":"CallInBound","SessionId":"s1","CallInBound":{"Caller":8613066668888,"Callee":"+2"}}`, "CallInBound.Caller", "must be a string, not a number"},
		{"Caller null", `{"Event":"CallInBound","SessionId":"s1","CallInBound":{"Caller":null,"Callee":"+2"}}`, "CallInBound.Caller", "must be a string, not null"},
		{"Callee missing", `{"Event":"CallInBound","SessionId":"s1","CallInBound":{"Caller":"+1"}}`, "CallInBound.Callee", "missing"},
		{"Callee bool", `{"Event":"CallInBound","SessionId":"s1","CallInBound":{"Caller":"+1","Callee":true}}`, "CallInBound.Callee", "must be a string, not a boolean"},
		{"AIAgentId string", head + `,"AIAgentId":"123"}}`, "CallInBound.AIAgentId", "must be a number, not a string"},
		{"AIAgentId fraction", head + `,"AIAgentId":1.5}}`, "CallInBound.AIAgentId", "non-negative integer"},
		{"AIAgentId negative", head + `,"AIAgentId":-1}}`, "CallInBound.AIAgentId", "non-negative integer"},
		{"AIAgentId too large", head + `,"AIAgentId":1e300}}`, "CallInBound.AIAgentId", "non-negative integer"},
		{"AIAgentId beyond int64", head + `,"AIAgentId":9223372036854775808}}`, "CallInBound.AIAgentId", "non-negative integer"},
		{"AIAgentId 2^53 with an exponent", head + `,"AIAgentId":9.007199254740993e15}}`, "CallInBound.AIAgentId", "written in digits"},
		{"IvrId bool", head + `,"IvrId":false}}`, "CallInBound.IvrId", "must be a number, not a boolean"},
		{"IvrId object", head + `,"IvrId":{"id":1}}}`, "CallInBound.IvrId", "must be a number, not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New().Decode([]byte(tt.body), nil)
			if ev != nil {
				t.Errorf("Decode returned an event with error %v", err)
			}
			var de *platform.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *platform.DecodeError", err, err)
			}
			if de.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", de.Field, tt.field, err)
			}
			if !strings.Contains(de.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", de.Msg, tt.msg)
			}
		})
	}
}

func TestDecodeLongEventIsShortened(t *testing.T) {
	_, err := New().Decode([]byte(`{"Event":"`+strings.Repeat("x", 10000)+`"}`), nil)
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error not shortened: %.300v", err)
	}
}

// A SessionId longer than platform.MaxID, or a Caller or Callee longer than
// platform.MaxNumber, is refused by both paths, with the field named and
// the value left out of the message; an id of exactly MaxID bytes is taken.
func TestDecodeLongSessionID(t *testing.T) {
	body := func(id string) []byte {
		return []byte(`{"Event":"CallInBound","SessionId":"` + id + `","CallInBound":{"Caller":"+1","Callee":"+2"}}`)
	}
	long := body(strings.Repeat("x", 60_000))
	if _, ok := decodeFast(long); ok {
		t.Error("the fast path took a 60,000-byte SessionId")
	}
	ev, err := New().Decode(long, nil)
	var de *platform.DecodeError
	if ev != nil || !errors.As(err, &de) || de.Field != "SessionId" || !strings.Contains(de.Msg, "at most 256 bytes") {
		t.Fatalf("Decode = %v, %v; want a DecodeError for SessionId", ev, err)
	}
	if len(err.Error()) > 200 {
		t.Errorf("the error is %d bytes long: it quotes the id", len(err.Error()))
	}
	for _, field := range []string{"Caller", "Callee"} {
		huge := strings.Replace(string(body("s1")), `"`+field+`":"+`, `"`+field+`":"+`+strings.Repeat("1", 60_000), 1)
		if _, ok := decodeFast([]byte(huge)); ok {
			t.Errorf("the fast path took a 60,000-byte %s", field)
		}
		_, err := New().Decode([]byte(huge), nil)
		if !errors.As(err, &de) || de.Field != "CallInBound."+field || len(err.Error()) > 200 {
			t.Errorf("a 60,000-byte %s: %.300v", field, err)
		}
	}
	limit := strings.Repeat("x", platform.MaxID)
	if ev, err := New().Decode(body(limit), nil); err != nil || ev.Session != limit {
		t.Errorf("a SessionId of MaxID bytes: %v", err)
	}
}
