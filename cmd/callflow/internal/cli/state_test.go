package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestMain lets a test run this binary as callflow itself, so concurrent
// runs are real processes, each with its own file lock.
func TestMain(m *testing.M) {
	if os.Getenv("CALLFLOW_CLI_TEST_MAIN") == "1" {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

// Twenty `callflow run --state` processes started at once on one file,
// each starting its own 8x8 call, leave all twenty sessions in it: the
// file is read, changed and written back under a lock, and replaced
// atomically. (With a plain write, 11 of 20 were lost.)
func TestConcurrentRunsKeepEverySession(t *testing.T) {
	const runs = 20
	dir := t.TempDir()
	statePath := filepath.Join(dir, "st.json")
	flows, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "flows"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range runs {
		hook := filepath.Join(dir, fmt.Sprintf("call-%d.json", i))
		body := fmt.Sprintf(`{"namespace":"VOICE","eventType":"CALL_ACTION","payload":{"eventId":"e-%d","sessionId":"call-%d","callStatus":"CALL_RECEIVED","source":"+6591234567","destination":"+6512345678"}}`, i, i)
		if err := os.WriteFile(hook, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "run", "--state", statePath, "--at", "2026-11-23T10:00:00+08:00", flows, hook)
			cmd.Env = append(os.Environ(), "CALLFLOW_CLI_TEST_MAIN=1", "CLINIC_CRM_TOKEN=demo-token") // appointments.flow's secret, as make run sets it
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || !bytes.Contains(out, []byte(`"sayAndCapture"`)) {
				t.Errorf("run %d: %v\n%s%s", i, err, out, stderr.Bytes())
			}
		})
	}
	wg.Wait()

	data, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Sessions map[string]json.RawMessage
		Answers  map[string]json.RawMessage
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("the state file is not JSON: %v", err)
	}
	if len(st.Sessions) != runs || len(st.Answers) != runs {
		t.Errorf("%d sessions and %d answers in the state file, want %d of each", len(st.Sessions), len(st.Answers), runs)
	}
	for i := range runs {
		if _, ok := st.Sessions[fmt.Sprintf("8x8|call-%d", i)]; !ok {
			t.Errorf("the session of call-%d is lost", i)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".st.json.*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}
