package lang_test

import (
	"io/fs"
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
)

// WithoutProgram reports exactly what a compile reports, checks across
// flows (a number claimed twice, a flow name declared twice) and tests
// without their flow included, and keeps no program.
func TestCompileWithoutProgram(t *testing.T) {
	folders := map[string]fstest.MapFS{
		"shipped": mapFS(t, os.DirFS("../flows")),
		"across flows": {
			"a.flow":           {Data: []byte("flow a\ntarget 8x8\nnumber \"+6511111111\"\notherwise -> h\nhandler h { hangup }\n")},
			"b.flow":           {Data: []byte("flow b\ntarget 8x8\nnumber \"+6511111111\"\notherwise -> h\nhandler h { hangup }\n")},
			"c.flow":           {Data: []byte("flow a\ntarget 8x8\notherwise -> h\nhandler h { hangup }\n")},
			"orphan_test.flow": {Data: []byte("flow orphan\ntest \"t\" {\n  call 8x8\n}\n")},
			"warn.flow":        {Data: []byte("flow warn\ntarget 8x8\notherwise -> h\nhandler h { hangup }\nhandler lonely { hangup }\n")},
		},
	}
	for name, fsys := range folders {
		t.Run(name, func(t *testing.T) {
			paths, err := lang.FlowFiles(fsys, ".")
			if err != nil {
				t.Fatal(err)
			}
			_, want := lang.CompileFiles(fsys, paths, lang.WithPlaceholderSecrets())
			prog, got := lang.CompileFiles(fsys, paths, lang.WithPlaceholderSecrets(), lang.WithoutProgram())
			if prog != nil {
				t.Errorf("WithoutProgram gave a program of %d flows", len(prog.Flows))
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("diagnostics differ (-compile +WithoutProgram):\n%s", diff)
			}
			if name == "shipped" {
				return
			}
			for _, code := range []diag.Code{diag.DuplicateNumber, diag.DuplicateName, diag.BadTestFile, diag.UnreachableHandler} {
				if !slices.ContainsFunc(got, func(d *diag.Diagnostic) bool { return d.Code == code }) {
					t.Errorf("no %s among:\n%v", code, got)
				}
			}
		})
	}
}

// mapFS reads the .flow and table files of fsys into memory.
func mapFS(t *testing.T, fsys fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		out[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
