// Package reload keeps a runtime engine's flows in step with a folder of
// .flow files (and their CSV and JSON tables) while it serves calls.
//
// A Watcher watches the folder and its subfolders with fsnotify — folders,
// never single files, because editors save by writing a temporary file and
// renaming it, and Kubernetes swaps a `..data` symlink, and neither names the
// flow in an event. Any event means "the folder may have changed": after a
// quiet moment (the debounce) it reads every flow and table file once,
// compiles the flows whose inputs changed, and swaps the new program into
// the engine in one atomic step, so no request sees half a reload and no
// reload blocks a request.
//
// Each flow file is on its own: a file that compiles cleanly replaces its
// flow's version; a file with errors keeps its last good version serving and
// reports its diagnostics in Status (a flow that never compiled does not
// serve); a deleted file stops taking new calls, while calls already in it
// finish on their version, which the engine keeps. A file, table or
// subfolder that cannot be read puts only the flows that read it in error,
// the same way.
//
// The folder is read through an os.Root: symbolic links are followed while
// they stay inside it (a Kubernetes ConfigMap's ..data link) and refused,
// unread and unwatched, when they leave it.
//
//	w, err := reload.New("flows", eng, reload.WithLogger(logger))
//	go w.Run(ctx)
//	<-w.Ready()
//
// On file systems that send no events (NFS, some FUSE mounts) use WithPoll.
package reload

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/callflow/callflow/lang/ir"
)

// Activator installs a program for new calls. *runtime.Engine is one.
type Activator interface {
	Swap(p *ir.Program) *ir.Program
}

// Option configures a Watcher.
type Option func(*config)

type config struct {
	poll     time.Duration
	debounce time.Duration
	maxWait  time.Duration
	log      *slog.Logger
	tests    func(context.Context, *ir.Flow) error
	hooks    []func(Event)
}

// WithPoll makes the watcher rescan the folder every d instead of waiting
// for file events, for file systems that send none (NFS, SMB, some FUSE
// mounts). A rescan that finds the same content does nothing.
func WithPoll(d time.Duration) Option { return func(c *config) { c.poll = d } }

// WithDebounce sets how long the folder must be quiet after an event before
// it is rescanned (default 100 ms). Every event restarts the wait, up to ten
// times d in all, so a steady stream of writes still reloads.
func WithDebounce(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.debounce, c.maxWait = d, 10*d
		}
	}
}

// WithLogger sets where reloads and their diagnostics are logged.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// RequireTests makes a changed flow serve only when run returns nil for its
// new version; otherwise the flow is in error, with run's error among its
// diagnostics, and its last good version keeps serving.
func RequireTests(run func(ctx context.Context, f *ir.Flow) error) Option {
	return func(c *config) { c.tests = run }
}

// OnReload adds a function called after every reload (and every failed
// attempt to read the folder), on the watcher's goroutine: it must return
// quickly.
func OnReload(fn func(Event)) Option { return func(c *config) { c.hooks = append(c.hooks, fn) } }

// Watcher keeps an Activator's program in step with a folder.
type Watcher struct {
	dir    string // as given, for messages
	abs    string // absolute, for watching
	target Activator
	cfg    config

	state   atomic.Pointer[Status]
	ready   chan struct{}
	readied sync.Once
	running atomic.Bool
	kick    chan struct{}

	// Owned by the Run goroutine.
	units   map[string]*unit
	deleted map[string]FlowStatus
	serving map[string]*ir.Flow // file → the version serving
	digest  [32]byte            // of the last snapshot applied

	synced func(watched []string) // tests: called once the folders scanned are watched
	wrapFS func(fs.FS) fs.FS      // tests: wraps the folder's file system
}

// New makes a watcher of the folder dir that hands each new program to
// target. Nothing happens until Run.
func New(dir string, target Activator, opts ...Option) (*Watcher, error) {
	if target == nil {
		return nil, errors.New("reload: no engine to load flows into")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("reload: %w", err)
	}
	w := &Watcher{
		dir: dir, abs: abs, target: target,
		cfg:     config{debounce: 100 * time.Millisecond, maxWait: time.Second, log: slog.New(slog.DiscardHandler)},
		ready:   make(chan struct{}),
		kick:    make(chan struct{}, 1),
		units:   map[string]*unit{},
		deleted: map[string]FlowStatus{},
		serving: map[string]*ir.Flow{},
	}
	for _, o := range opts {
		o(&w.cfg)
	}
	w.state.Store(&Status{Dir: dir, Flows: []FlowStatus{}})
	return w, nil
}

// Ready is closed once the first load has finished, even when some flows
// had errors. It stays open while the folder cannot be read at all.
func (w *Watcher) Ready() <-chan struct{} { return w.ready }

