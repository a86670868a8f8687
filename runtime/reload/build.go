package reload

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/folder"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// Codes of the diagnostics reload adds to the compiler's.
const (
	CodeTestsFailed   diag.Code = "tests-failed"   // RequireTests rejected the new version
	CodeUnreadable    diag.Code = "unreadable"     // the flow's file, its folder or the flows folder cannot be read
	CodeOutsideFolder diag.Code = "outside-folder" // the flow's file is a symbolic link that leaves the folder
)

// testTimeout bounds one flow's RequireTests run.
const testTimeout = time.Minute

// unit is one flow file, with its test file, and what is known of it.
type unit struct {
	file   string            // the .flow file (or a _test.flow without its flow)
	paths  []string          // compiled together: file and its test file
	inputs []string          // every file the last compilation read, found or not
	digest [sha256.Size]byte // of paths and the inputs' content at the last compilation

	latest  *ir.Flow         // the last compilation, when it was clean (and passed tests)
	diags   diag.Diagnostics // of the last compilation
	checked time.Time        // when it ran
	name    string           // what the file declares, as far as it parses

	srcs  source.Files       // the sources diags point into
	clash []*diag.Diagnostic // why latest cannot serve: another flow has its name or number

	good   *ir.Flow  // the version serving, or last served
	goodAt time.Time // when good was activated
	status FlowStatus
}

// deletedKeep bounds the deleted flows a Status lists.
const deletedKeep = 256

// apply brings the units in line with a snapshot: it compiles the files
// whose inputs changed, keeps the last good version of those that fail,
// settles clashes between flows, swaps the program when what serves
// changed, and publishes the status.
func (w *Watcher) apply(ctx context.Context, snap *snapshot, initial bool, start time.Time) Event {
	ev := Event{Initial: initial, At: start, Sources: source.Files{}}
	fsys := snap.fs()

	want := groupUnits(snap, w.units)
	var todo []*unit
	for file, paths := range want {
		u := w.units[file]
		if u == nil {
			u = &unit{file: file}
			w.units[file] = u
			delete(w.deleted, file)
		}
		if !slices.Equal(u.paths, paths) || u.digest != inputDigest(paths, u.inputs, snap) {
			u.paths = paths
			todo = append(todo, u)
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].file < todo[j].file })
	w.compile(ctx, fsys, snap, todo, start)
	for _, u := range todo {
		ev.Diagnostics = append(ev.Diagnostics, u.diags...)
	}

	var gone []*unit
	for file, u := range w.units {
		if _, ok := want[file]; !ok {
			gone = append(gone, u)
			delete(w.units, file)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i].file < gone[j].file })

	prev := w.serving
	w.serving = w.resolve()
	for _, u := range todo {
		ev.Diagnostics = append(ev.Diagnostics, u.clash...)
	}
	changed := initial || len(prev) != len(w.serving)
	for file, f := range w.serving {
		if prev[file] != f {
			changed = true
		}
	}
	if changed {
		prog := &ir.Program{}
		for _, f := range w.serving {
			prog.Flows = append(prog.Flows, f)
		}
		sort.Slice(prog.Flows, func(i, j int) bool { return prog.Flows[i].Name < prog.Flows[j].Name })
		w.target.Swap(prog)
	}

	st := &Status{Dir: w.dir, Loaded: true, LastReload: start}
	if old := w.state.Load(); old != nil {
		st.LastSuccess = old.LastSuccess
	}
	ev.Result = "ok"
	for _, file := range slices.Sorted(maps.Keys(w.units)) {
		u := w.units[file]
		f := w.serving[file]
		if f != nil && f != u.good {
			u.good, u.goodAt = f, start
		}
		u.status = w.describe(u, f)
		st.Flows = append(st.Flows, u.status)
		switch {
		case f != nil && prev[file] != f:
			ev.Activated = append(ev.Activated, u.status)
		case f == nil && prev[file] != nil:
			ev.Removed = append(ev.Removed, u.status)
		}
		if u.status.Status == StatusError {
			ev.Result = "error"
			if slices.Contains(todo, u) {
				ev.Failed = append(ev.Failed, u.status)
			}
		}
	}
	for _, u := range gone {
		if prev[u.file] == nil && u.good == nil {
			continue // never served: nothing to remember
		}
		d := u.status
		d.Status, d.Serving, d.Diagnostics, d.CheckedAt = StatusDeleted, false, []Diagnostic{}, start
		w.deleted[u.file] = d
		if prev[u.file] != nil {
			ev.Removed = append(ev.Removed, d)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(snap.problems)) {
		if _, isUnit := w.units[p]; !isUnit {
			st.Problems = append(st.Problems, Problem{Path: p, Error: snap.problems[p].Error()})
			ev.Result = "error"
		}
	}
	w.trimDeleted()
	for _, d := range w.deleted {
		st.Flows = append(st.Flows, d)
	}
	sort.Slice(st.Flows, func(i, j int) bool { return st.Flows[i].File < st.Flows[j].File })
	if ev.Result == "ok" {
		st.LastSuccess = start
	}
	ev.Duration = time.Since(start)
	ev.Status = st
	for _, u := range todo {
		maps.Copy(ev.Sources, u.srcs)
	}
	w.state.Store(st)
	return ev
}

