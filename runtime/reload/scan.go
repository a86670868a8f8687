package reload

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/callflow/callflow/lang/folder"
)

// Limits of a scan.
const (
	maxFileSize = 32 << 20 // bytes; a larger .flow, .csv or .json file is in error
	maxDepth    = 32       // folder nesting followed below the root
)

// snapshot is the content of a flows folder at one moment: every .flow and
// table file, read once, so a compilation sees one consistent state even
// while an editor or kubelet keeps writing.
type snapshot struct {
	files    map[string][]byte // slash path below the root → content
	problems map[string]error  // slash path → why it was left out (see problem)
	dirs     map[string]bool   // real (symlink-free) paths of every folder walked
	digest   [sha256.Size]byte // of every path, content and problem
}

// problem is why p, or a folder above it, was left out of the snapshot: a
// flow or table file that cannot be read, a symbolic link that leaves the
// folder, a folder that cannot be read. Nil when there is none.
func (s *snapshot) problem(p string) error {
	for {
		if err := s.problems[p]; err != nil {
			return err
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return nil
		}
		p = p[:i]
	}
}

// fs is the snapshot as a file system for the compiler: a file left out
// fails to open with its problem (a *folder.OutsideError for a link that
// leaves the folder, which the checker reports as such).
func (s *snapshot) fs() fs.FS {
	m := make(fstest.MapFS, len(s.files))
	for p, b := range s.files {
		m[p] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	return snapFS{m, s}
}

type snapFS struct {
	files fstest.MapFS
	snap  *snapshot
}

func (f snapFS) Open(name string) (fs.File, error) {
	if _, ok := f.snap.files[name]; !ok {
		if err := f.snap.problem(name); err != nil {
			return nil, err
		}
	}
	return f.files.Open(name)
}

// isSource reports whether a file is one the compiler may read: a flow or a
// table (tables are CSV or JSON).
func isSource(name string) bool {
	if strings.HasSuffix(name, ".flow") {
		return true
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".json":
		return true
	}
	return false
}

// scan reads the folder at root through an os.Root, so nothing outside it
// is opened. It follows symbolic links, to files and to folders, while they
// stay inside the folder, as a Kubernetes ConfigMap volume is made of them
// (main.flow → ..data/main.flow, ..data → ..2025_01_02_…); a link that is
// absolute or climbs above the folder is not followed, and is a problem of
// the snapshot. It skips folders whose names start with a dot, as
// lang.FlowFiles does. A file that disappears while it is read is left out
// (the event of its removal brings another scan); a file or subfolder that
// cannot be read is a problem of its own, which puts only the flows that
// read it in error. Only the folder itself failing fails the scan.
//
// wrap, when not nil, wraps the folder's file system (tests inject
// failures with it).
func scan(root string, wrap func(fs.FS) fs.FS) (*snapshot, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	var fsys fs.FS = rootFS{r, r.FS()}
	if wrap != nil {
		fsys = wrap(fsys)
	}
	s := &snapshot{files: map[string][]byte{}, problems: map[string]error{}, dirs: map[string]bool{}}
	w := &walker{fsys: fsys, real: real, snap: s}
	if err := w.walk(".", ".", 0); err != nil {
		return nil, err
	}
	// Folders reached through links come last, so a folder seen both
	// plainly and through a link is read under its own name.
	for len(w.links) > 0 {
		l := w.links[0]
		w.links = w.links[1:]
		w.walk(l.rel, l.dir, l.depth)
	}
	s.digest = s.sum()
	return s, nil
}

func (s *snapshot) sum() [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, p := range slices.Sorted(maps.Keys(s.files)) {
		put([]byte(p))
		put(s.files[p])
	}
	h.Write([]byte{0})
	for _, p := range slices.Sorted(maps.Keys(s.problems)) {
		put([]byte(p))
		put([]byte(s.problems[p].Error()))
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// walker reads one folder tree into a snapshot.
type walker struct {
	fsys  fs.FS
	real  string // the root's real path, for the folders to watch
	snap  *snapshot
	links []linkedDir // folders reached through links, to walk last
}

// linkedDir is a folder seen at rel through a link, which lies at dir.
type linkedDir struct {
	rel, dir string
	depth    int
}

// walk reads the folder seen at rel, which lies at dir (free of links)
// inside the root.
func (w *walker) walk(rel, dir string, depth int) error {
	real := filepath.Join(w.real, filepath.FromSlash(dir))
	if w.snap.dirs[real] {
		return nil // a symlink cycle, or two links to one folder
	}
	w.snap.dirs[real] = true
	entries, err := fs.ReadDir(w.fsys, dir)
	switch {
	case err == nil:
	case depth == 0:
		return err
	case errors.Is(err, fs.ErrNotExist):
		return nil // removed while we looked
	default:
		w.snap.problems[rel] = fmt.Errorf("folder %s cannot be read: %w", rel, unwrapPath(err))
		return nil
	}
	for _, e := range entries {
		w.entry(e, rel, dir, depth)
	}
	return nil
}

// entry reads one entry of a folder: a file into the snapshot, a folder
// walked, or a problem.
func (w *walker) entry(e fs.DirEntry, rel, dir string, depth int) {
	name := e.Name()
	p, at := path.Join(rel, name), path.Join(dir, name)
	hidden := strings.HasPrefix(name, ".")
	isDir, linked := e.IsDir(), false
	if e.Type()&fs.ModeSymlink != 0 {
		linked = true
		target, fi, err := w.follow(at)
		switch {
		case err == nil:
			at, isDir = target, fi.IsDir()
		case hidden && errors.Is(err, fs.ErrNotExist):
			return // a dangling hidden link: an editor's lock file (.#a.flow)
		case isSource(name):
			w.snap.problems[p] = linkProblem(p, err, w.fsys, at)
			return
		case errors.Is(err, folder.ErrOutside), errors.Is(err, folder.ErrLinkLoop):
			if !hidden {
				w.snap.problems[p] = linkProblem(p, err, w.fsys, at) // not followed: report it
			}
			return
		default:
			return // a dangling link that is no flow nor table
		}
	}
	if isDir {
		switch {
		case strings.HasSuffix(name, ".flow"):
			w.snap.problems[p] = fmt.Errorf("%s is a folder, not a flow file", p)
		case hidden || depth >= maxDepth:
		case linked:
			w.links = append(w.links, linkedDir{p, at, depth + 1})
		default:
			w.walk(p, at, depth+1)
		}
		return
	}
	if !isSource(name) {
		return
	}
	b, err := readFile(w.fsys, at)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// deleted since ReadDir: the next scan settles it
	case err != nil:
		w.snap.problems[p] = fileProblem(p, err)
	default:
		w.snap.files[p] = b
	}
}

// follow resolves the link at (a path free of links but its last element)
// inside the folder and describes what it leads to.
func (w *walker) follow(at string) (string, fs.FileInfo, error) {
	target, err := folder.Resolve(w.fsys, at)
	if err != nil {
		return "", nil, err
	}
	fi, err := fs.Stat(w.fsys, target)
	return target, fi, err
}

// linkProblem says why the link at p leads nowhere the flows may read.
func linkProblem(p string, err error, fsys fs.FS, at string) error {
	if errors.Is(err, folder.ErrOutside) {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) {
		if t, lerr := fs.ReadLink(fsys, at); lerr == nil {
			return fmt.Errorf("%s is a symbolic link to %s, which does not exist", p, t)
		}
	}
	return fileProblem(p, err)
}

var (
	errTooLarge = errors.New("file too large")
	errNotFile  = errors.New("not a regular file")
)

// fileProblem says why the file at p could not be read.
func fileProblem(p string, err error) error {
	switch {
	case errors.Is(err, errTooLarge):
		return fmt.Errorf("%s is larger than %d MiB", p, maxFileSize>>20)
	case errors.Is(err, errNotFile):
		return fmt.Errorf("%s is %v", p, err)
	case errors.Is(err, folder.ErrLinkLoop):
		return fmt.Errorf("%s: %w", p, folder.ErrLinkLoop)
	}
	return fmt.Errorf("cannot read %s: %w", p, unwrapPath(err))
}

// readFile reads a flow or table file, refusing anything but a regular file
// (reading a named pipe would block the scan) and files over maxFileSize.
// The scan's file system opens without waiting for a pipe's writer
// (rootFS), so the file is looked at once, open: what is read is what was
// looked at.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(fi); err != nil {
		return nil, err
	}
	if fi.Size() > maxFileSize {
		return nil, errTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, errTooLarge
	}
	return b, nil
}

// regular fails for anything but a regular file, naming what it is.
func regular(fi fs.FileInfo) error {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("a folder, %w", errNotFile)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("a named pipe, %w", errNotFile)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("a socket, %w", errNotFile)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("a device, %w", errNotFile)
	}
	return errNotFile
}

// rootFS is an os.Root as a file system whose Open never blocks on a named
// pipe (os.Root.FS opens for reading, which waits for a writer).
type rootFS struct {
	root *os.Root
	fs.FS
}

func (r rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := r.root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(r.FS, name) }
func (r rootFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(r.FS, name) }
func (r rootFS) Lstat(name string) (fs.FileInfo, error)     { return fs.Lstat(r.FS, name) }
func (r rootFS) ReadLink(name string) (string, error)       { return fs.ReadLink(r.FS, name) }
