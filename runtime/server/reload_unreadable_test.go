//go:build unix

package server_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/callflow/callflow/runtime/reload"
)

// R11 through the server: a flow file that cannot be read, in ways that
// hold when the tests run as root (where chmod 000 stops nothing): replaced
// by a folder, a dangling symbolic link, a named pipe, a link out of the
// folder, and a link to / beside it. Only that flow is in error — /v1/flows,
// the log and the metrics say so, its last good version keeps answering —
// and another flow's edit still reloads.
func TestReloadUnreadableFlow(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "hello.flow"), tencentFlow("hello", hello, 9))
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir, file string)
		want   string // in the flow's diagnostic
	}{
		{"replaced by a folder", func(t *testing.T, dir, file string) {
			mustRemove(t, file)
			if err := os.Mkdir(file, 0o755); err != nil {
				t.Fatal(err)
			}
		}, "hello.flow is a folder, not a flow file"},
		{"dangling symlink", func(t *testing.T, dir, file string) {
			mustRemove(t, file)
			mustSymlink(t, "hello.flow.orig", file)
		}, "hello.flow is a symbolic link to hello.flow.orig, which does not exist"},
		{"named pipe", func(t *testing.T, dir, file string) {
			mustRemove(t, file)
			if err := syscall.Mkfifo(file, 0o644); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
		}, "hello.flow is a named pipe"},
		{"symlink out of the folder", func(t *testing.T, dir, file string) {
			mustRemove(t, file)
			mustSymlink(t, filepath.Join(outside, "hello.flow"), file)
			mustSymlink(t, "/", filepath.Join(dir, "root"))
		}, "hello.flow is a symbolic link to " + filepath.Join(outside, "hello.flow") + ", outside the folder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			file := filepath.Join(dir, "hello.flow")
			writeFile(t, file, tencentFlow("hello", hello, 1))
			writeFile(t, filepath.Join(dir, "world.flow"), tencentFlow("world", world, 1))
			s := newStack(t, dir)
			v1 := s.flow("hello.flow").Version

			tc.break_(t, dir, file)
			s.until("hello.flow in error", func() bool { return s.flow("hello.flow").Status == reload.StatusError })
			st := s.flow("hello.flow")
			if !st.Serving || st.Version != v1 || len(st.Diagnostics) != 1 || !strings.Contains(st.Diagnostics[0].Message, tc.want) {
				t.Errorf("/v1/flows says %+v; want in error with %q, version %s serving", st, tc.want, v1)
			}
			if got := s.tencent(hello); got != 1 {
				t.Errorf("calls reach agent %d, want 1 (the last good version; never the file outside)", got)
			}
			if w := s.flow("world.flow"); w.Status != reload.StatusOK {
				t.Errorf("world.flow %+v", w)
			}

			// Other flows keep reloading.
			writeFile(t, filepath.Join(dir, "world.flow"), tencentFlow("world", world, 2))
			s.agent(world, 2)
			if st := s.flow("hello.flow"); st.Status != reload.StatusError {
				t.Errorf("hello.flow %+v after world's edit; want still in error", st)
			}

			failed := s.logs.lines(t, "flow failed to load")
			if len(failed) == 0 || !strings.Contains(failed[len(failed)-1]["errors"].([]any)[0].(string), tc.want) {
				t.Errorf("log lines %v; want one naming %q", failed, tc.want)
			}
			metrics := scrape(t, s.url)
			for _, want := range []string{`callflow_flows_loaded{status="error"} 1`, `callflow_flows_loaded{status="ok"} 1`} {
				if !strings.Contains(metrics, want) {
					t.Errorf("metrics lack %s", want)
				}
			}
		})
	}
}

// A folder that cannot be read at all leaves no flow "ok" in /v1/flows:
// each is in error, its last version answering.
func TestReloadFolderGone(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "flows")
	writeFile(t, filepath.Join(dir, "hello.flow"), tencentFlow("hello", hello, 1))
	s := newStack(t, dir)
	if err := os.Rename(dir, filepath.Join(parent, "away")); err != nil {
		t.Fatal(err)
	}
	s.until("hello.flow in error", func() bool { return s.flow("hello.flow").Status == reload.StatusError })
	if st := s.flow("hello.flow"); !st.Serving || len(st.Diagnostics) != 1 || !strings.Contains(st.Diagnostics[0].Message, "cannot read the flows folder") {
		t.Errorf("hello.flow %+v", st)
	}
	if got := s.tencent(hello); got != 1 {
		t.Errorf("calls reach agent %d, want 1", got)
	}
	// The metrics are updated after the status is published: wait for them.
	s.until("the metrics to count the flow in error", func() bool {
		return strings.Contains(scrape(t, s.url), `callflow_flows_loaded{status="error"} 1`)
	})
}

// A link out of the folder is reported in /v1/flows and its metric.
func TestReloadProblems(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hello.flow"), tencentFlow("hello", hello, 1))
	mustSymlink(t, "/", filepath.Join(dir, "root"))
	s := newStack(t, dir)
	var st reload.Status
	if err := getJSON(s.url+"/v1/flows", &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Problems) != 1 || st.Problems[0].Path != "root" || st.Problems[0].Error != "root is a symbolic link to /, outside the folder" {
		t.Errorf("problems %+v", st.Problems)
	}
	// The metrics are updated after the status is published: wait for them.
	s.until("the metrics to count the problem", func() bool {
		return strings.Contains(scrape(t, s.url), "callflow_flows_folder_problems 1")
	})
}

func mustRemove(t *testing.T, name string) {
	t.Helper()
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := client.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