// groupUnits pairs each flow file with its NAME_test.flow. A test file
// without its flow is a unit of its own, which fails to compile and says so.
// Flow files that could not be read are units too (in error), and so are
// the known flows of a subfolder that could not be read: a flow is deleted
// only when its folder says it is gone.
func groupUnits(snap *snapshot, known map[string]*unit) map[string][]string {
	want := map[string][]string{}
	add := func(p string) {
		if !strings.HasSuffix(p, ".flow") {
			return
		}
		if stem, ok := strings.CutSuffix(p, lang.TestSuffix); ok {
			if !hasFile(snap, stem+".flow") {
				want[p] = []string{p}
			}
			return
		}
		paths := []string{p}
		if t := strings.TrimSuffix(p, ".flow") + lang.TestSuffix; hasFile(snap, t) {
			paths = append(paths, t)
		}
		want[p] = paths
	}
	for p := range snap.files {
		add(p)
	}
	for p := range snap.problems {
		add(p)
	}
	for file, u := range known {
		if _, ok := want[file]; !ok && snap.problem(file) != nil {
			want[file] = u.paths
		}
	}
	return want
}

// hasFile reports whether p is in the folder, readable or not.
func hasFile(snap *snapshot, p string) bool {
	_, ok := snap.files[p]
	return ok || snap.problems[p] != nil
}

// inputDigest hashes what a compilation of paths reads: the paths, and each
// input's content in snap (or its absence).
func inputDigest(paths, inputs []string, snap *snapshot) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, p := range paths {
		put([]byte(p))
	}
	h.Write([]byte{0})
	for _, p := range inputs {
		put([]byte(p))
		if b, ok := snap.files[p]; ok {
			h.Write([]byte{1})
			put(b)
		} else if err := snap.problem(p); err != nil {
			h.Write([]byte{2})
			put([]byte(err.Error()))
		} else {
			h.Write([]byte{0})
		}
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// compile compiles the units on every core, then runs their tests.
func (w *Watcher) compile(ctx context.Context, fsys fs.FS, snap *snapshot, units []*unit, now time.Time) {
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(units)) {
		wg.Go(func() {
			for {
				next.Lock()
				if i == len(units) {
					next.Unlock()
					return
				}
				u := units[i]
				i++
				next.Unlock()
				w.compileUnit(ctx, fsys, snap, u, now)
			}
		})
	}
	wg.Wait()
}

func (w *Watcher) compileUnit(ctx context.Context, fsys fs.FS, snap *snapshot, u *unit, now time.Time) {
	if ds := unreadableDiags(snap, u.paths); len(ds) > 0 {
		// Nothing to compile: the unit is in error, and its last good
		// version (if any) keeps serving.
		u.inputs, u.digest = u.paths, inputDigest(u.paths, u.paths, snap)
		u.diags, u.checked, u.latest, u.srcs = ds, now, nil, source.Files{}
		if u.name == "" {
			u.name = flowName(u, snap)
		}
		return
	}
	rec := &recordFS{fsys: fsys, read: map[string]bool{}}
	files := source.Files{}
	prog, ds := lang.CompileFiles(rec, u.paths, lang.WithSources(files))
	u.inputs = rec.names()
	u.digest = inputDigest(u.paths, u.inputs, snap)
	u.diags, u.checked, u.latest = ds, now, nil
	u.srcs = files
	if prog != nil {
		for _, f := range prog.Flows {
			if f.File == u.file {
				u.latest = f
			}
		}
	}
	u.name = flowName(u, snap)
	if u.latest == nil || w.cfg.tests == nil || (u.good != nil && u.good.Version == u.latest.Version) {
		return
	}
	tctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	if err := w.cfg.tests(tctx, u.latest); err != nil {
		at := u.latest.At()
		u.diags = append(u.diags, diag.Errorf(CodeTestsFailed, at, "the tests of flow %q fail: %v", u.latest.Name, err).
			Do("Fix the flow or its tests; the version before this edit keeps serving."))
		u.latest = nil
	}
}

