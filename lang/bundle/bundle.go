// Package bundle is a flow version as data: the files its version hash
// covers (the flow's source, its test files and the table files it reads),
// by path, so that a replica that never loaded a version can compile it
// from a store shared with the replica that did.
//
// A bundle is content-addressed: its key is the version hash the compiler
// gives the flow ([Bundle.Version], which lang uses to name every version
// it compiles), so two bundles stored under one version can never differ.
// A bundle read back from a store is trusted only after [Open] has
// recomputed that hash; a mismatch is an error, and the content is never
// used. lang.CompileBundle turns a bundle back into the flow of its
// version.
//
// The package imports nothing else of callflow: lang (which names
// versions with it) and the runtime (which stores bundles) both import it.
package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
)

// Bundle is the source of one flow version. Paths are slash-separated and
// relative to the flows folder, as the compiler saw them.
type Bundle struct {
	// Flow is the path of the .flow file.
	Flow string `json:"flow"`
	// Tests are the paths of its test files, in the order the version
	// hashes them (the compiler's).
	Tests []string `json:"tests,omitempty"`
	// Files holds every file by path: the flow, its tests and the table
	// files it reads. Contents are bytes, not text: a table need not be
	// UTF-8, and JSON would silently replace what is not.
	Files map[string][]byte `json:"files"`
}

// VersionLen is the length of a version hash: 12 hexadecimal digits.
const VersionLen = 12

// Version is the flow version the bundle holds: a SHA-256 of the flow's
// path and source, then each test file's, then each table file's in path
// order, as the first 12 hexadecimal digits. The compiler names versions
// with this function, so a bundle's version is the one calls are pinned to.
func (b *Bundle) Version() string {
	h := sha256.New()
	for _, p := range append([]string{b.Flow}, b.Tests...) {
		h.Write([]byte(p))
		h.Write(b.Files[p])
	}
	for _, p := range b.Tables() {
		h.Write([]byte(p))
		h.Write(b.Files[p])
	}
	return hex.EncodeToString(h.Sum(nil))[:VersionLen]
}

// Tables are the paths of the table files: the files that are neither the
// flow nor one of its tests, sorted.
func (b *Bundle) Tables() []string {
	var out []string
	for _, p := range slices.Sorted(maps.Keys(b.Files)) {
		if p != b.Flow && !slices.Contains(b.Tests, p) {
			out = append(out, p)
		}
	}
	return out
}

// Check reports the first thing that makes b unusable: a flow or test
// file it does not hold, a path that is not a clean relative path (it
// could name something outside the folder when compiled).
func (b *Bundle) Check() error {
	if b.Flow == "" {
		return errors.New("bundle: no flow file")
	}
	for _, p := range append([]string{b.Flow}, b.Tests...) {
		if _, ok := b.Files[p]; !ok {
			return fmt.Errorf("bundle: %q is listed but not held", p)
		}
	}
	if !strings.HasSuffix(b.Flow, ".flow") {
		return fmt.Errorf("bundle: flow file %q is not a .flow file", b.Flow)
	}
	for p := range b.Files {
		if !fs.ValidPath(p) || p == "." {
			return fmt.Errorf("bundle: %q is not a clean path inside the flows folder", p)
		}
	}
	return nil
}

// Marshal encodes b for a store.
func (b *Bundle) Marshal() ([]byte, error) {
	if err := b.Check(); err != nil {
		return nil, err
	}
	return json.Marshal(b)
}

// MismatchError is a bundle whose content does not hash to the version it
// was stored under: corrupted, or written by something else. It must not
// be used.
type MismatchError struct {
	Want, Got string // the version asked for; the content's
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("bundle: stored as version %s but its content is version %s; it is not used", e.Want, e.Got)
}

// Open decodes data read from a store under version and verifies it: the
// bundle is returned only when its content hashes to version. Anything
// else (undecodable data, a bundle missing a file, a *MismatchError) is an
// error, and nothing of data may be used.
func Open(version string, data []byte) (*Bundle, error) {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("bundle %s: cannot decode it: %w", version, err)
	}
	if err := b.Check(); err != nil {
		return nil, fmt.Errorf("bundle %s: %w", version, err)
	}
	if got := b.Version(); got != version {
		return nil, &MismatchError{Want: version, Got: got}
	}
	return &b, nil
}
