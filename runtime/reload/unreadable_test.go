//go:build unix

package reload

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/folder"
)

// These tests run as root in CI, where chmod 000 does not stop a read: they
// make a file unreadable in ways that hold for root too (a folder, a
// dangling link, a named pipe, a sparse file over the size limit, a link out
// of the folder), and inject read errors through the watcher's wrapFS hook
// for what only permissions would cause (EACCES, EIO).

// failFS fails reading the names in fail (files: Open; folders: ReadDir)
// with EIO while on is set, and is the wrapped file system otherwise.
type failFS struct {
	fs.FS
	on   *atomic.Bool
	fail map[string]bool
}

func (f failFS) broken(name string) error {
	if f.on.Load() && f.fail[name] {
		return &fs.PathError{Op: "read", Path: name, Err: syscall.EIO}
	}
	return nil
}

func (f failFS) Open(name string) (fs.File, error) {
	if err := f.broken(name); err != nil {
		return nil, err
	}
	return f.FS.Open(name)
}

func (f failFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.broken(name); err != nil {
		return nil, err
	}
	return fs.ReadDir(f.FS, name)
}

func (f failFS) Stat(name string) (fs.FileInfo, error)  { return fs.Stat(f.FS, name) }
func (f failFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(f.FS, name) }
func (f failFS) ReadLink(name string) (string, error)   { return fs.ReadLink(f.FS, name) }

// injectFailures makes the names in fail unreadable while the returned flag
// is set.
func injectFailures(fail ...string) (*atomic.Bool, func(*Watcher)) {
	on := &atomic.Bool{}
	set := map[string]bool{}
	for _, f := range fail {
		set[f] = true
	}
	return on, func(w *Watcher) {
		w.wrapFS = func(fsys fs.FS) fs.FS { return failFS{fsys, on, set} }
	}
}

func removeFile(t *testing.T, name string) {
	t.Helper()
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
}

// R11: one flow file that cannot be read puts only its flow in error, with
// a message naming the file and why; its last good version keeps serving;
// every other flow keeps reloading; and it serves again once fixed.
func TestUnreadableFileOnlyItsFlow(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "a.flow"), flowSrc("a", "+10000000001", 9))
	cases := []struct {
		name   string
		break_ func(t *testing.T, file string)
		code   string
		msg    string
		setup  func(*Watcher) // hooks; with fail: the injected failure
		fail   *atomic.Bool
	}{
		{name: "replaced by a folder", code: "unreadable", msg: "a.flow is a folder, not a flow file",
			break_: func(t *testing.T, file string) {
				removeFile(t, file)
				write(t, filepath.Join(file, "inner.flow"), flowSrc("inner", "+10000000009", 9))
			}},
		{name: "dangling symlink", code: "unreadable", msg: "a.flow is a symbolic link to gone.flow, which does not exist",
			break_: func(t *testing.T, file string) {
				removeFile(t, file)
				if err := os.Symlink("gone.flow", file); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "named pipe", code: "unreadable", msg: "a.flow is a named pipe",
			break_: func(t *testing.T, file string) {
				removeFile(t, file)
				if err := syscall.Mkfifo(file, 0o644); err != nil {
					t.Skipf("no named pipes here: %v", err)
				}
			}},
		{name: "larger than the limit", code: "unreadable", msg: "a.flow is larger than 32 MiB",
			break_: func(t *testing.T, file string) {
				if err := os.Truncate(file, maxFileSize+1); err != nil { // sparse: nothing written
					t.Fatal(err)
				}
			}},
		{name: "symlink out of the folder", code: "outside-folder", msg: "a.flow is a symbolic link to " + filepath.Join(outside, "a.flow") + ", outside the folder",
			break_: func(t *testing.T, file string) {
				removeFile(t, file)
				if err := os.Symlink(filepath.Join(outside, "a.flow"), file); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "relative symlink climbing out", code: "outside-folder", msg: "a.flow is a symbolic link to ../",
			break_: func(t *testing.T, file string) {
				removeFile(t, file)
				rel, err := filepath.Rel(filepath.Dir(file), filepath.Join(outside, "a.flow"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(rel, file); err != nil {
					t.Fatal(err)
				}
			}},
	}
	on, inject := injectFailures("a.flow")
	cases = append(cases, struct {
		name   string
		break_ func(t *testing.T, file string)
		code   string
		msg    string
		setup  func(*Watcher)
		fail   *atomic.Bool
	}{name: "read error (injected)", code: "unreadable", msg: "cannot read a.flow: input/output error", setup: inject, fail: on,
		break_: func(t *testing.T, file string) {
			on.Store(true)
			write(t, file, flowSrc("a", "+10000000001", 4)) // an event, and content that must not load
		}})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "a.flow")
			write(t, file, flowSrc("a", "+10000000001", 1))
			write(t, filepath.Join(dir, "b.flow"), flowSrc("b", "+10000000002", 1))
			h := startWith(t, dir, tc.setup)
			h.agent("a", 1)
			v1 := h.flow("a.flow").Version

			tc.break_(t, file)
			h.until("a.flow in error", func() bool { return h.flow("a.flow").Status == StatusError })
			st := h.flow("a.flow")
			if !st.Serving || st.Version != v1 || st.Name != "a" || h.eng.agentOf("a") != 1 {
				t.Errorf("a.flow %+v, agent %d; want its last good version %s serving, agent 1", st, h.eng.agentOf("a"), v1)
			}
			if len(st.Diagnostics) != 1 || st.Diagnostics[0].Code != tc.code || !strings.Contains(st.Diagnostics[0].Message, tc.msg) ||
				st.Diagnostics[0].File != "a.flow" || st.Diagnostics[0].Hint == "" {
				t.Errorf("diagnostics %+v; want one %s saying %q", st.Diagnostics, tc.code, tc.msg)
			}
			if h.eng.agentOf("inner") != -1 {
				t.Error("a flow inside a folder named a.flow was loaded")
			}
			if b := h.flow("b.flow"); b.Status != StatusOK {
				t.Errorf("b.flow %+v: another flow's error spread to it", b)
			}

			// Another flow's edit still reloads, while a.flow stays broken.
			write(t, filepath.Join(dir, "b.flow"), flowSrc("b", "+10000000002", 2))
			h.agent("b", 2)
			if st := h.flow("a.flow"); st.Status != StatusError || h.eng.agentOf("a") != 1 {
				t.Errorf("after b's edit: a.flow %+v, agent %d", st, h.eng.agentOf("a"))
			}

			// Fixed, it serves again.
			if tc.fail != nil {
				tc.fail.Store(false)
			}
			os.RemoveAll(file)
			write(t, file, flowSrc("a", "+10000000001", 3))
			h.agent("a", 3)
			if st := h.flow("a.flow"); st.Status != StatusOK || len(st.Diagnostics) != 0 {
				t.Errorf("after the fix: %+v", st)
			}
		})
	}
}

