package eightbyeight

import (
	"errors"
	"strings"
	"testing"

	goldenpkg "github.com/callflow/callflow/runtime/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/callflow/callflow/runtime/platform"
)

const dir = "../../testdata/webhooks/8x8"

const (
	sessA  = "a4fad4b3-b388-12ee-b217-2fb8260fcf59"
	sessB  = "5c1e7a90-0b2f-11f1-9e61-3b2f5a1c8d47"
	tokenA = "AQAGB3N1cHBvcnQQM2Y5YTFjMGQ3ZTJiNGE1OARtZW51YTV9b0gc5EtYzQL9v5zh2w"
	tokenB = "AQAGB3N1cHBvcnQQM2Y5YTFjMGQ3ZTJiNGE1OARtZW51-KEs3usTeCJAvDz2EMHHhA"
)

func ptr(s string) *string { return &s }

func readFile(t testing.TB, name string) []byte { return goldenpkg.Sample(t, dir, name) }

// ignoreRaw compares events without Raw and Data, checked separately.
var ignoreRaw = cmpopts.IgnoreFields(platform.Event{}, "Raw", "Data", "Body")

func TestDecodeSamples(t *testing.T) {
	cases := []struct {
		file string
		want platform.Event
	}{
		{"call_received.json", platform.Event{
			Kind: platform.CallStarted, Platform: "8x8", Session: sessA,
			Delivery: "5f1c2a10-133a-11ef-9dd4-e911cc6fc82f", Caller: "+6591234567", Callee: "+6512345678",
		}},
		{"action_completed_1.json", platform.Event{
			Kind: platform.Input, Platform: "8x8", Session: sessA,
			Delivery: "77e6a667-133a-11ef-9dd4-e911cc6fc82f", Caller: "+6591234567", Callee: "+6512345678",
			Digits: ptr("1"), Resume: tokenA,
		}},
		{"action_completed_null.json", platform.Event{
			Kind: platform.Input, Platform: "8x8", Session: sessA,
			Delivery: "8a31f0c2-133a-11ef-9dd4-e911cc6fc82f", Caller: "+6591234567", Callee: "+6512345678",
			Resume: tokenA,
		}},
		{"event_data_string.json", platform.Event{
			Kind: platform.Input, Platform: "8x8", Session: sessB,
			Delivery: "c0a8e6f4-0b2f-11f1-8b3e-5d4c2a1b0f9e", Caller: "+6598765432", Callee: "+6512345678",
			Digits: ptr("2"), Resume: tokenB,
		}},
		{"session_summary.json", platform.Event{
			Kind: platform.CallEnded, Platform: "8x8", Session: sessA,
			Delivery: "SESSION_SUMMARY|" + sessA, Caller: "+6591234567", Callee: "+6512345678",
		}},
		{"call_status.json", platform.Event{
			Kind: platform.Status, Platform: "8x8", Session: sessA,
			Delivery: "4d2b9e10-133a-11ef-9dd4-e911cc6fc82f", Caller: "+6591234567", Callee: "+6512345678",
		}},
	}
	a := New()
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ev, err := a.Decode(readFile(t, c.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&c.want, ev, ignoreRaw); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
			if ev.RawJSON() == nil || ev.RawJSON()["eventType"] == nil {
				t.Errorf("Raw is not the whole webhook: %v", ev.RawJSON())
			}
		})
	}
}