// Status returns the current state of every flow. It never blocks.
func (w *Watcher) Status() *Status { return w.state.Load() }

// Rescan asks for a rescan of the folder, as an event would (for SIGHUP).
func (w *Watcher) Rescan() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run loads the folder, then keeps reloading it until ctx is done. It
// returns nil when ctx is done, and an error only when called twice.
func (w *Watcher) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("reload: Run called twice")
	}
	if w.cfg.poll > 0 {
		return w.pollLoop(ctx, w.cfg.poll)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		w.cfg.log.Warn("file events are not available; polling the flows folder every 2s instead", "dir", w.dir, "error", err.Error())
		return w.pollLoop(ctx, 2*time.Second)
	}
	defer fw.Close()
	return w.eventLoop(ctx, fw)
}

// reload scans the folder and applies what it finds. It returns the folders
// to watch, or an error when the folder could not be read (then nothing
// changed but the status, which puts every flow in error).
func (w *Watcher) reload(ctx context.Context) (map[string]bool, error) {
	start := time.Now()
	snap, err := scan(w.abs, w.wrapFS)
	if err != nil {
		err = fmt.Errorf("cannot read the flows folder %s: %w", w.dir, unwrapPath(err))
		old := w.state.Load()
		st := unreadable(old, err, start)
		w.state.Store(st)
		w.digest = [32]byte{} // apply the next scan even if nothing changed, to clear the error
		w.cfg.log.Error("flows not reloaded", "dir", w.dir, "error", err.Error())
		w.emit(Event{Initial: !old.Loaded, Result: "error", Err: err, At: start, Duration: time.Since(start), Status: st})
		return nil, err
	}
	initial := !w.state.Load().Loaded
	if !initial && snap.digest == w.digest {
		return snap.dirs, nil // nothing changed: chmod noise, a touch, a save of the same bytes
	}
	w.digest = snap.digest
	ev := w.apply(ctx, snap, initial, start)
	// Ready before the event goes out: whoever hears of the first load
	// (serve prints "loaded") may ask /readyz at once.
	w.readied.Do(func() { close(w.ready) })
	w.log(ev)
	w.emit(ev)
	return snap.dirs, nil
}

// unreadable is the status while the folder itself cannot be read: what
// serves keeps serving, but no flow is "ok", for none of their files can be
// read.
func unreadable(old *Status, err error, at time.Time) *Status {
	st := *old
	st.LastError, st.LastReload = err.Error(), at
	st.Flows = slices.Clone(old.Flows)
	for i, f := range st.Flows {
		if f.Status != StatusOK {
			continue
		}
		f.Status = StatusError
		f.Diagnostics = []Diagnostic{{Severity: "error", Code: string(CodeUnreadable), Message: err.Error(),
			Hint: "The version before keeps serving until the folder can be read again.", File: f.File}}
		st.Flows[i] = f
	}
	return &st
}

func (w *Watcher) emit(ev Event) {
	for _, h := range w.cfg.hooks {
		h(ev)
	}
}

// log writes one line for the reload and one per flow that failed in it.
func (w *Watcher) log(ev Event) {
	names := func(fs []FlowStatus) []string {
		out := make([]string, 0, len(fs))
		for _, f := range fs {
			out = append(out, f.Name+"@"+f.Version)
		}
		return out
	}
	level := slog.LevelInfo
	if ev.Result != "ok" {
		level = slog.LevelWarn
	}
	msg := "flows reloaded"
	if ev.Initial {
		msg = "flows loaded"
	}
	w.cfg.log.Log(context.Background(), level, msg, "dir", w.dir, "result", ev.Result,
		"duration_ms", float64(ev.Duration.Microseconds())/1000, "flows", len(ev.Status.Flows),
		"activated", names(ev.Activated), "removed", names(ev.Removed), "failed", len(ev.Failed))
	for _, p := range ev.Status.Problems {
		w.cfg.log.Warn("left out of the flows", "path", p.Path, "error", p.Error)
	}
	for _, f := range ev.Failed {
		var errs []string
		for _, d := range f.Diagnostics {
			if d.Severity == "error" {
				errs = append(errs, fmt.Sprintf("%s:%d:%d: %s[%s]: %s", d.File, d.Line, d.Column, d.Severity, d.Code, d.Message))
			}
		}
		w.cfg.log.Error("flow failed to load", "flow", f.Name, "file", f.File,
			"serving_version", f.Version, "serving", f.Serving, "errors", errs)
	}
}

// retry is how long to wait before reading a folder that could not be read.
func retry(failures int) time.Duration {
	return min(time.Second<<min(failures, 5), 30*time.Second)
}