// A flow file that cannot be read on the first load is in error, not
// missing, and the others load.
func TestUnreadableOnFirstLoad(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "a.flow"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "b.flow"), flowSrc("b", "+10000000002", 1))
	h := start(t, dir)
	if st := h.flow("a.flow"); st.Status != StatusError || st.Serving || st.Name != "a" || len(st.Diagnostics) != 1 {
		t.Errorf("a.flow %+v; want in error, not serving", st)
	}
	if h.eng.agentOf("b") != 1 {
		t.Error("b did not load")
	}
}

// R11: a subfolder that cannot be read puts the flows known in it in error
// (their last good versions serve: they are not deleted) and is reported;
// the rest keep reloading. The failure is injected (EIO on ReadDir).
func TestUnreadableSubfolder(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 1))
	write(t, filepath.Join(dir, "team", "t.flow"), flowSrc("t", "+10000000002", 1))
	on, inject := injectFailures("team")
	h := startWith(t, dir, inject)
	h.agent("t", 1)

	on.Store(true)
	write(t, filepath.Join(dir, "team", "t.flow"), flowSrc("t", "+10000000002", 2)) // unseen: its folder cannot be read
	h.until("team/t.flow in error", func() bool { return h.flow("team/t.flow").Status == StatusError })
	st := h.flow("team/t.flow")
	if !st.Serving || h.eng.agentOf("t") != 1 || len(st.Diagnostics) != 1 ||
		st.Diagnostics[0].Code != "unreadable" || !strings.Contains(st.Diagnostics[0].Message, "folder team cannot be read: input/output error") {
		t.Errorf("team/t.flow %+v, agent %d; want in error, its last good version serving", st, h.eng.agentOf("t"))
	}
	if p := h.w.Status().Problems; len(p) != 1 || p[0].Path != "team" {
		t.Errorf("problems %+v; want the folder team", p)
	}

	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 2))
	h.agent("a", 2)

	on.Store(false)
	h.w.Rescan()
	h.agent("t", 2)
	if st := h.w.Status(); len(st.Problems) != 0 || h.flow("team/t.flow").Status != StatusOK {
		t.Errorf("after the folder came back: %+v", st)
	}
}

