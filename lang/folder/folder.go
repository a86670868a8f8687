// Package folder resolves names inside a folder of flows given as an
// fs.FS, following symbolic links only while they stay inside it.
//
// os.DirFS follows a link wherever it points, so a table named "vips.csv"
// that links to /etc/passwd would be read as one. Resolve walks a name one
// element at a time with fs.ReadLinkFS, the way the kernel would, and
// refuses a link that is absolute or climbs above the folder with an
// *OutsideError, before anything outside is opened. A file system without
// symbolic links (fstest.MapFS without link entries, the reloader's
// snapshot) resolves every name to itself.
package folder

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// maxLinks is how many symbolic links one name may go through, as Linux's
// own limit (ELOOP beyond 40).
const maxLinks = 40

// ErrOutside is what an *OutsideError matches with errors.Is.
var ErrOutside = errors.New("outside the folder")

// ErrLinkLoop is returned for a name that goes through more than 40
// symbolic links, as a link to itself does.
var ErrLinkLoop = errors.New("too many symbolic links (a link loop?)")

// OutsideError is a name that leads out of the folder through a symbolic
// link: Link (slash path inside the folder) points to Target, as written in
// the link.
type OutsideError struct {
	Link, Target string
}

// Error names the link and where it points.
func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s is a symbolic link to %s, outside the folder", e.Link, e.Target)
}

// Unwrap makes errors.Is(err, ErrOutside) hold.
func (e *OutsideError) Unwrap() error { return ErrOutside }

// Resolve returns the path name leads to inside fsys, free of symbolic
// links, or an error: an *OutsideError when a link on the way is absolute
// or climbs above fsys's root, ErrLinkLoop, or the error of the file system
// when an element is missing. Only link metadata is read (Lstat, ReadLink),
// and never outside the folder. When fsys cannot read links it returns name.
func Resolve(fsys fs.FS, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: "resolve", Path: name, Err: fs.ErrInvalid}
	}
	lfs, ok := fsys.(fs.ReadLinkFS)
	if !ok || name == "." {
		return name, nil
	}
	done := "" // resolved so far, "" for the root
	todo := steps(strings.Split(name, "/"), nil)
	links := 0
	for len(todo) > 0 {
		st := todo[0]
		todo = todo[1:]
		switch st.elem {
		case "", ".":
			continue
		case "..":
			// Only a link's target holds "..": the caller's name is valid.
			if done == "" {
				if st.from == nil {
					return "", &fs.PathError{Op: "resolve", Path: name, Err: fs.ErrInvalid}
				}
				return "", st.from
			}
			done = parent(done)
			continue
		}
		next := st.elem
		if done != "" {
			next = done + "/" + st.elem
		}
		fi, err := lfs.Lstat(next)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", &fs.PathError{Op: "resolve", Path: name, Err: ErrLinkLoop}
		}
		target, err := lfs.ReadLink(next)
		if err != nil {
			return "", err
		}
		link := &OutsideError{Link: next, Target: target}
		slash := filepath.ToSlash(target)
		if path.IsAbs(slash) || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
			return "", link
		}
		todo = append(steps(strings.Split(slash, "/"), link), todo...)
	}
	if done == "" {
		return ".", nil
	}
	return done, nil
}

// step is one element of a name still to walk, with the link whose target
// it comes from (nil: the name itself), to blame if it climbs out.
type step struct {
	elem string
	from *OutsideError
}

func steps(elems []string, from *OutsideError) []step {
	out := make([]step, len(elems))
	for i, e := range elems {
		out[i] = step{e, from}
	}
	return out
}

func parent(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}
