package runtime_test

import (
	"testing"
	"time"
)

// TestGoldenRepairs runs the shipped repairs line, one source for 8x8 and
// Twilio, along every path on both platforms, and compares each answer
// with testdata/run/repairs/<platform>/<case>.json: the same steps as
// 8x8 callflow JSON and as TwiML.
func TestGoldenRepairs(t *testing.T) {
	eng := newEngine(t, shipped(t), offline())
	ready := map[string]any{"repair": map[string]any{"found": true, "status": "repaired, screen replaced", "ready": true}}
	waiting := map[string]any{"repair": map[string]any{"found": true, "status": "waiting for a part", "ready": false}}
	lines := []struct {
		platform, caller, callee string
		open, closed             time.Time
	}{
		{"8x8", "+6591234567", "+6531582000", inHours, time.Date(2026, 11, 28, 15, 0, 0, 0, time.FixedZone("+08", 8*3600))},
		{"twilio", "+14158675309", "+14155550123", time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("-08", -8*3600)),
			time.Date(2026, 11, 23, 18, 0, 0, 0, time.FixedZone("-08", -8*3600))},
	}
	cases := []struct {
		name    string
		closed  bool
		given   map[string]any
		handler string // of the last answer
		walk    func(c *platformCall)
	}{
		{"closed", true, nil, "closed", func(c *platformCall) { c.start() }},
		{"press_1_ready", false, ready, "status", func(c *platformCall) { c.start(); c.press("1"); c.press("123456") }},
		{"press_1_waiting_for_a_part", false, waiting, "status", func(c *platformCall) { c.start(); c.press("1"); c.press("654321") }},
		{"press_1_unknown_order", false, nil, "desk", func(c *platformCall) { c.start(); c.press("1"); c.press("111111") }},
		{"press_1_short_then_no_order", false, nil, "desk", func(c *platformCall) { c.start(); c.press("1"); c.press("12"); c.press("") }},
		{"press_2_desk", false, nil, "desk", func(c *platformCall) { c.start(); c.press("2") }},
		{"wrong_key_then_2", false, nil, "desk", func(c *platformCall) { c.start(); c.press("7"); c.press("2") }},
		{"three_wrong_keys", false, nil, "menu", func(c *platformCall) { c.start(); c.press("7"); c.press("8"); c.press("5") }},
		{"no_input", false, nil, "menu", func(c *platformCall) { c.start(); c.press(""); c.press(""); c.press("") }},
	}
	for _, line := range lines {
		for _, tc := range cases {
			t.Run(line.platform+"/"+tc.name, func(t *testing.T) {
				at := line.open
				if tc.closed {
					at = line.closed
				}
				c := newPlatformCall(t, eng, line.platform, "rep-"+line.platform+"-"+tc.name, line.caller, line.callee, at)
				c.given = tc.given
				tc.walk(c)
				if c.last.Flow != "repairs" || c.last.Handler != tc.handler {
					t.Errorf("flow %q handler %q, want repairs %q", c.last.Flow, c.last.Handler, tc.handler)
				}
				golden(t, "repairs", line.platform+"/"+tc.name, c.steps)
			})
		}
	}
}
