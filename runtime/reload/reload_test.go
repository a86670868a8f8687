package reload

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/callflow/callflow/lang/ir"
)

// engine is an Activator that remembers what it was given.
type engine struct {
	prog  atomic.Pointer[ir.Program]
	swaps atomic.Int64
}

func (e *engine) Swap(p *ir.Program) *ir.Program {
	e.swaps.Add(1)
	return e.prog.Swap(p)
}

// agentOf is the agent the flow named name sends callers to, or -1 when no
// such flow serves: the test flows' version marker.
func (e *engine) agentOf(name string) int {
	p := e.prog.Load()
	if p == nil {
		return -1
	}
	f := p.Flow(name)
	if f == nil {
		return -1
	}
	for _, in := range f.Handlers["main"].Code {
		if a, ok := in.(*ir.Agent); ok {
			return int(a.ID.Const.(int))
		}
	}
	return -1
}

// flowSrc is a Tencent flow answering number with agent.
func flowSrc(name, number string, agent int) string {
	return fmt.Sprintf("flow %s\n\ntarget tencent\nnumber %q\n\notherwise -> main\n\nhandler main {\n  agent %d\n}\n", name, number, agent)
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type harness struct {
	t      *testing.T
	dir    string
	eng    *engine
	w      *Watcher
	events chan Event
}

// start runs a watcher of dir until the test ends and waits for its first
// load.
func start(t *testing.T, dir string, opts ...Option) *harness {
	t.Helper()
	return startWith(t, dir, nil, opts...)
}

// startWith is start with the watcher's test hooks set by setup first.
func startWith(t *testing.T, dir string, setup func(*Watcher), opts ...Option) *harness {
	t.Helper()
	h := &harness{t: t, dir: dir, eng: &engine{}, events: make(chan Event, 1024)}
	opts = append([]Option{OnReload(func(ev Event) { h.events <- ev })}, opts...)
	w, err := New(dir, h.eng, opts...)
	if err != nil {
		t.Fatal(err)
	}
	h.w = w
	if setup != nil {
		setup(w)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-w.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the first load did not finish")
	}
	return h
}

// until waits, reload by reload, for cond to hold.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-h.events:
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; status: %+v", what, h.w.Status().Flows)
		}
	}
}

func (h *harness) agent(name string, want int) {
	h.t.Helper()
	h.until(fmt.Sprintf("flow %s to send callers to agent %d", name, want), func() bool { return h.eng.agentOf(name) == want })
}

func (h *harness) flow(file string) FlowStatus {
	for _, f := range h.w.Status().Flows {
		if f.File == file {
			return f
		}
	}
	return FlowStatus{}
}

func TestInitialLoad(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 1))
	write(t, filepath.Join(dir, "sub", "b.flow"), flowSrc("b", "+10000000002", 2))
	write(t, filepath.Join(dir, "bad.flow"), "flow bad\n\nhandler {\n")
	write(t, filepath.Join(dir, ".hidden", "c.flow"), flowSrc("c", "+10000000003", 3))
	h := start(t, dir)
	if h.eng.agentOf("a") != 1 || h.eng.agentOf("b") != 2 || h.eng.agentOf("c") != -1 {
		t.Errorf("agents a, b, c = %d, %d, %d; want 1, 2, none", h.eng.agentOf("a"), h.eng.agentOf("b"), h.eng.agentOf("c"))
	}
	st := h.w.Status()
	if !st.Loaded || st.LastSuccess.IsZero() == false {
		t.Errorf("Loaded %v, LastSuccess %v: want loaded, no success (bad.flow fails)", st.Loaded, st.LastSuccess)
	}
	var files []string
	for _, f := range st.Flows {
		files = append(files, f.File+":"+f.Status)
	}
	if got, want := strings.Join(files, " "), "a.flow:ok bad.flow:error sub/b.flow:ok"; got != want {
		t.Errorf("flows %q, want %q", got, want)
	}
	bad := h.flow("bad.flow")
	if bad.Serving || bad.Version != "" || bad.Name != "bad" || len(bad.Diagnostics) == 0 {
		t.Fatalf("bad.flow: %+v; want not serving, named, with diagnostics", bad)
	}
	if d := bad.Diagnostics[0]; d.Severity != "error" || d.Code != "syntax" || d.File != "bad.flow" || d.Line != 3 {
		t.Errorf("first diagnostic %+v, want a syntax error at bad.flow line 3", d)
	}
	a := h.flow("a.flow")
	if a.Name != "a" || a.Version == "" || !a.Serving || a.LoadedAt.IsZero() ||
		strings.Join(a.Targets, ",") != "tencent" || strings.Join(a.Numbers, ",") != "+10000000001" {
		t.Errorf("a.flow: %+v", a)
	}
}