func (w *Watcher) pollLoop(ctx context.Context, every time.Duration) error {
	failures := 0
	for {
		wait := every
		if _, err := w.reload(ctx); err != nil {
			failures++
			wait = min(every, retry(failures))
		} else {
			failures = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

func (w *Watcher) eventLoop(ctx context.Context, fw *fsnotify.Watcher) error {
	ws := &watchSet{fw: fw, log: w.cfg.log, on: map[string]bool{}}
	// The parent is watched too, for the events that name the folder
	// itself: the folder is a symlink that is switched (git-sync's
	// `current`, a swapped release folder), or it is removed and made
	// again, or renamed back.
	var parent string
	if p := filepath.Dir(w.abs); p != w.abs {
		parent = p
		ws.parent = parent
	}
	relevant := func(ev fsnotify.Event) bool {
		return parent == "" || filepath.Dir(ev.Name) != parent || filepath.Clean(ev.Name) == w.abs
	}

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var pending bool
	var first time.Time
	schedule := func(d time.Duration) {
		now := time.Now()
		if !pending {
			pending, first = true, now
		}
		if left := w.cfg.maxWait - now.Sub(first); left < d {
			d = max(left, 0)
		}
		timer.Reset(d)
	}
	failures := 0
	var tick <-chan time.Time
	var ticker *time.Ticker
	load := func() {
		pending = false
		dirs, err := w.reload(ctx)
		if err != nil {
			failures++
			ws.sync(nil)
			timer.Reset(retry(failures)) // backing off; an event brings it forward
			return
		}
		failures = 0
		if w.synced != nil {
			defer func() { w.synced(slices.Sorted(maps.Keys(ws.on))) }()
		}
		if ws.sync(dirs) {
			// Files made in a new folder before its watch was set would be
			// missed: look again once it is watched.
			schedule(w.cfg.debounce)
		}
		if ws.failed && tick == nil {
			w.cfg.log.Warn("some folders cannot be watched (raise fs.inotify.max_user_watches); also polling every 2s", "dir", w.dir)
			ticker = time.NewTicker(2 * time.Second)
			tick = ticker.C
		}
	}
	load()
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				ws.forget(filepath.Clean(ev.Name))
			}
			if relevant(ev) {
				schedule(w.cfg.debounce)
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.cfg.log.Warn("file events overflowed; rescanning the whole folder", "dir", w.dir)
			} else {
				w.cfg.log.Warn("file watch error; rescanning", "dir", w.dir, "error", err.Error())
			}
			schedule(w.cfg.debounce)
		case <-w.kick:
			schedule(0)
		case <-tick:
			load()
		case <-timer.C:
			load()
		}
	}
}

// watchSet is the folders being watched: the real (symlink-free) path of
// every folder scanned, so after a symlink swap the new targets are watched
// and the old ones dropped.
type watchSet struct {
	fw     *fsnotify.Watcher
	log    *slog.Logger
	on     map[string]bool
	parent string // the root's parent, also watched
	failed bool   // some folder could not be watched
}

// forget notes that a watched folder was removed or renamed away, so the
// next sync watches it again if it comes back.
func (s *watchSet) forget(name string) {
	if s.on[name] {
		s.fw.Remove(name)
		delete(s.on, name)
	}
}

// sync watches exactly dirs (plus the parent); nil dirs keeps what is
// watched. It reports whether it added a folder.
func (s *watchSet) sync(dirs map[string]bool) bool {
	want := dirs
	if s.parent != "" {
		want = make(map[string]bool, len(dirs)+1)
		for d := range dirs {
			want[d] = true
		}
		want[s.parent] = true
	}
	// Watches of deleted folders are gone: fsnotify drops them.
	live := map[string]bool{}
	for _, d := range s.fw.WatchList() {
		live[d] = true
	}
	for d := range s.on {
		if !live[d] {
			delete(s.on, d)
		}
	}
	if dirs == nil {
		// The folder could not be read: drop nothing, and watch the parent
		// when there is one, so its return is seen.
		want = maps.Clone(s.on)
		if s.parent != "" {
			want[s.parent] = true
		}
	}
	for d := range s.on {
		if !want[d] {
			s.fw.Remove(d) // fails harmlessly when the folder is gone
			delete(s.on, d)
		}
	}
	added := false
	for _, d := range slices.Sorted(maps.Keys(want)) {
		if s.on[d] {
			continue
		}
		if err := s.fw.Add(d); err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				s.failed = true
				s.log.Warn("cannot watch folder", "dir", d, "error", err.Error())
			}
			continue
		}
		s.on[d] = true
		added = true
	}
	return added
}

// unwrapPath drops the operation and path an *fs.PathError repeats: the
// messages built around it name the path already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
