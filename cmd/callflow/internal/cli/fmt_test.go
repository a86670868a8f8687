package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// -w replaces the file atomically and keeps its mode; no temporary file is
// left behind.
func TestFmtWriteKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.flow")
	if err := os.WriteFile(path, []byte("flow a;target 8x8\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"fmt", "-w", path}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "flow a\n\ntarget 8x8\n"; string(got) != want {
		t.Errorf("file is %q, want %q", got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640, the mode it had", fi.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only a.flow", len(entries))
	}
}

// A file that does not parse is never written.
func TestFmtWriteLeavesBrokenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.flow")
	src := []byte("flow bad\notherwise => main\n")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"fmt", "-w", path}, &out, &errOut); code != exitUsage { // 2, as gofmt
		t.Fatalf("exit %d, want 2; stderr %s", code, errOut.String())
	}
	if !bytes.Contains(errOut.Bytes(), []byte("error[syntax]")) {
		t.Errorf("stderr %q has no syntax diagnostic", errOut.String())
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, src) {
		t.Errorf("the file changed to %q", got)
	}
}
