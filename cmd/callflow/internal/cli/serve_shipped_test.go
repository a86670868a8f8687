package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// TestServeShippedFlows is `make run` from a fresh clone: serve on the
// repository's flows folder with the one demo secret the Makefile sets
// (CLINIC_CRM_TOKEN) and no platform secret. Every shipped flow loads, and
// each flow for the platforms added later answers a call on its
// platform's route, picked by the number called, in the platform's own
// content type: the repairs line on 8x8 and on Twilio, the dental line on
// Twilio and on Vonage, the dispatch line on jambonz.
func TestServeShippedFlows(t *testing.T) {
	t.Setenv("CLINIC_CRM_TOKEN", "demo-token")
	flows, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "flows"))
	if err != nil {
		t.Fatal(err)
	}
	addr, _, stderr, _, _ := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", flows)
	base := "http://" + addr

	resp, err := http.Get(base + "/v1/flows")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Flows []struct {
			Name, Status string
			Serving      bool
		}
	}
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	var serving []string
	for _, f := range st.Flows {
		if f.Status != "ok" || !f.Serving {
			t.Errorf("flow %s: status %s serving %v, want ok and serving\n%s", f.Name, f.Status, f.Serving, stderr)
		}
		serving = append(serving, f.Name)
	}
	slices.Sort(serving)
	want := []string{"appointments", "callme", "dispatch", "exam_results", "reception", "repairs", "support", "voicemail"}
	if !slices.Equal(serving, want) {
		t.Errorf("serving %v, want %v", serving, want)
	}

	now := time.Now()
	for _, tc := range []struct {
		platform, route, caller, callee string
		says                            []string // one of them: the flow's greetings in and out of hours
	}{
		{"8x8", "/hooks/8x8", "+6591234567", "+6531582000", []string{"Welcome to ACME repairs.", "The repairs desk is closed."}},
		{"twilio", "/hooks/twilio", "+14158675309", "+14155550123", []string{"Welcome to ACME repairs.", "The repairs desk is closed."}},
		{"twilio", "/hooks/twilio", "+447700900123", "+442079460100", []string{"Thank you for calling Harbour Dental.", "Harbour Dental is closed."}},
		{"vonage", "/hooks/vonage", "+447700900123", "+442079460200", []string{"Thank you for calling Harbour Dental.", "Harbour Dental is closed."}},
		{"jambonz", "/hooks/jambonz", "+6591234567", "+6531586000", []string{"Northwind Freight dispatch."}},
	} {
		t.Run(tc.platform+tc.callee, func(t *testing.T) {
			d, ok := runtime.LookupPlatform(tc.platform)
			if !ok {
				t.Fatalf("no platform %s", tc.platform)
			}
			body, err := d.Adapter.Webhook(platform.Call{Session: "make-run-" + tc.callee, Caller: tc.caller, Callee: tc.callee, At: now})
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPost, base+tc.route, bytes.NewReader(body))
			for k, v := range d.WebhookHeader() {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			wantType := d.Answer
			if wantType == "" {
				wantType = "application/json"
			}
			got, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
			if resp.StatusCode != 200 || got != wantType {
				t.Fatalf("%s %s: %d %s, want 200 %s: %s", tc.platform, tc.route, resp.StatusCode, got, wantType, answer)
			}
			if !slices.ContainsFunc(tc.says, func(s string) bool { return strings.Contains(string(answer), s) }) {
				t.Errorf("%s %s to %s: the answer says none of %q: %s", tc.platform, tc.route, tc.callee, tc.says, answer)
			}
		})
	}
}
