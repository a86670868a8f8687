package callbot

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// examCampaign is what flows/exam_results.flow asks for on exam_result.json.
var examCampaign = platform.Campaign{
	Name:       "Thông báo điểm thi",
	Script:     "64915bc76a690c0edad14723",
	CID:        "842499950291",
	Voice:      "northern_female_ngocanh",
	Speed:      0,
	Retry:      2,
	RetryEvery: 10 * time.Minute,
	Batch:      15,
	BatchEvery: 30 * time.Second,
	Dedupe:     "exam-2026-hk1-hs0042",
	Contacts: []platform.Contact{{
		Phone: "0988888888",
		Email: "tran.van.a@thpt-chuvanan.edu.vn",
		Code:  "HS-0042",
		Vars:  map[string]any{"tên thí sinh": "Trần Văn A", "Toán": "9.5"},
	}},
}

func TestRender(t *testing.T) {
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	tests := []struct {
		golden string
		c      platform.Campaign
	}{
		{"exam_result.json", examCampaign},
		{"full.json", platform.Campaign{
			Name:       "Nhắc lịch hẹn <khám> & tái khám",
			Script:     "653b155db0f794aabbccddee",
			CID:        "842499950291",
			Voice:      "southern_male_tienhuy",
			Speed:      -2,
			Retry:      1,
			RetryEvery: 1500 * time.Millisecond, // rounds up to 2
			Batch:      5,
			BatchEvery: time.Minute,
			SendTime:   &at,
			Dedupe:     "crm-batch-42",
			AutoPause:  true,
			Contacts: []platform.Contact{
				{Phone: "0988888888", Email: "a@example.vn", Code: "CRM-1", Vars: map[string]any{
					"full_name": "Trần Văn A", "gender1": "Anh", "diem": 9.5, "lan": 8.0, "count": 3,
					"confirmed": true, "missing": nil, "at": time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC),
				}},
				{Phone: "0912345678"},
			},
		}},
		{"minimal.json", platform.Campaign{
			Script:   "64a922f61900954f5419d503",
			Contacts: []platform.Contact{{Phone: "0988888888", Vars: map[string]any{}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			ev := &platform.Event{Kind: platform.Trigger, Session: "t1"}
			reply, err := New().Render(ev, &platform.Response{Actions: []platform.Action{tt.c}})
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

// The rules Render documents, checked on the decoded body rather than bytes.
func TestRenderFields(t *testing.T) {
	render := func(c platform.Campaign) (map[string]any, map[string]any) {
		t.Helper()
		reply, err := New().Render(nil, &platform.Response{Actions: []platform.Action{c}})
		if err != nil {
			t.Fatal(err)
		}
		var env struct {
			Method, Path string
			Query        map[string]any
			Body         map[string]any
		}
		if err := json.Unmarshal(reply.Body, &env); err != nil {
			t.Fatal(err)
		}
		if env.Method != "POST" || env.Path != "/api/call_bot/execute_by_phone" {
			t.Errorf("envelope %s %s", env.Method, env.Path)
		}
		return env.Query, env.Body
	}
	base := platform.Campaign{Script: "s", Contacts: []platform.Contact{{Phone: "0988888888"}}}
	q, b := render(base)
	if cid, ok := q["cid"]; !ok || cid != "" {
		t.Errorf("query cid = %v, %v; want present and empty", cid, ok)
	}
	for _, k := range []string{"name", "voice", "cid", "num_per_call", "distance_per_call", "send_time", "ext_session_id"} {
		if v, ok := b[k]; ok {
			t.Errorf("unset %s sent as %v", k, v)
		}
	}
	for k, want := range map[string]any{"speed": 0.0, "num_retry": 0.0, "distance_retry": 0.0, "auto_pause": false, "bot_script_id": "s"} {
		if b[k] != want {
			t.Errorf("%s = %v, want %v", k, b[k], want)
		}
	}
	c := b["contact_info"].([]any)[0].(map[string]any)
	if len(c) != 1 || c["phone"] != "0988888888" {
		t.Errorf("contact = %v, want only the phone", c)
	}

	at := time.UnixMilli(1730000000000)
	full := base
	full.SendTime = &at
	full.RetryEvery = 10 * time.Minute
	full.BatchEvery = 30*time.Second + time.Nanosecond
	full.Batch = 15
	full.CID = "842499950291"
	_, b = render(full)
	for k, want := range map[string]any{"send_time": 1730000000000.0, "distance_retry": 600.0, "distance_per_call": 31.0, "num_per_call": 15.0, "cid": "842499950291"} {
		if b[k] != want {
			t.Errorf("%s = %v, want %v", k, b[k], want)
		}
	}
}

// OMICall's speed is a number from -3 to 3 (seed 003): what lang/platform
// allows, the checker accepts, and Render sends as it is.
func TestRenderSpeed(t *testing.T) {
	for _, speed := range []float64{-3, -1.5, 0, 1.5, 3} {
		c := examCampaign
		c.Speed = speed
		reply, err := New().Render(nil, &platform.Response{Actions: []platform.Action{c}})
		if err != nil {
			t.Fatalf("speed %g: %v", speed, err)
		}
		var env struct{ Body struct{ Speed *float64 } }
		if err := json.Unmarshal(reply.Body, &env); err != nil {
			t.Fatal(err)
		}
		if env.Body.Speed == nil || *env.Body.Speed != speed {
			t.Errorf("speed %g sent as %v", speed, env.Body.Speed)
		}
	}
}

// Phones go in the national form of OMICall's examples (seed 003's
// "0988888888") when they arrive in E.164, as a caller id does; any other
// writing is the flow's and is sent unchanged.
func TestRenderPhones(t *testing.T) {
	for in, want := range map[string]string{
		"+84988888888":    "0988888888", // seed 003's example number, as a caller id
		"+84912345678":    "0912345678",
		"+842499950291":   "02499950291", // a Hà Nội landline
		"0988888888":      "0988888888",  // already national
		"+84 98 888 8888": "+84 98 888 8888",
		"84988888888":     "84988888888",
		"+6587654321":     "+6587654321", // another country has no national form OMICall dials
		"+84123":          "+84123",      // not a possible number: as given
	} {
		c := examCampaign
		c.Contacts = []platform.Contact{{Phone: in}}
		reply, err := New().Render(nil, &platform.Response{Actions: []platform.Action{c}})
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var env struct {
			Body struct {
				ContactInfo []struct{ Phone string } `json:"contact_info"`
			}
		}
		if err := json.Unmarshal(reply.Body, &env); err != nil {
			t.Fatal(err)
		}
		if got := env.Body.ContactInfo[0].Phone; got != want {
			t.Errorf("phone %q sent as %q, want %q", in, got, want)
		}
	}
}

func TestRenderNothing(t *testing.T) {
	for name, r := range map[string]*platform.Response{
		"nil":       nil,
		"empty":     {},
		"only vars": {Vars: []platform.Var{{Key: "k", Value: "v"}}},
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
	ok := examCampaign
	with := func(f func(*platform.Campaign)) platform.Campaign {
		c := ok
		c.Contacts = append([]platform.Contact(nil), ok.Contacts...)
		f(&c)
		return c
	}
	zero := time.Time{}
	tests := []struct {
		name string
		acts []platform.Action
		msg  string
	}{
		{"say", []platform.Action{platform.Say{Text: "hi"}}, "cannot say"},
		{"callback", []platform.Action{platform.Callback{}}, "cannot callback"},
		{"hangup after", []platform.Action{ok, platform.Hangup{}}, "cannot hangup"},
		{"nil action", []platform.Action{nil}, "cannot nil action"},
		{"pointer", []platform.Action{&ok}, "cannot *platform.Campaign"},
		{"two campaigns", []platform.Action{ok, ok}, "more than one campaign"},
		{"no script", []platform.Action{with(func(c *platform.Campaign) { c.Script = "" })}, "no script id"},
		{"speed high", []platform.Action{with(func(c *platform.Campaign) { c.Speed = 3.5 })}, "speed 3.5 is outside -3..3"},
		{"speed low", []platform.Action{with(func(c *platform.Campaign) { c.Speed = -4 })}, "speed -4"},
		{"speed NaN", []platform.Action{with(func(c *platform.Campaign) { c.Speed = math.NaN() })}, "speed NaN"},
		{"voice", []platform.Action{with(func(c *platform.Campaign) { c.Voice = "Tiến HuyQ" })}, `unknown voice "Tiến HuyQ"`},
		{"retry count", []platform.Action{with(func(c *platform.Campaign) { c.Retry = -1 })}, "negative retry"},
		{"batch count", []platform.Action{with(func(c *platform.Campaign) { c.Batch = -1 })}, "negative retry (2) or batch (-1)"},
		{"retry interval", []platform.Action{with(func(c *platform.Campaign) { c.RetryEvery = -time.Second })}, "retry interval: -1s is negative"},
		{"batch interval", []platform.Action{with(func(c *platform.Campaign) { c.BatchEvery = -time.Second })}, "batch interval"},
		{"zero send time", []platform.Action{with(func(c *platform.Campaign) { c.SendTime = &zero })}, "zero time"},
		{"no contacts", []platform.Action{with(func(c *platform.Campaign) { c.Contacts = nil })}, "no contacts"},
		{"no phone", []platform.Action{with(func(c *platform.Campaign) {
			c.Contacts = append(c.Contacts, platform.Contact{Email: "x@y.vn"})
		})}, "contact 2: no phone"},
		{"map var", []platform.Action{with(func(c *platform.Campaign) {
			c.Contacts[0] = platform.Contact{Phone: "0988888888", Vars: map[string]any{"x": map[string]any{}}}
		})}, `contact 1 (0988888888): variable "x": a map is not text`},
		{"list var", []platform.Action{with(func(c *platform.Campaign) {
			c.Contacts[0] = platform.Contact{Phone: "0988888888", Vars: map[string]any{"x": []any{1}}}
		})}, `variable "x": a slice is not text`},
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
	for _, ev := range []*platform.Event{nil, {Kind: platform.Trigger, Session: "t1"}} {
		reply := New().Fallback(ev, platform.FallbackOptions{Apology: "Xin lỗi", Voice: "v"})
		if reply.Status != http.StatusServiceUnavailable {
			t.Errorf("Status = %d, want 503", reply.Status)
		}
		goldenCheck(t, "fallback.json", reply.Body)
	}
}
