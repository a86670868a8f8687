package cli

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/redisstore"
	"github.com/callflow/callflow/runtime/redisstore/redistest"
)

const storeFlow = "flow hello\n\ntarget tencent\nnumber \"+10000000001\"\n\notherwise -> main\n\nhandler main {\n  agent %s\n}\n"

// Two serve replicas on one Redis (--store, the password from a file):
// a delivery answered by one is answered the same by the other, even
// though the other's flow would answer differently; the keys carry the
// prefix; the password is never printed.
func TestServeStoreRedis(t *testing.T) {
	const password = "s3cret-redis-pass-0123"
	srv := redistest.Start(t, "--requirepass", password)
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte(password+"\n"), 0o600)
	t.Setenv("CALLFLOW_STORE_PASSWORD_FILE", pwFile)
	flows := func(agent string) string {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, "hello.flow"), []byte(strings.Replace(storeFlow, "%s", agent, 1)), 0o644)
		return d
	}
	store := "redis://" + srv.Addr + "/0"
	addrA, outA, errA, cancelA, doneA := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", flows("5"), "--store", store, "--store-prefix", "cf-test")
	addrB, outB, errB, cancelB, doneB := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", flows("6"), "--store", store, "--store-prefix", "cf-test")

	post := func(addr string) string {
		body := `{"Event":"CallInBound","SessionId":"s-1","SdkAppId":1,"CallInBound":{"AIAgentId":0,"IvrId":7,"Caller":"+8613066668888","Callee":"+10000000001"}}`
		resp, err := http.Post("http://"+addr+"/hooks/tencent", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	first := post(addrA)
	if !strings.Contains(first, `"OverrideAIAgentId":5`) {
		t.Fatalf("replica A answered %s", first)
	}
	if again := post(addrB); again != first {
		t.Fatalf("the duplicate on replica B got\n%s\nwant replica A's answer\n%s", again, first)
	}

	rs, err := redisstore.Open(context.Background(), store, redisstore.WithPassword(password))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	// The answer, and the bundles of both replicas' flow versions (stored in
	// the background once loaded), all under the prefix.
	deadline := time.Now().Add(10 * time.Second)
	for {
		keys := rs.Client().Keys(context.Background(), "*").Val()
		sort.Strings(keys)
		answer, bundles := 0, 0
		for _, k := range keys {
			switch {
			case k == "cf-test:{tencent:s-1}:a":
				answer++
			case strings.HasPrefix(k, "cf-test:{bundle:"):
				bundles++
			default:
				t.Fatalf("key %q in Redis", k)
			}
		}
		if answer == 1 && bundles == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keys in Redis: %q, want the answer and two bundles under the prefix", keys)
		}
		time.Sleep(5 * time.Millisecond)
	}

	cancelA()
	cancelB()
	for _, done := range []<-chan error{doneA, doneB} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	out := outA.String() + errA.String() + outB.String() + errB.String()
	if strings.Contains(out, password) {
		t.Fatalf("the password is in the output:\n%s", out)
	}
	if !strings.Contains(outA.String(), "state of calls in redis://"+srv.Addr+"/0, keys cf-test:") {
		t.Errorf("serve does not say where the state of calls is:\n%s", outA)
	}
}

// A Redis that refuses the password, or is not there, stops serve at start
// with exit 2 and the URL without its password.
func TestServeStoreUnreachable(t *testing.T) {
	srv := redistest.Start(t, "--requirepass", "right-password")
	dir := t.TempDir()
	for _, tc := range []struct {
		url, want string
	}{
		{"redis://:wrong-password@" + srv.Addr + "/0", "redis://:xxxxx@" + srv.Addr + "/0"},
		{"redis://127.0.0.1:1/0", "redis://127.0.0.1:1/0"},
		{"redis://h:1?addr=h:2", "redis+sentinel://… or redis+cluster://"},
		{"http://x", `scheme "http" is not one of`},
	} {
		var cli app
		stdout, stderr := &serveBuffer{}, &serveBuffer{}
		_, code, finished := parse(&cli, []string{"serve", "--dir", dir, "--addr", "127.0.0.1:0", "--store", tc.url}, stdout, stderr)
		if finished {
			t.Fatalf("parse: exit %d %s", code, stderr)
		}
		err := cli.Serve.serve(context.Background(), &env{stdout: stdout, stderr: stderr}, &serveHooks{})
		var f *exitError
		if !errors.As(err, &f) || f.code != exitUsage {
			t.Fatalf("--store %s: %v, want exit 2", tc.url, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "--store: ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "wrong-password") {
			t.Errorf("--store %s: %q, want it to name %q and not the password", tc.url, msg, tc.want)
		}
	}
}

// With --store, serve runs degraded while Redis is gone: webhooks are
// answered by their flow from the process, /readyz stays 200, /v1/status
// and the log say degraded; once Redis is back, status and log say so.
func TestServeStoreDegraded(t *testing.T) {
	srv := redistest.Start(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hello.flow"), []byte(strings.Replace(storeFlow, "%s", "5", 1)), 0o644)
	addr, _, stderr, cancel, done := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", dir, "--store", srv.URL())
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(session string) (int, string, time.Duration) {
		body := `{"Event":"CallInBound","SessionId":"` + session + `","SdkAppId":1,"CallInBound":{"AIAgentId":0,"IvrId":7,"Caller":"+8613066668888","Callee":"+10000000001"}}`
		start := time.Now()
		resp, err := http.Post("http://"+addr+"/hooks/tencent", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), time.Since(start)
	}
	if code, st := get("/v1/status"); code != http.StatusOK || !strings.Contains(st, `"status":"ok"`) || !strings.Contains(st, `"shared":true`) {
		t.Fatalf("/v1/status with Redis up: %d %s", code, st)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		code, got, took := post("down-" + string(rune('a'+i)))
		if code != http.StatusOK || !strings.Contains(got, `"OverrideAIAgentId":5`) || took > 3*time.Second {
			t.Fatalf("tencent webhook with Redis stopped: %d %s after %v; want the flow's answer within 3s", code, got, took)
		}
	}
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz while degraded: %d", code)
	}
	if _, st := get("/v1/status"); !strings.Contains(st, `"status":"degraded"`) || !strings.Contains(st, `"breaker":"open"`) {
		t.Fatalf("/v1/status with Redis stopped: %s", st)
	}
	if _, m := get("/metrics"); !strings.Contains(m, `callflow_store_breaker_state{state="open"} 1`) {
		t.Fatal("the metrics do not show the breaker open")
	}

	srv.Restart(t)
	deadline := time.Now().Add(15 * time.Second)  // the breaker's pause (degrade.DefaultPause), then a probe
	tick := time.NewTicker(50 * time.Millisecond) // a webhook each tick: the first after the pause probes
	defer tick.Stop()
	for i := 0; ; i++ {
		post("up-" + strconv.Itoa(i))
		if _, st := get("/v1/status"); strings.Contains(st, `"status":"ok"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/v1/status did not say ok within 15s of Redis coming back")
		}
		<-tick.C
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	log := stderr.String()
	if strings.Count(log, "shared store unavailable: serving degraded") != 1 || strings.Count(log, "shared store back") != 1 {
		t.Fatalf("the log does not say degraded once and back once:\n%s", log)
	}
}
