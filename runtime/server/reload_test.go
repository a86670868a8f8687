package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/reload"
)

// The numbers of the reload tests.
const (
	hello = "+10000000001"
	world = "+10000000002"
)

// Each way a flows folder changes, with webhooks flowing all along: the
// new version answers, and no webhook gets a failed or malformed answer.
func TestReloadCases(t *testing.T) {
	cases := []struct {
		name string
		// setup lays out the folder (dir) and returns the folder to serve.
		setup func(t *testing.T, dir string) string
		// change edits the folder, then waits for and checks the outcome.
		change func(t *testing.T, s *stack)
	}{
		{
			name: "atomic rename save",
			change: func(t *testing.T, s *stack) {
				tmp := filepath.Join(s.dir, ".hello.flow.swp")
				writeFile(t, tmp, tencentFlow("hello", hello, 2))
				if err := os.Rename(tmp, filepath.Join(s.dir, "hello.flow")); err != nil {
					t.Fatal(err)
				}
				s.agent(hello, 2)
			},
		},
		{
			name: "in-place write",
			change: func(t *testing.T, s *stack) {
				f, err := os.OpenFile(filepath.Join(s.dir, "hello.flow"), os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					t.Fatal(err)
				}
				src := tencentFlow("hello", hello, 2)
				// Two writes, as a slow editor makes them: the half-written
				// file may be compiled (and fail) on the way.
				f.WriteString(src[:len(src)/2])
				f.WriteString(src[len(src)/2:])
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				s.agent(hello, 2)
			},
		},
		{
			name: "create",
			change: func(t *testing.T, s *stack) {
				if got := s.tencent(world); got != 0 {
					t.Fatalf("before the file exists, calls to %s reach agent %d", world, got)
				}
				writeFile(t, filepath.Join(s.dir, "world.flow"), tencentFlow("world", world, 5))
				s.agent(world, 5)
			},
		},
		{
			name: "delete",
			change: func(t *testing.T, s *stack) {
				if err := os.Remove(filepath.Join(s.dir, "hello.flow")); err != nil {
					t.Fatal(err)
				}
				s.agent(hello, 0)
				if st := s.flow("hello.flow"); st.Status != reload.StatusDeleted || st.Serving {
					t.Errorf("status %+v, want deleted", st)
				}
			},
		},
		{
			name: "rename a flow",
			change: func(t *testing.T, s *stack) {
				if err := os.Rename(filepath.Join(s.dir, "hello.flow"), filepath.Join(s.dir, "greeting.flow")); err != nil {
					t.Fatal(err)
				}
				s.until("greeting.flow to serve", func() bool { return s.flow("greeting.flow").Serving })
				if st := s.flow("hello.flow"); st.Status != reload.StatusDeleted {
					t.Errorf("hello.flow %+v, want deleted", st)
				}
				if got := s.tencent(hello); got != 1 {
					t.Errorf("calls reach agent %d after the rename, want 1", got)
				}
			},
		},
		{
			name: "new subfolders",
			change: func(t *testing.T, s *stack) {
				// The file is written at once after the folders are made,
				// before any watch can be set on them.
				writeFile(t, filepath.Join(s.dir, "team", "nested", "world.flow"), tencentFlow("world", world, 6))
				s.agent(world, 6)
				// Once seen, the new folder is watched too.
				writeFile(t, filepath.Join(s.dir, "team", "nested", "world.flow"), tencentFlow("world", world, 7))
				s.agent(world, 7)
			},
		},
		{
			name: "Kubernetes ..data symlink swap",
			setup: func(t *testing.T, dir string) string {
				if runtime.GOOS == "windows" {
					t.Skip("symlinks need privileges on Windows")
				}
				writeFile(t, filepath.Join(dir, "..2026_01_01_v1", "hello.flow"), tencentFlow("hello", hello, 1))
				mustSymlink(t, "..2026_01_01_v1", filepath.Join(dir, "..data"))
				mustSymlink(t, filepath.Join("..data", "hello.flow"), filepath.Join(dir, "hello.flow"))
				return dir
			},
			change: func(t *testing.T, s *stack) {
				// What kubelet's atomic writer does.
				writeFile(t, filepath.Join(s.dir, "..2026_01_02_v2", "hello.flow"), tencentFlow("hello", hello, 2))
				mustSymlink(t, "..2026_01_02_v2", filepath.Join(s.dir, "..data_tmp"))
				if err := os.Rename(filepath.Join(s.dir, "..data_tmp"), filepath.Join(s.dir, "..data")); err != nil {
					t.Fatal(err)
				}
				if err := os.RemoveAll(filepath.Join(s.dir, "..2026_01_01_v1")); err != nil {
					t.Fatal(err)
				}
				s.agent(hello, 2)
			},
		},
		{
			name: "burst of 300 writes",
			change: func(t *testing.T, s *stack) {
				before := s.reloads.Load()
				for i := 2; i <= 301; i++ {
					writeFile(t, filepath.Join(s.dir, "hello.flow"), tencentFlow("hello", hello, i))
				}
				s.agent(hello, 301)
				if n := s.reloads.Load() - before; n > 30 {
					t.Errorf("%d reloads for a burst of 300 writes; the debounce should collapse them", n)
				}
			},
		},
		{
			name: "invalid edit keeps the last good version",
			change: func(t *testing.T, s *stack) {
				v1 := s.flow("hello.flow").Version
				writeFile(t, filepath.Join(s.dir, "hello.flow"), strings.Replace(tencentFlow("hello", hello, 2), "agent 2", "agnet 2", 1))
				s.until("hello.flow in error", func() bool { return s.flow("hello.flow").Status == reload.StatusError })
				st := s.flow("hello.flow")
				if !st.Serving || st.Version != v1 || len(st.Diagnostics) == 0 {
					t.Fatalf("status %+v; want the last good version %s serving, and diagnostics", st, v1)
				}
				d := st.Diagnostics[0]
				if d.Severity != "error" || d.Code == "" || d.Message == "" || d.File != "hello.flow" || d.Line != 9 || d.Column == 0 {
					t.Errorf("diagnostic %+v, want an error at hello.flow:9", d)
				}
				if got := s.tencent(hello); got != 1 {
					t.Errorf("calls reach agent %d, want 1 (the last good version)", got)
				}
				writeFile(t, filepath.Join(s.dir, "hello.flow"), tencentFlow("hello", hello, 3))
				s.agent(hello, 3)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			root := dir
			if tc.setup != nil {
				root = tc.setup(t, dir)
			} else {
				writeFile(t, filepath.Join(dir, "hello.flow"), tencentFlow("hello", hello, 1))
			}
			s := newStack(t, root)
			if got := s.tencent(hello); got != 1 {
				t.Fatalf("before the change, calls reach agent %d, want 1", got)
			}
			stop := s.traffic(hello, world)
			tc.change(t, s)
			if n := stop(); n == 0 {
				t.Error("no webhook was answered during the change")
			}
		})
	}
}