// R11: symbolic links that leave the folder are neither followed nor
// watched: a link to / and a link to a folder holding a flow. Both are
// reported; flows inside keep reloading.
func TestSymlinkOutOfFolderNotWalked(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "evil.flow"), flowSrc("evil", "+10000000009", 9))
	parent := t.TempDir()
	dir := filepath.Join(parent, "flows")
	write(t, filepath.Join(dir, "a.flow"), flowSrc("a", "+10000000001", 1))
	write(t, filepath.Join(dir, "sub", "b.flow"), flowSrc("b", "+10000000002", 1))
	for link, target := range map[string]string{"root": "/", "out": outside, "up": ".."} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	// A link that stays inside is followed.
	if err := os.Symlink("sub", filepath.Join(dir, "alias")); err != nil {
		t.Fatal(err)
	}
	watched := make(chan []string, 64)
	h := startWith(t, dir, func(w *Watcher) { w.synced = func(d []string) { watched <- d } })
	var dirs []string
	select {
	case dirs = <-watched:
	case <-time.After(10 * time.Second):
		t.Fatal("the folders were not watched")
	}
	real, _ := filepath.EvalSymlinks(dir)
	realParent, _ := filepath.EvalSymlinks(parent)
	want := []string{realParent, real, filepath.Join(real, "sub")}
	slices.Sort(want)
	if !slices.Equal(dirs, want) {
		t.Errorf("watching %q, want %q", dirs, want)
	}
	if h.eng.agentOf("evil") != -1 {
		t.Error("a flow outside the folder was loaded through a link")
	}
	var problems []string
	for _, p := range h.w.Status().Problems {
		problems = append(problems, p.Path+": "+p.Error)
	}
	for _, want := range []string{"out: out is a symbolic link to " + outside + ", outside the folder",
		"root: root is a symbolic link to /, outside the folder", "up: up is a symbolic link to .., outside the folder"} {
		if !slices.Contains(problems, want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
	write(t, filepath.Join(dir, "sub", "b.flow"), flowSrc("b", "+10000000002", 2))
	h.agent("b", 2)
}

// The scan itself: a link to / adds no folder to watch, and a link to a
// folder inside adds nothing new.
func TestScanDoesNotWalkOut(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "sub", "a.flow"), flowSrc("a", "+10000000001", 1))
	for link, target := range map[string]string{"root": "/", "again": "sub", "loop": "loop"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	snap, err := scan(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.dirs) != 2 {
		t.Errorf("walked %d folders: %v; want the folder and sub", len(snap.dirs), snap.dirs)
	}
	if _, ok := snap.files["sub/a.flow"]; !ok || len(snap.files) != 1 {
		t.Errorf("files %v", snap.files)
	}
	if !errors.Is(snap.problems["loop"], folder.ErrLinkLoop) || snap.problems["root"] == nil {
		t.Errorf("problems %v; want root and loop", snap.problems)
	}
}

// tableFlow reads the table vips from file (the path literal starts at
// line 6, column 17).
func tableFlow(name, number, file string) string {
	return "flow " + name + "\n\ntarget tencent\nnumber \"" + number + "\"\n\ntable vips from \"" + file + "\"\n\notherwise -> main\n\nhandler main {\n  set v = caller in vips\n  agent 1\n}\n"
}

// A table reached through a link that leaves the folder is refused at the
// table's position, as "../" is; a table linked through a Kubernetes
// ..data folder inside is read.
func TestTableLinks(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.csv"), "number,agent\n+8613000000001,5\n")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "..2026_01_01_v1", "vips.csv"), "number,agent\n+8613000000002,6\n")
	links := [][2]string{
		{"..2026_01_01_v1", "..data"},
		{filepath.Join("..data", "vips.csv"), "vips.csv"},
		{filepath.Join(outside, "secret.csv"), "secret.csv"},
		{outside, "out"},
	}
	for _, l := range links {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(dir, "in.flow"), tableFlow("in", "+10000000001", "vips.csv"))
	write(t, filepath.Join(dir, "abs.flow"), tableFlow("abs", "+10000000002", "secret.csv"))
	write(t, filepath.Join(dir, "via.flow"), tableFlow("via", "+10000000003", "out/secret.csv"))
	h := start(t, dir)
	if st := h.flow("in.flow"); st.Status != StatusOK {
		t.Errorf("a table linked through ..data: %+v", st)
	}
	for file, link := range map[string]string{"abs.flow": "secret.csv", "via.flow": "out"} {
		st := h.flow(file)
		if st.Status != StatusError || len(st.Diagnostics) != 1 {
			t.Errorf("%s: %+v; want one error", file, st)
			continue
		}
		d := st.Diagnostics[0]
		if d.Code != "bad-table" || d.File != file || d.Line != 6 || d.Column != 17 ||
			!strings.Contains(d.Message, "leads outside the folder: "+link+" is a symbolic link to "+outside) {
			t.Errorf("%s: %+v; want bad-table at 6:17 naming the link %s", file, d, link)
		}
	}
	// The refused links are reported as such, and nothing in them was read.
	var paths []string
	for _, p := range h.w.Status().Problems {
		paths = append(paths, p.Path)
	}
	if want := []string{"out", "secret.csv"}; !slices.Equal(paths, want) {
		t.Errorf("problems %q, want %q", paths, want)
	}
}
