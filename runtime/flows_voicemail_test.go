package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
)

// TestGoldenVoicemail runs the shipped Harbour Dental line, one source for
// Twilio and Vonage, along every path on both platforms: the transfer's
// outcomes, the recording and what the flow does with it (the post to the
// patient system, answered on loopback by nobody, so its else), pauses and
// the British English say. Each answer is compared with
// testdata/run/voicemail/<platform>/<case>.json: TwiML and NCCO.
func TestGoldenVoicemail(t *testing.T) {
	eng := newEngine(t, shipped(t), offline())
	london := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }
	saved := map[string]any{runtime.GivenPost("https://patients.harbourdental.example/voicemails"): map[string]any{"ok": true}}
	const recording = "https://recordings.example.com/RE0001.mp3"
	lines := []struct{ platform, callee string }{
		{"twilio", "+442079460100"},
		{"vonage", "+442079460200"},
	}
	cases := []struct {
		name    string
		at      time.Time
		given   map[string]any
		handler string // of the last answer
		walk    func(c *platformCall)
	}{
		{"desk_answered", london(23, 10), nil, "open_hours", func(c *platformCall) { c.start(); c.dial(lplatform.DialCompleted) }},
		{"desk_busy_message_saved", london(23, 10), saved, "message", func(c *platformCall) {
			c.start()
			c.dial(lplatform.DialBusy)
			c.recorded(recording)
		}},
		{"desk_noanswer_message_not_saved", london(23, 10), nil, "message", func(c *platformCall) {
			c.start()
			c.dial(lplatform.DialNoAnswer)
			c.recorded(recording)
		}},
		{"desk_failed_nothing_recorded", london(23, 10), nil, "message", func(c *platformCall) {
			c.start()
			c.dial(lplatform.DialFailed)
			c.recorded("")
		}},
		{"after_hours_on_call_answered", london(23, 19), nil, "after_hours", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialCompleted)
		}},
		{"after_hours_on_call_busy", london(23, 19), saved, "message", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialBusy)
			c.recorded(recording)
		}},
		{"after_hours_on_call_noanswer", london(23, 19), nil, "message", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialNoAnswer)
		}},
		{"after_hours_on_call_failed", london(23, 19), nil, "message", func(c *platformCall) {
			c.start()
			c.press("1")
			c.dial(lplatform.DialFailed)
		}},
		{"after_hours_message", london(28, 9), saved, "message", func(c *platformCall) {
			c.start()
			c.press("2")
			c.recorded(recording)
		}},
		{"after_hours_wrong_key_then_silence", london(23, 19), nil, "message", func(c *platformCall) {
			c.start()
			c.press("5")
			c.press("")
		}},
		{"christmas_day", time.Date(2026, 12, 25, 10, 0, 0, 0, time.UTC), nil, "after_hours", func(c *platformCall) { c.start() }},
	}
	for _, line := range lines {
		for _, tc := range cases {
			t.Run(line.platform+"/"+tc.name, func(t *testing.T) {
				c := newPlatformCall(t, eng, line.platform, "vm-"+line.platform+"-"+tc.name, "+447700900123", line.callee, tc.at)
				c.given = tc.given
				tc.walk(c)
				if c.last.Flow != "voicemail" || c.last.Handler != tc.handler {
					t.Errorf("flow %q handler %q, want voicemail %q", c.last.Flow, c.last.Handler, tc.handler)
				}
				golden(t, "voicemail", line.platform+"/"+tc.name, c.steps)
			})
		}
	}
}

// patientSystem stands in for patients.harbourdental.example on loopback
// TLS: it keeps the voicemails posted to it and answers {ok: true}.
type patientSystem struct {
	mu    sync.Mutex
	posts []map[string]any
}

func (ps *patientSystem) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/voicemails" {
		http.NotFound(w, r)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ps.mu.Lock()
	ps.posts = append(ps.posts, body)
	ps.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok": true}`)
}

// TestVoicemailPostsTheRecording: what the dental line does with a
// recording, on both its platforms. The patient system receives the
// recording's URL with who called which number and on which platform,
// even on Vonage, whose recording event names neither party (the call's
// are the session's), and the caller hears that the practice will call
// back.
func TestVoicemailPostsTheRecording(t *testing.T) {
	ps := &patientSystem{}
	srv := httptest.NewTLSServer(ps)
	t.Cleanup(srv.Close)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.ServerName = "example.com" // the name httptest's certificate holds
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != "patients.harbourdental.example:443" {
			return nil, errors.New("offline test: only the patient system is reachable")
		}
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}
	eng := newEngine(t, shipped(t), runtime.WithHTTPClient(&http.Client{Transport: tr}))
	const recording = "https://recordings.example.com/RE0002.mp3"
	for _, line := range []struct{ platform, callee string }{{"twilio", "+442079460100"}, {"vonage", "+442079460200"}} {
		t.Run(line.platform, func(t *testing.T) {
			c := newPlatformCall(t, eng, line.platform, "vm-post-"+line.platform, "+447700900123", line.callee, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
			c.start()
			c.dial(lplatform.DialNoAnswer)
			res := c.recorded(recording)
			if !strings.Contains(string(res.Reply.Body), "The practice will call you back on the next working day.") {
				t.Errorf("after the post: %s; want the call-back promise", res.Reply.Body)
			}
			ps.mu.Lock()
			defer ps.mu.Unlock()
			if len(ps.posts) == 0 {
				t.Fatal("nothing was posted to the patient system")
			}
			got := ps.posts[len(ps.posts)-1]
			want := map[string]any{"caller": "+447700900123", "called": line.callee, "recording": recording,
				"call": "vm-post-" + line.platform, "platform": line.platform}
			if !maps.Equal(got, want) {
				t.Errorf("the patient system received %v, want %v", got, want)
			}
		})
	}
}
