package runtime_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
)

// clinicToken is the CLINIC_CRM_TOKEN the appointments flow is loaded
// with here, as a server would read it from its environment.
const clinicToken = "clinic-token-7f3a"

// clinicCRM stands in for crm.example.com on loopback TLS: a patient
// lookup that knows one PIN, and the callback and survey posts. It
// refuses a request without the bearer token, and keeps what it was sent.
type clinicCRM struct {
	mu   sync.Mutex
	seen []string          // METHOD path?query, in order
	keys map[string]string // Idempotency-Key of each post, by path
	body map[string]any    // the JSON body of each post, by path
}

func (crm *clinicCRM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	crm.mu.Lock()
	defer crm.mu.Unlock()
	crm.seen = append(crm.seen, r.Method+" "+r.URL.RequestURI())
	if r.Header.Get("Authorization") != "Bearer "+clinicToken {
		http.Error(w, "no token", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/patients/+6591234567":
		ok := r.URL.Query().Get("pin") == "4821"
		json.NewEncoder(w).Encode(map[string]any{"ok": ok, "id": "P-1042", "name": "Mrs Tan", "next": "Tuesday at 9:30"})
	case r.Method == http.MethodPost && (r.URL.Path == "/callbacks" || r.URL.Path == "/surveys"):
		var body map[string]any
		data, _ := io.ReadAll(r.Body)
		json.Unmarshal(data, &body)
		crm.keys[r.URL.Path], crm.body[r.URL.Path] = r.Header.Get("Idempotency-Key"), body
		io.WriteString(w, `{"ok": true}`)
	default:
		http.NotFound(w, r)
	}
}

// appointmentsEngine serves the shipped flows, with appointments' secret
// set, and sends every request for crm.example.com to crm.
func appointmentsEngine(t *testing.T, crm *clinicCRM) *runtime.Engine {
	t.Helper()
	srv := httptest.NewTLSServer(crm)
	t.Cleanup(srv.Close)
	secrets := func(name string) (string, bool, error) { return clinicToken, name == "CLINIC_CRM_TOKEN", nil }
	prog, ds := lang.CompileDir(os.DirFS("../flows"), lang.WithSecrets(secrets))
	if ds.HasErrors() || prog == nil {
		t.Fatalf("the shipped flows do not load with CLINIC_CRM_TOKEN set: %v", ds)
	}
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.ServerName = "example.com" // the name httptest's certificate holds
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "crm.example.com:443" {
			addr = srv.Listener.Addr().String()
		}
		return d.DialContext(ctx, network, addr)
	}
	return newEngine(t, prog, runtime.WithHTTPClient(&http.Client{Transport: tr}))
}

// TestGoldenAppointments walks the shipped clinic line against a CRM on
// loopback: the PIN lookup carries the bearer secret and is asked again
// for each new PIN only, the callback request and the rating are posted
// once each with an Idempotency-Key, and every answer matches
// testdata/run/appointments.
func TestGoldenAppointments(t *testing.T) {
	cases := []struct {
		name string
		walk func(c *call8x8) []step
		seen []string // what the CRM received
	}{
		{"appointment_wrong_pin_then_right_then_rating", func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 1", c.press("1")),
				record(t, "dtmf 1111", c.press("1111")), record(t, "dtmf 4821", c.press("4821")),
				record(t, "dtmf 5", c.press("5"))}
		}, []string{"GET /patients/+6591234567?pin=1111", "GET /patients/+6591234567?pin=4821", "POST /surveys"}},
		{"callback_request_rating_skipped", func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 2", c.press("2")),
				record(t, "dtmf 4821", c.press("4821")), record(t, "dtmf null", c.silence())}
		}, []string{"GET /patients/+6591234567?pin=4821", "POST /callbacks"}},
		{"no_pin_reaches_reception", func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf 1", c.press("1")),
				record(t, "dtmf null", c.silence()), record(t, "dtmf null", c.silence())}
		}, nil},
		{"menu_silence_then_wrong_keys", func(c *call8x8) []step {
			return []step{record(t, "CALL_RECEIVED", c.start()), record(t, "dtmf null", c.silence()),
				record(t, "dtmf 7", c.press("7")), record(t, "dtmf 8", c.press("8"))}
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			crm := &clinicCRM{keys: map[string]string{}, body: map[string]any{}}
			c := newCall8x8(t, appointmentsEngine(t, crm), "appt-"+tc.name, inHours)
			c.callee = "+6563004000"
			steps := tc.walk(c)
			for _, s := range steps {
				if s.Outcome != string(runtime.Answered) || s.Status != 200 {
					t.Errorf("%s: outcome %s status %d, want answered 200", s.Sent, s.Outcome, s.Status)
				}
			}
			crm.mu.Lock()
			defer crm.mu.Unlock()
			if !slices.Equal(crm.seen, tc.seen) {
				t.Errorf("the CRM received %q, want %q", crm.seen, tc.seen)
			}
			for path, key := range crm.keys {
				if key == "" {
					t.Errorf("POST %s came without an Idempotency-Key", path)
				}
			}
			if b, ok := crm.body["/callbacks"].(map[string]any); ok && (b["patient"] != "P-1042" || b["phone"] != "+6591234567" || b["topic"] != "appointment") {
				t.Errorf("callback request body %v, want the patient, the phone and the topic", b)
			}
			if b, ok := crm.body["/surveys"].(map[string]any); ok && b["score"] != 5.0 {
				t.Errorf("survey body %v, want score 5 as a number", b)
			}
			for _, s := range steps {
				if strings.Contains(string(s.Body), clinicToken) {
					t.Errorf("%s: the answer holds the secret: %s", s.Sent, s.Body)
				}
			}
			golden(t, "appointments", tc.name, steps)
		})
	}
}
