//go:build unix

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The first load prints a flow whose file cannot be read as in error, with
// why, and what was left out of the folder, without walking a link to /.
func TestServePrintsUnreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.flow"), []byte(fmt.Sprintf(serveFlow, "http://127.0.0.1:1")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "gone.flow"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/", filepath.Join(dir, "root")); err != nil {
		t.Fatal(err)
	}
	_, stdout, _, cancel, done := startServe(t, &serveHooks{}, "--addr", "127.0.0.1:0", "--dir", dir, "--log-format", "json")
	cancel()
	<-done
	out := stdout.String()
	for _, want := range []string{"loaded 1 flow; 1 with errors", "gone.flow", "error, not serving",
		"error[unreadable]: gone.flow is a folder, not a flow file", "left out: root is a symbolic link to /, outside the folder"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}
