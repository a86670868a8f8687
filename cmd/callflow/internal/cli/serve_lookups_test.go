package cli

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A lookup redirected to another host gets its else value unless
// --unguarded-lookups (or $CALLFLOW_UNGUARDED_LOOKUPS) is given. The other
// host is a second loopback address, 127.0.0.2.
func TestServeUnguardedLookups(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no second loopback address, and CI must run this test: %v", err)
		}
		t.Skipf("SKIPPING: no second loopback address here (macOS: sudo ifconfig lo0 alias 127.0.0.2): %v", err)
	}
	var stolen atomic.Int64
	other := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		fmt.Fprint(w, `{"agent": 66}`)
	})}}
	other.Start()
	defer other.Close()
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/agent", http.StatusFound)
	}))
	defer crm.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.flow"), []byte(fmt.Sprintf(serveFlow, crm.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		env    string
		agent  string
		stolen int64
	}{
		{"guarded", nil, "", `{"CallInBound":{"OverrideAIAgentId":5}}`, 0},
		{"flag", []string{"--unguarded-lookups"}, "", `{"CallInBound":{"OverrideAIAgentId":66}}`, 1},
		{"env", nil, "true", `{"CallInBound":{"OverrideAIAgentId":66}}`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CALLFLOW_UNGUARDED_LOOKUPS", tc.env) // restored after the test
			if tc.env == "" {
				os.Unsetenv("CALLFLOW_UNGUARDED_LOOKUPS")
			}
			stolen.Store(0)
			args := append([]string{"--addr", "127.0.0.1:0", "--dir", dir, "--log-format", "json"}, tc.args...)
			addr, _, stderr, cancel, done := startServe(t, &serveHooks{}, args...)
			body := `{"Event":"CallInBound","SessionId":"s-` + tc.name + `","SdkAppId":1,"CallInBound":{"AIAgentId":0,"IvrId":7,"Caller":"+8613066668888","Callee":"+10000000001"}}`
			resp, err := http.Post("http://"+addr+"/hooks/tencent", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			cancel()
			<-done
			if string(b) != tc.agent {
				t.Errorf("answer %s, want %s", b, tc.agent)
			}
			if n := stolen.Load(); n != tc.stolen {
				t.Errorf("the other host got %d requests, want %d", n, tc.stolen)
			}
			logged := strings.Contains(stderr.String(), `"msg":"lookup failed, used its else value"`)
			if logged != (tc.stolen == 0) {
				t.Errorf("lookup failure logged %t, want %t:\n%s", logged, tc.stolen == 0, stderr)
			}
		})
	}
}