// Whoever hears of the first load finds the watcher ready: serve prints
// "loaded" from the event, and a load balancer or a test may ask /readyz at
// once (a replica once answered it 503 right after saying it had loaded).
func TestReadyBeforeFirstEvent(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 1))
	readyAtEvent := make(chan bool, 1)
	var w *Watcher // set before Run starts, so the callback may read it
	startWith(t, dir, func(ww *Watcher) { w = ww }, OnReload(func(ev Event) {
		if !ev.Initial {
			return
		}
		select {
		case <-w.Ready():
			readyAtEvent <- true
		default:
			readyAtEvent <- false
		}
	}))
	if !<-readyAtEvent {
		t.Error("the first load's event went out before Ready was closed")
	}
}

// An invalid edit keeps the last good version serving, with the
// diagnostics in the status; fixing it activates the fix.
func TestInvalidEditKeepsLastGood(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.flow")
	write(t, file, flowSrc("a", "+10000000001", 1))
	h := start(t, dir)
	v1 := h.flow("a.flow").Version

	write(t, file, strings.Replace(flowSrc("a", "+10000000001", 2), "agent 2", "agent two", 1))
	h.until("a.flow in error", func() bool { return h.flow("a.flow").Status == StatusError })
	st := h.flow("a.flow")
	if !st.Serving || st.Version != v1 || h.eng.agentOf("a") != 1 {
		t.Errorf("after a bad edit: serving %v version %s agent %d; want the last good version %s, agent 1", st.Serving, st.Version, h.eng.agentOf("a"), v1)
	}
	if len(st.Diagnostics) == 0 || st.Diagnostics[0].Line != 9 {
		t.Errorf("diagnostics %+v, want one on line 9", st.Diagnostics)
	}

	write(t, file, flowSrc("a", "+10000000001", 3))
	h.agent("a", 3)
	if st := h.flow("a.flow"); st.Status != StatusOK || len(st.Diagnostics) != 0 || st.Version == v1 {
		t.Errorf("after the fix: %+v", st)
	}
}

// A deleted flow stops serving and shows as deleted; a new file answers.
func TestCreateDeleteRename(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 1))
	h := start(t, dir)

	write(t, filepath.Join(dir, "b.flow"), flowSrc("b", "+10000000002", 2))
	h.agent("b", 2)

	if err := os.Remove(filepath.Join(dir, "b.flow")); err != nil {
		t.Fatal(err)
	}
	h.agent("b", -1)
	if st := h.flow("b.flow"); st.Status != StatusDeleted || st.Serving {
		t.Errorf("b.flow after delete: %+v", st)
	}

	if err := os.Rename(filepath.Join(dir, "a.flow"), filepath.Join(dir, "renamed.flow")); err != nil {
		t.Fatal(err)
	}
	h.until("renamed.flow to serve", func() bool { return h.flow("renamed.flow").Serving })
	if h.eng.agentOf("a") != 1 || h.flow("a.flow").Status != StatusDeleted {
		t.Errorf("after the rename: agent %d, a.flow %+v", h.eng.agentOf("a"), h.flow("a.flow"))
	}
}