// --poll finds changes on a file system that sends no events.
func TestReloadPoll(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hello.flow"), tencentFlow("hello", hello, 1))
	s := newStack(t, dir, reload.WithPoll(50*time.Millisecond))
	writeFile(t, filepath.Join(dir, "hello.flow"), tencentFlow("hello", hello, 2))
	s.agent(hello, 2)
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// ivrFlow is an 8x8 flow whose every prompt names its version.
func ivrFlow(version string) string {
	return fmt.Sprintf(`flow menu

target 8x8
number "+6500000001"
voice "en-US-ZiraRUS"

otherwise -> menu

handler menu {
  say "%[1]s welcome"
  capture choice {
    prompt "Press 1"
    digits 1
    timeout 10s
    tries 2
  }
  say "%[1]s you pressed ${choice}"
  hangup
}
`, version)
}

// eightAnswer is 8x8's call actions as the tests read them.
type eightAnswer struct {
	ClientActionID string `json:"clientActionId"`
	Callflow       []struct {
		Action string         `json:"action"`
		Params map[string]any `json:"params"`
	} `json:"callflow"`
}

// says is every text the answer speaks.
func (a eightAnswer) says() string {
	var out []string
	for _, s := range a.Callflow {
		for _, k := range []string{"text", "promptMessage"} {
			if v, ok := s.Params[k].(string); ok {
				out = append(out, v)
			}
		}
	}
	return strings.Join(out, " | ")
}

func (s *stack) eightByEight(c platform.Call) eightAnswer {
	s.t.Helper()
	body, err := eightbyeight.New().Webhook(c)
	if err != nil {
		s.t.Fatal(err)
	}
	status, out, err := post(s.url+"/hooks/8x8", "application/json", string(body), nil)
	if err != nil || status != http.StatusOK {
		s.t.Fatalf("8x8 webhook: %d %s %v", status, out, err)
	}
	var a eightAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		s.t.Fatalf("malformed 8x8 answer %s: %v", out, err)
	}
	return a
}

// A call that started on v1 finishes on v1 after v2 is activated, and even
// after its flow is deleted; new calls get v2.
func TestCallFinishesOnItsVersion(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "menu.flow")
	writeFile(t, file, ivrFlow("v1"))
	s := newStack(t, dir)

	start := func(session string) eightAnswer {
		return s.eightByEight(platform.Call{Session: session, Caller: "+6591234567", Callee: "+6500000001"})
	}
	press := func(session string, prev eightAnswer) eightAnswer {
		one := "1"
		return s.eightByEight(platform.Call{Session: session, Caller: "+6591234567", Callee: "+6500000001", Resume: prev.ClientActionID, Digits: &one})
	}

	first := start("call-1")
	if got := first.says(); !strings.HasPrefix(got, "v1 welcome") || first.ClientActionID == "" {
		t.Fatalf("the call's first answer says %q (resume %q); want v1 and a capture", got, first.ClientActionID)
	}
	second := start("call-2")

	writeFile(t, file, ivrFlow("v2"))
	s.until("v2 to answer new calls", func() bool {
		return strings.HasPrefix(start(fmt.Sprintf("probe-%d", s.session.Add(1))).says(), "v2 welcome")
	})
	if got := press("call-1", first).says(); got != "v1 you pressed 1" {
		t.Errorf("the call that started on v1 ends with %q, want %q", got, "v1 you pressed 1")
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	s.until("menu.flow deleted", func() bool { return s.flow("menu.flow").Status == reload.StatusDeleted })
	if got := press("call-2", second).says(); got != "v1 you pressed 1" {
		t.Errorf("a call in a deleted flow ends with %q, want %q", got, "v1 you pressed 1")
	}
	if got := start("call-3"); len(got.Callflow) == 0 || got.Callflow[len(got.Callflow)-1].Action != "hangup" || strings.Contains(got.says(), "welcome") {
		t.Errorf("a new call to a deleted flow gets %+v, want the fallback hangup", got)
	}
}