// unreadableDiags is one error per file of paths that could not be read.
func unreadableDiags(snap *snapshot, paths []string) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, p := range paths {
		err := snap.problem(p)
		if err == nil {
			continue
		}
		code, hint := CodeUnreadable, "Make it a readable file in the folder; until then its last good version, if any, keeps serving."
		if errors.Is(err, folder.ErrOutside) {
			code, hint = CodeOutsideFolder, "Put the file inside the flows folder: links that leave it are not followed."
		}
		ds = append(ds, diag.Errorf(code, source.Span{File: p}, "%v", err).Do("%s", hint))
	}
	return ds
}

// flowName is the name the unit's file declares: from the compiled flow,
// else from a parse, else the file's name.
func flowName(u *unit, snap *snapshot) string {
	if u.latest != nil {
		return u.latest.Name
	}
	if src, ok := snap.files[u.file]; ok {
		if f, _ := parser.ParseFile(u.file, src); f != nil && f.Flow != nil && f.Flow.Name != "" {
			return f.Flow.Name
		}
	}
	name := path.Base(u.file)
	name = strings.TrimSuffix(name, lang.TestSuffix)
	return strings.TrimSuffix(name, ".flow")
}

// resolve picks the version each unit serves: its latest clean compilation,
// else its last good version, provided the flow's name and its numbers are
// not taken by a flow already chosen. Flows that served a name before keep
// it, so a new file cannot take over a serving flow's name or number; then
// files go in path order.
func (w *Watcher) resolve() map[string]*ir.Flow {
	units := make([]*unit, 0, len(w.units))
	for _, u := range w.units {
		u.clash = nil
		units = append(units, u)
	}
	incumbent := func(u *unit) bool {
		return u.good != nil && w.serving[u.file] != nil && (u.latest == nil || u.latest.Name == u.good.Name)
	}
	sort.Slice(units, func(i, j int) bool {
		a, b := incumbent(units[i]), incumbent(units[j])
		if a != b {
			return a
		}
		return units[i].file < units[j].file
	})
	names := map[string]*unit{}
	type claim struct{ platform, number string }
	numbers := map[claim]*unit{}
	serving := map[string]*ir.Flow{}
	for _, u := range units {
		for _, f := range []*ir.Flow{u.latest, u.good} {
			if f == nil {
				continue
			}
			var clash *diag.Diagnostic
			if other := names[f.Name]; other != nil {
				clash = diag.Errorf(diag.DuplicateName, f.At(), "flow %q is also declared in %s, which is serving", f.Name, other.file).
					Do("Give each flow its own name.")
			}
			for _, n := range f.Numbers {
				for _, p := range f.Platforms {
					if other := numbers[claim{p, n}]; other != nil && clash == nil {
						clash = diag.Errorf(diag.DuplicateNumber, f.NumberAt(n), "number %s is also answered by flow %q (%s) on %s", n, serving[other.file].Name, other.file, p).
							Do("Give each number to one flow per platform.")
					}
				}
			}
			if clash != nil {
				if f == u.latest {
					u.clash = append(u.clash, clash)
				}
				continue
			}
			names[f.Name] = u
			for _, n := range f.Numbers {
				for _, p := range f.Platforms {
					numbers[claim{p, n}] = u
				}
			}
			serving[u.file] = f
			break
		}
	}
	return serving
}

// describe is a unit's status, serving f (nil: nothing).
func (w *Watcher) describe(u *unit, f *ir.Flow) FlowStatus {
	st := FlowStatus{Name: u.name, File: u.file, Targets: []string{}, Numbers: []string{}, CheckedAt: u.checked, Status: StatusOK}
	ds := append(slices.Clone(u.diags), u.clash...)
	if u.latest == nil || f != u.latest {
		st.Status = StatusError
	}
	if f != nil {
		st.Name, st.Version, st.LoadedAt, st.Serving = f.Name, f.Version, u.goodAt, true
		st.Targets = append(st.Targets, f.Platforms...)
		st.Numbers = append(st.Numbers, f.Numbers...)
	}
	st.Diagnostics = toDiagnostics(ds)
	return st
}

func (w *Watcher) trimDeleted() {
	if len(w.deleted) <= deletedKeep {
		return
	}
	files := slices.Collect(maps.Keys(w.deleted))
	sort.Slice(files, func(i, j int) bool { return w.deleted[files[i]].CheckedAt.Before(w.deleted[files[j]].CheckedAt) })
	for _, f := range files[:len(files)-deletedKeep] {
		delete(w.deleted, f)
	}
}

// recordFS remembers every name the compiler opens, found or not, so a
// change to any of them (a table file created, edited or deleted) brings
// the flow to be compiled again.
type recordFS struct {
	fsys fs.FS
	mu   sync.Mutex
	read map[string]bool
}

func (r *recordFS) Open(name string) (fs.File, error) {
	r.mu.Lock()
	r.read[name] = true
	r.mu.Unlock()
	return r.fsys.Open(name)
}

func (r *recordFS) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.read))
}