// Table files are inputs: editing one makes a new version.
func TestTableEdit(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "vips.csv"), "number,agent\n+8613000000001,5\n")
	write(t, filepath.Join(dir, "t.flow"), `flow t

target tencent
number "+10000000001"

table vips from "vips.csv"

otherwise -> main

handler main {
  set n = caller in vips ? "vip" : "other"
  agent 1
}
`)
	h := start(t, dir)
	v1 := h.flow("t.flow").Version
	write(t, filepath.Join(dir, "vips.csv"), "number,agent\n+8613000000002,6\n")
	h.until("a new version after the table edit", func() bool { v := h.flow("t.flow").Version; return v != "" && v != v1 })

	// A broken table keeps the last good version.
	v2 := h.flow("t.flow").Version
	if err := os.Remove(filepath.Join(dir, "vips.csv")); err != nil {
		t.Fatal(err)
	}
	h.until("t.flow in error", func() bool { return h.flow("t.flow").Status == StatusError })
	if st := h.flow("t.flow"); st.Version != v2 || !st.Serving || st.Diagnostics[0].Code != "bad-table" {
		t.Errorf("after the table was deleted: %+v", st)
	}
}

// Two files declaring one flow name: the one serving keeps it, the other
// is in error with a duplicate-name diagnostic; when the first goes, the
// second takes over.
func TestDuplicateNames(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b.flow"), flowSrc("same", "+10000000001", 1))
	h := start(t, dir)
	write(t, filepath.Join(dir, "a.flow"), flowSrc("same", "+10000000002", 2))
	h.until("a.flow in error", func() bool { return h.flow("a.flow").Status == StatusError })
	if h.eng.agentOf("same") != 1 {
		t.Errorf("agent %d; the flow serving first must keep the name", h.eng.agentOf("same"))
	}
	if d := h.flow("a.flow").Diagnostics; len(d) != 1 || d[0].Code != "duplicate-name" {
		t.Errorf("a.flow diagnostics %+v, want duplicate-name", d)
	}

	write(t, filepath.Join(dir, "c.flow"), flowSrc("other", "+10000000001", 3))
	h.until("c.flow in error", func() bool { return h.flow("c.flow").Status == StatusError })
	if d := h.flow("c.flow").Diagnostics; len(d) != 1 || d[0].Code != "duplicate-number" {
		t.Errorf("c.flow diagnostics %+v, want duplicate-number", d)
	}

	if err := os.Remove(filepath.Join(dir, "b.flow")); err != nil {
		t.Fatal(err)
	}
	h.agent("same", 2)
	if h.flow("a.flow").Status != StatusOK {
		t.Errorf("a.flow %+v, want ok once b.flow is gone", h.flow("a.flow"))
	}
}

// RequireTests gates a changed flow.
func TestRequireTests(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.flow")
	write(t, file, flowSrc("a", "+10000000001", 1))
	var runs atomic.Int64
	h := start(t, dir, RequireTests(func(ctx context.Context, f *ir.Flow) error {
		runs.Add(1)
		for _, in := range f.Handlers["main"].Code {
			if a, ok := in.(*ir.Agent); ok && a.ID.Const.(int) == 13 {
				return errors.New("agent 13 is unlucky")
			}
		}
		return nil
	}))
	write(t, file, flowSrc("a", "+10000000001", 13))
	h.until("a.flow in error", func() bool { return h.flow("a.flow").Status == StatusError })
	st := h.flow("a.flow")
	if h.eng.agentOf("a") != 1 || len(st.Diagnostics) != 1 || st.Diagnostics[0].Code != "tests-failed" ||
		!strings.Contains(st.Diagnostics[0].Message, "agent 13 is unlucky") {
		t.Errorf("agent %d, status %+v", h.eng.agentOf("a"), st)
	}
	write(t, file, flowSrc("a", "+10000000001", 14))
	h.agent("a", 14)
	if n := runs.Load(); n != 3 {
		t.Errorf("tests ran %d times, want 3 (first load and two edits)", n)
	}
}

func TestPoll(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.flow")
	write(t, file, flowSrc("a", "+10000000001", 1))
	h := start(t, dir, WithPoll(20*time.Millisecond))
	swaps := h.eng.swaps.Load()
	write(t, file, flowSrc("a", "+10000000001", 2))
	h.agent("a", 2)
	if n := h.eng.swaps.Load() - swaps; n != 1 {
		t.Errorf("%d swaps for one edit; rescans that find nothing new must not swap", n)
	}
}

// A folder that cannot be read keeps what serves, and is read again when
// it comes back.
func TestFolderGoneAndBack(t *testing.T) {
	t.Run("events", func(t *testing.T) { testFolderGoneAndBack(t) })
	t.Run("poll", func(t *testing.T) { testFolderGoneAndBack(t, WithPoll(20*time.Millisecond)) })
}