func TestDecodeRawIsNormalised(t *testing.T) {
	ev, err := New().Decode(readFile(t, "event_data_string.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := ev.RawJSON()["payload"].(map[string]any)
	data, ok := p["eventData"].(map[string]any)
	if !ok || data["dtmf"] != "2" {
		t.Errorf("Raw payload.eventData = %#v, want the object the string held", p["eventData"])
	}
	if ev.Data != nil || ev.Digits == nil || *ev.Digits != "2" {
		t.Errorf("Data %#v, Digits %v: want no Data, dtmf being Digits", ev.Data, ev.Digits)
	}
	if p["sipCode"] != 200.0 {
		t.Errorf("Raw numbers should be float64, got %#v", p["sipCode"])
	}
	ev, err = New().Decode(readFile(t, "session_summary.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	q := ev.RawJSON()["payload"].(map[string]any)["details"].(map[string]any)["callA"].(map[string]any)["callQuality"].(map[string]any)
	if q["mos"] != 4.5 {
		t.Errorf("nested number = %#v, want 4.5", q["mos"])
	}
}

// completed is an ACTION_COMPLETED webhook with the given eventData JSON
// ("" leaves it out) and eventId.
func completed(eventData, eventID string) string {
	var b strings.Builder
	b.WriteString(`{"eventType":"CALL_ACTION","payload":{`)
	if eventID != "" {
		b.WriteString(`"eventId":"` + eventID + `",`)
	}
	b.WriteString(`"sessionId":"s1","callStatus":"ACTION_COMPLETED","source":"+6591234567","destination":"+6512345678","clientActionId":"tok"`)
	if eventData != "" {
		b.WriteString(`,"eventData":` + eventData)
	}
	b.WriteString(`}}`)
	return b.String()
}

func TestDecodeEventDataShapes(t *testing.T) {
	cases := []struct {
		name, eventData string
		want            *string
		data            map[string]any
	}{
		{"absent", "", nil, nil},
		{"null", `null`, nil, nil},
		{"empty object", `{}`, nil, nil},
		{"dtmf null", `{"dtmf":null}`, nil, nil},
		{"dtmf empty", `{"dtmf":""}`, nil, nil},
		{"dtmf string", `{"dtmf":"1234#"}`, ptr("1234#"), nil},
		{"dtmf number", `{"dtmf":42}`, ptr("42"), nil},
		{"dtmf long number", `{"dtmf":1234567890123456789012345}`, ptr("1234567890123456789012345"), nil},
		{"asr too", `{"dtmf":"9","asrCaptured":null}`, ptr("9"), map[string]any{"asrCaptured": nil}},
		{"string object", `"{\"dtmf\":\"7\"}"`, ptr("7"), nil},
		{"string dtmf null", `"{\"dtmf\":null}"`, nil, nil},
		{"string empty object", `"{}"`, nil, nil},
		{"string null", `"null"`, nil, nil},
		{"empty string", `""`, nil, nil},
		{"blank string", `"  "`, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := New().Decode([]byte(completed(c.eventData, "e1")), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind != platform.Input || ev.Resume != "tok" || ev.Session != "s1" {
				t.Errorf("event = %+v", ev)
			}
			if diff := cmp.Diff(c.want, ev.Digits); diff != "" {
				t.Errorf("Digits (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.data, ev.Data); diff != "" {
				t.Errorf("Data (-want +got):\n%s", diff)
			}
			raw, _ := ev.RawJSON()["payload"].(map[string]any)["eventData"].(map[string]any)
			if _, ok := raw["dtmf"]; !ok && c.want != nil {
				t.Errorf("Raw eventData = %#v, want dtmf kept there", raw)
			}
		})
	}
}

func TestDecodeDeliveryFallback(t *testing.T) {
	a := New()
	one, err := a.Decode([]byte(completed(`{"dtmf":"1"}`, "")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "CALL_ACTION|s1|ACTION_COMPLETED|tok|1"; one.Delivery != want {
		t.Errorf("Delivery = %q, want %q", one.Delivery, want)
	}
	two, err := a.Decode([]byte(completed(`{"dtmf":"2"}`, "")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if one.Delivery == two.Delivery {
		t.Errorf("different digits share Delivery %q", one.Delivery)
	}
	again, _ := a.Decode([]byte(completed(`"{\"dtmf\":\"1\"}"`, "")), nil)
	if again.Delivery != one.Delivery {
		t.Errorf("a retry in the other eventData shape has Delivery %q, want %q", again.Delivery, one.Delivery)
	}
}

func TestDecodeErrors(t *testing.T) {
	const ok = `"sessionId":"s1","callStatus":"ACTION_COMPLETED"`
	cases := []struct {
		name, body, field, msg string
	}{
		{"empty", ``, "", "empty body"},
		{"not JSON", `{"eventType":`, "", "not JSON"},
		{"trailing", `{"eventType":"CALL_ACTION"} {}`, "", "not JSON"},
		{"array", `[]`, "", "must be a JSON object, not an array"},
		{"no eventType", `{"payload":{}}`, "eventType", "missing"},
		{"eventType number", `{"eventType":1}`, "eventType", "must be a string, not a number"},
		{"unknown eventType", `{"eventType":"CALL_RECORDING"}`, "eventType", `unknown event type "CALL_RECORDING" (known: CALL_ACTION, CALL_STATUS, SESSION_SUMMARY)`},
		{"no payload", `{"eventType":"CALL_ACTION"}`, "payload", "missing"},
		{"null payload", `{"eventType":"CALL_ACTION","payload":null}`, "payload", "missing"},
		{"payload string", `{"eventType":"CALL_ACTION","payload":"x"}`, "payload", "must be an object, not a string"},
		{"no sessionId", `{"eventType":"CALL_ACTION","payload":{"callStatus":"CALL_RECEIVED"}}`, "payload.sessionId", "missing"},
		{"empty sessionId", `{"eventType":"SESSION_SUMMARY","payload":{"sessionId":""}}`, "payload.sessionId", "must not be empty"},
		{"sessionId number", `{"eventType":"CALL_STATUS","payload":{"sessionId":7}}`, "payload.sessionId", "must be a string, not a number"},
		{"eventId object", `{"eventType":"CALL_ACTION","payload":{"eventId":{},` + ok + `}}`, "payload.eventId", "must be a string, not an object"},
		{"no callStatus", `{"eventType":"CALL_ACTION","payload":{"sessionId":"s1"}}`, "payload.callStatus", "missing"},
		{"unknown callStatus", `{"eventType":"CALL_ACTION","payload":{"sessionId":"s1","callStatus":"CALL_CONNECTED"}}`, "payload.callStatus", `unknown call status "CALL_CONNECTED"`},
		{"callStatus bool", `{"eventType":"CALL_ACTION","payload":{"sessionId":"s1","callStatus":true}}`, "payload.callStatus", "must be a string, not a boolean"},
		{"source number", `{"eventType":"CALL_ACTION","payload":{"source":6591234567,` + ok + `}}`, "payload.source", "must be a string, not a number"},
		{"destination array", `{"eventType":"CALL_ACTION","payload":{"destination":[],` + ok + `}}`, "payload.destination", "must be a string, not an array"},
		{"clientActionId number", `{"eventType":"CALL_ACTION","payload":{"clientActionId":3,` + ok + `}}`, "payload.clientActionId", "must be a string, not a number"},
		{"eventData number", `{"eventType":"CALL_ACTION","payload":{"eventData":5,` + ok + `}}`, "payload.eventData", "must be an object or a string, not a number"},
		{"eventData array", `{"eventType":"CALL_ACTION","payload":{"eventData":[],` + ok + `}}`, "payload.eventData", "must be an object or a string, not an array"},
		{"eventData bad string", `{"eventType":"CALL_ACTION","payload":{"eventData":"dtmf=1",` + ok + `}}`, "payload.eventData", "a string that is not JSON"},
		{"eventData string array", `{"eventType":"CALL_ACTION","payload":{"eventData":"[1]",` + ok + `}}`, "payload.eventData", "a string holding an array, not an object"},
		{"dtmf bool", `{"eventType":"CALL_ACTION","payload":{"eventData":{"dtmf":true},` + ok + `}}`, "payload.eventData.dtmf", "must be a string or null, not a boolean"},
		{"dtmf object", `{"eventType":"CALL_ACTION","payload":{"eventData":"{\"dtmf\":{}}",` + ok + `}}`, "payload.eventData.dtmf", "must be a string or null, not an object"},
		{"dtmf negative", `{"eventType":"CALL_ACTION","payload":{"eventData":{"dtmf":-1},` + ok + `}}`, "payload.eventData.dtmf", "the number -1 is not a string of digits"},
		{"dtmf fraction", `{"eventType":"CALL_ACTION","payload":{"eventData":{"dtmf":1.5},` + ok + `}}`, "payload.eventData.dtmf", "the number 1.5 is not a string of digits"},
		{"number out of range", `{"eventType":"CALL_ACTION","payload":{"callDuration":1e999,` + ok + `}}`, "payload.callDuration", "number out of range"},
		{"number out of range in array", `{"eventType":"CALL_STATUS","payload":{"sessionId":"s","x":[1,1e999]}}`, "payload.x[1]", "number out of range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := New().Decode([]byte(c.body), nil)
			if err == nil {
				t.Fatalf("no error, got %+v", ev)
			}
			var de *platform.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a *platform.DecodeError", err, err)
			}
			if de.Field != c.field || !strings.Contains(de.Msg, c.msg) {
				t.Errorf("got %q (field %q), want field %q and a message containing %q", err, de.Field, c.field, c.msg)
			}
		})
	}
}

func TestDecodeIgnoresCallReceivedData(t *testing.T) {
	// A CALL_RECEIVED has no digits, whatever eventData says.
	body := `{"eventType":"CALL_ACTION","payload":{"sessionId":"s","callStatus":"CALL_RECEIVED","eventData":{"dtmf":"5"},"clientActionId":"x"}}`
	ev, err := New().Decode([]byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != platform.CallStarted || ev.Digits != nil || ev.Resume != "" {
		t.Errorf("event = %+v", ev)
	}
}

// Every value that keys a session or a delivery is refused beyond
// platform.MaxID bytes, on both paths, with the field named and the value
// left out of the message; MaxID bytes are taken.
func TestDecodeLongIDs(t *testing.T) {
	long, limit := strings.Repeat("x", 60_000), strings.Repeat("7", platform.MaxID)
	const head = `{"eventType":"CALL_ACTION","payload":{`
	body := func(event, session, status, resume, dtmf string) string {
		return head + `"eventId":"` + event + `","sessionId":"` + session + `","callStatus":"` + status +
			`","source":"+6591234567","destination":"+6512345678","clientActionId":"` + resume +
			`","eventData":{"dtmf":"` + dtmf + `"}}}`
	}
	tests := []struct{ field, body string }{
		{"payload.sessionId", body("e1", long, StatusActionCompleted, "tok", "1")},
		{"payload.eventId", body(long, "s1", StatusActionCompleted, "tok", "1")},
		{"payload.clientActionId", body("e1", "s1", StatusActionCompleted, long, "1")},
		{"payload.eventData.dtmf", body("e1", "s1", StatusActionCompleted, "tok", strings.Repeat("1", 60_000))},
		{"payload.eventData.dtmf", completed(`{"dtmf":"`+strings.Repeat("1", 60_000)+`","k":1}`, "e1")},
		{"payload.sessionId", `{"eventType":"SESSION_SUMMARY","payload":{"sessionId":"` + long + `"}}`},
		{"payload.callStatus", `{"eventType":"CALL_STATUS","payload":{"sessionId":"s1","callStatus":"` + long + `"}}`},
		{"payload.sessionId", strings.Replace(body("e1", long, StatusCallReceived, "", ""), `"s`, ` "s`, 1)}, // not the scan's shape
		{"payload.source", strings.Replace(body("e1", "s1", StatusCallReceived, "", ""), "+6591234567", "+65"+long, 1)},
		{"payload.destination", strings.Replace(body("e1", "s1", StatusCallReceived, "", ""), "+6512345678", "+65"+long, 1)},
		{"payload.details.callA.source", `{"eventType":"SESSION_SUMMARY","payload":{"sessionId":"s1","details":{"callA":{"source":"` + long + `"}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			if _, ok := decodeFast([]byte(tt.body)); ok {
				t.Error("the fast path took it")
			}
			ev, err := New().Decode([]byte(tt.body), nil)
			var de *platform.DecodeError
			if ev != nil || !errors.As(err, &de) || de.Field != tt.field || !strings.Contains(de.Msg, "are at most 256 bytes") {
				t.Fatalf("Decode = %v, %.300v; want a DecodeError for %s", ev, err, tt.field)
			}
			if len(err.Error()) > 200 {
				t.Errorf("the error is %d bytes long: it quotes the value", len(err.Error()))
			}
		})
	}
	ev, err := New().Decode([]byte(body(limit, limit, StatusActionCompleted, limit, limit)), nil)
	if err != nil || ev.Session != limit || ev.Delivery != limit || ev.Resume != limit || *ev.Digits != limit {
		t.Errorf("ids of MaxID bytes: %+v, %v", ev, err)
	}
}

// Numbers in eventData are decoded exactly on both paths: an integer
// float64 cannot hold is an int64, in Data and in Raw; and Data, a copy of
// eventData without dtmf, holds numbers, not json.Numbers.
func TestDecodeExactNumbers(t *testing.T) {
	tests := []struct {
		name, body string
		want       any
	}{
		{"beyond 2^53", completed(`{"n":9007199254740993}`, "e1"), int64(9007199254740993)},
		{"beyond 2^53 beside dtmf", completed(`{"dtmf":"1","n":9007199254740993}`, "e1"), int64(9007199254740993)},
		{"small beside dtmf", completed(`{"dtmf":"1","n":5}`, "e1"), 5.0},
		{"in a string eventData", completed(`"{\"dtmf\":\"1\",\"n\":9007199254740993}"`, "e1"), int64(9007199254740993)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New().Decode([]byte(tt.body), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := ev.Data["n"]; got != tt.want {
				t.Errorf("Data.n = %#v, want %#v", got, tt.want)
			}
			data, _ := ev.RawJSON()["payload"].(map[string]any)["eventData"].(map[string]any)
			if got := data["n"]; got != tt.want {
				t.Errorf("Raw payload.eventData.n = %#v, want %#v", got, tt.want)
			}
		})
	}
}
