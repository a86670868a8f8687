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
)

// Limits of a scan.
const (
	maxFileSize = 32 << 20 // bytes; a larger .flow, .csv or .json file is left out
	maxDepth    = 32       // folder nesting followed below the root
)

// snapshot is the content of a flows folder at one moment: every .flow and
// table file, read once, so a compilation sees one consistent state even
// while an editor or kubelet keeps writing.
type snapshot struct {
	files  map[string][]byte // slash path below the root → content
	dirs   map[string]bool   // real (symlink-free) paths of every folder walked
	digest [sha256.Size]byte // of every path and content
	large  []string          // files left out for their size
}

// fs is the snapshot as a file system for the compiler.
func (s *snapshot) fs() fstest.MapFS {
	m := make(fstest.MapFS, len(s.files))
	for p, b := range s.files {
		m[p] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	return m
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

// scan reads the folder at root. It follows symbolic links, to files and to
// folders, as a Kubernetes ConfigMap volume is made of them (main.flow →
// ..data/main.flow, ..data → ..2025_01_02_…); it skips folders whose names
// start with a dot, as lang.FlowFiles does. A file that disappears while it
// is read is left out (the event of its removal brings another scan); any
// other error fails the scan, so a half-read folder never deletes flows.
func scan(root string) (*snapshot, error) {
	s := &snapshot{files: map[string][]byte{}, dirs: map[string]bool{}}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", root)
	}
	if err := s.walk(root, ".", 0); err != nil {
		return nil, err
	}
	h := sha256.New()
	var n [8]byte
	for _, p := range slices.Sorted(maps.Keys(s.files)) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		io.WriteString(h, p)
		binary.LittleEndian.PutUint64(n[:], uint64(len(s.files[p])))
		h.Write(n[:])
		h.Write(s.files[p])
	}
	h.Sum(s.digest[:0])
	return s, nil
}

func (s *snapshot) walk(dir, rel string, depth int) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		if depth > 0 && errors.Is(err, fs.ErrNotExist) {
			return nil // removed while we looked
		}
		return err
	}
	if s.dirs[real] {
		return nil // a symlink cycle, or two links to one folder
	}
	s.dirs[real] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		if depth > 0 && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(dir, name)
		p := path.Join(rel, name)
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(full)
			if err != nil {
				continue // a dangling link, such as an editor's lock file
			}
			isDir = fi.IsDir()
		}
		if isDir {
			if strings.HasPrefix(name, ".") || depth >= maxDepth {
				continue
			}
			if err := s.walk(full, p, depth+1); err != nil {
				return err
			}
			continue
		}
		if !isSource(name) {
			continue
		}
		b, err := readFile(full)
		switch {
		case errors.Is(err, errTooLarge):
			s.large = append(s.large, p)
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, errNotRegular):
			// deleted since ReadDir (the next scan settles it), or a pipe
		case err != nil:
			return err
		default:
			s.files[p] = b
		}
	}
	return nil
}

var (
	errTooLarge   = errors.New("file too large")
	errNotRegular = errors.New("not a regular file")
)

func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular // a device or pipe named *.flow is not a flow
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
