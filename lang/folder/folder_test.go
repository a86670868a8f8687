package folder_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang/folder"
)

func link(target string) *fstest.MapFile {
	return &fstest.MapFile{Mode: fs.ModeSymlink, Data: []byte(target)}
}

func TestResolve(t *testing.T) {
	fsys := fstest.MapFS{
		"main.flow":                         link("..data/main.flow"),
		"..data":                            link("..2026_01_02_03_04_05.1"),
		"..2026_01_02_03_04_05.1/main.flow": {Data: []byte("flow main")},
		"sub/t.csv":                         link("../shared/t.csv"),
		"shared/t.csv":                      {Data: []byte("k,v\n")},
		"deep":                              link("shared/x/y"),
		"shared/x/y/z.csv":                  {Data: []byte("k,v\n")},
		"up":                                link("deep/../../t.csv"), // deep is shared/x/y: up is shared/t.csv
		"abs.csv":                           link("/etc/passwd"),
		"out.csv":                           link("../outside.csv"),
		"sub/out.csv":                       link("../../outside.csv"),
		"root":                              link("/"),
		"hop.csv":                           link("sub/out.csv"),
		"loop":                              link("loop"),
		"dir/t.csv":                         {Data: []byte("k,v\n")},
	}
	for _, tc := range []struct {
		name, want string
		link       string // the link blamed for leaving the folder
		err        error
	}{
		{name: "main.flow", want: "..2026_01_02_03_04_05.1/main.flow"},
		{name: "sub/t.csv", want: "shared/t.csv"},
		{name: "deep/z.csv", want: "shared/x/y/z.csv"},
		{name: "up", want: "shared/t.csv"},
		{name: "dir/t.csv", want: "dir/t.csv"},
		{name: ".", want: "."},
		{name: "abs.csv", link: "abs.csv"},
		{name: "out.csv", link: "out.csv"},
		{name: "sub/out.csv", link: "sub/out.csv"},
		{name: "root/etc/passwd", link: "root"},
		{name: "hop.csv", link: "sub/out.csv"},
		{name: "loop", err: folder.ErrLinkLoop},
		{name: "missing.csv", err: fs.ErrNotExist},
		{name: "../x", err: fs.ErrInvalid},
	} {
		got, err := folder.Resolve(fsys, tc.name)
		switch {
		case tc.link != "":
			var oe *folder.OutsideError
			if !errors.As(err, &oe) || oe.Link != tc.link || !errors.Is(err, folder.ErrOutside) {
				t.Errorf("Resolve(%q) = %q, %v; want an OutsideError blaming %s", tc.name, got, err, tc.link)
			}
		case tc.err != nil:
			if !errors.Is(err, tc.err) {
				t.Errorf("Resolve(%q) = %q, %v; want %v", tc.name, got, err, tc.err)
			}
		case err != nil || got != tc.want:
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// On a real folder (os.DirFS reads links too), a link to / is refused
// without being followed.
func TestResolveDirFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/", filepath.Join(dir, "root")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte("k\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("t.csv", filepath.Join(dir, "u.csv")); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	if _, err := folder.Resolve(fsys, "root/etc/hostname"); !errors.Is(err, folder.ErrOutside) {
		t.Errorf("a link to / resolved: %v", err)
	}
	if got, err := folder.Resolve(fsys, "u.csv"); err != nil || got != "t.csv" {
		t.Errorf("u.csv resolved to %q, %v; want t.csv", got, err)
	}
}

// A file system that cannot read links resolves every name to itself.
func TestResolveNoLinks(t *testing.T) {
	type plain struct{ fs.FS }
	got, err := folder.Resolve(plain{fstest.MapFS{}}, "a/b.csv")
	if err != nil || got != "a/b.csv" {
		t.Errorf("got %q, %v", got, err)
	}
}

// Whatever the links say, Resolve never panics and never answers a path
// that leaves the folder or still goes through a link.
func FuzzResolve(f *testing.F) {
	for _, s := range [][2]string{{"a/x", "b"}, {"a", "../b"}, {"d/c", "/etc"}, {"a/c", "d/../b"}, {"a", "a"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, target string) {
		fsys := fstest.MapFS{
			"a":   link(target),
			"b/c": {Data: []byte("c")},
			"d":   link("b"),
			"e":   link("a/c"),
		}
		got, err := folder.Resolve(fsys, name)
		if err != nil {
			return
		}
		if !fs.ValidPath(got) {
			t.Fatalf("Resolve(%q) with a → %q = %q: not a path inside the folder", name, target, got)
		}
		if fi, err := fs.Lstat(fsys, got); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			t.Fatalf("Resolve(%q) with a → %q = %q: a link", name, target, got)
		}
	})
}