func testFolderGoneAndBack(t *testing.T, opts ...Option) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "flows")
	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 1))
	h := start(t, dir, opts...)
	if err := os.Rename(dir, filepath.Join(parent, "away")); err != nil {
		t.Fatal(err)
	}
	h.until("a failed reload", func() bool { return h.w.Status().LastError != "" })
	if h.eng.agentOf("a") != 1 {
		t.Errorf("the flow stopped serving when its folder could not be read")
	}
	// No flow is "ok" while its file cannot be read.
	if st := h.flow("a.flow"); st.Status != StatusError || !st.Serving || len(st.Diagnostics) != 1 || st.Diagnostics[0].Code != "unreadable" {
		t.Errorf("a.flow while its folder is gone: %+v; want in error, still serving", st)
	}
	if err := os.Rename(filepath.Join(parent, "away"), dir); err != nil {
		t.Fatal(err)
	}
	h.until("the error to clear", func() bool { return h.w.Status().LastError == "" })
	if st := h.flow("a.flow"); st.Status != StatusOK || h.eng.agentOf("a") != 1 {
		t.Errorf("after the folder came back: %+v", st)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	h.until("a failed reload", func() bool { return h.w.Status().LastError != "" })
	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 2))
	h.agent("a", 2)
}

// On an event overflow the watcher rescans everything, and watches again
// any folder it lost.
func TestOverflowRescans(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.flow")
	write(t, file, flowSrc("a", "+10000000001", 1))
	h := &harness{t: t, dir: dir, eng: &engine{}, events: make(chan Event, 1024)}
	w, err := New(dir, h.eng, OnReload(func(ev Event) { h.events <- ev }))
	if err != nil {
		t.Fatal(err)
	}
	h.w = w
	watching := make(chan struct{}, 16)
	w.synced = func([]string) { watching <- struct{}{} }
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		t.Skipf("no file events here: %v", err)
	}
	defer fw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { w.eventLoop(ctx, fw) })
	defer wg.Wait()
	defer cancel()
	h.agent("a", 1)
	<-watching

	// Drop the watch, as a lost event would leave things, and change the
	// file unseen; then report an overflow.
	real, _ := filepath.EvalSymlinks(dir)
	if err := fw.Remove(real); err != nil {
		t.Fatal(err)
	}
	write(t, file, flowSrc("a", "+10000000001", 2))
	fw.Errors <- fsnotify.ErrEventOverflow
	h.agent("a", 2)

	write(t, file, flowSrc("a", "+10000000001", 3))
	h.agent("a", 3) // seen through the watch set again
}

// The root folder itself a symlink that is swapped (git-sync's `current`).
func TestRootSymlinkSwap(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	parent := t.TempDir()
	write(t, filepath.Join(parent, "v1", "a.flow"), flowSrc("a", "+10000000001", 1))
	write(t, filepath.Join(parent, "v2", "a.flow"), flowSrc("a", "+10000000001", 2))
	root := filepath.Join(parent, "current")
	if err := os.Symlink("v1", root); err != nil {
		t.Fatal(err)
	}
	h := start(t, root)
	h.agent("a", 1)
	tmp := filepath.Join(parent, "current.tmp")
	if err := os.Symlink("v2", tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, root); err != nil {
		t.Fatal(err)
	}
	h.agent("a", 2)
	// Edits in the new target are seen: it is watched now.
	write(t, filepath.Join(parent, "v2", "a.flow"), flowSrc("a", "+10000000001", 3))
	h.agent("a", 3)
}

func TestRunTwice(t *testing.T) {
	h := start(t, t.TempDir())
	if err := h.w.Run(context.Background()); err == nil {
		t.Error("a second Run did not fail")
	}
}

// Rescan (SIGHUP) reads the folder at once.
func TestRescan(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.flow")
	write(t, file, flowSrc("a", "+10000000001", 1))
	h := start(t, dir, WithPoll(time.Hour))
	write(t, file, flowSrc("a", "+10000000001", 2))
	h.w.Rescan()
	h.agent("a", 2)
}
