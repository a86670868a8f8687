package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphShippedFlows draws the shipped flows through the command line and
// compares with the drawings lang/graph keeps as golden files.
func TestGraphShippedFlows(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..")
	for _, name := range []string{"callme", "exam_results", "reception", "support"} {
		for _, f := range []struct{ flag, ext string }{{"mermaid", ".mmd"}, {"dot", ".dot"}} {
			want, err := os.ReadFile(filepath.Join(root, "lang", "graph", "testdata", name+f.ext))
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := Run([]string{"graph", "--format", f.flag, filepath.Join(root, "flows", name+".flow")}, &out, &errOut)
			if code != 0 || errOut.Len() > 0 {
				t.Fatalf("graph %s --format %s = %d, stderr:\n%s", name, f.flag, code, errOut.String())
			}
			if out.String() != string(want) {
				t.Errorf("graph %s --format %s differs from lang/graph/testdata/%s%s:\n%s", name, f.flag, name, f.ext, out.String())
			}
		}
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestGraphExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.flow", "flow good\ntarget tencent\notherwise -> h\nhandler h {\n  agent 1\n}\n")
	bad := write("bad.flow", "flow bad\ntarget tencent\notherwise -> h\nhandler h {\n  say \"hi\"\n}\n")

	tests := []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{[]string{"graph", good}, 0, "flowchart TD\n", ""},
		{[]string{"graph", "--format", "dot", good}, 0, `digraph "good" {`, ""},
		{[]string{"graph", "--format", "DOT", good}, 2, "", `--format must be one of "mermaid","dot"`},
		// A file outside the working directory is named by its absolute path.
		{[]string{"graph", bad}, 1, "", filepath.ToSlash(bad) + ":5:3: error["},
		{[]string{"graph", filepath.Join(dir, "none.flow")}, 2, "", "none.flow: no such file or directory"},
		{[]string{"graph", "-h"}, 0, "Usage: callflow graph <file>", ""},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := Run(tt.args, &out, &errOut)
		if code != tt.code {
			t.Errorf("Run(%q) = %d, want %d; stderr:\n%s", tt.args, code, tt.code, errOut.String())
		}
		if !strings.Contains(out.String(), tt.out) {
			t.Errorf("Run(%q) stdout = %q, want it to contain %q", tt.args, out.String(), tt.out)
		}
		if !strings.Contains(errOut.String(), tt.errOut) {
			t.Errorf("Run(%q) stderr = %q, want it to contain %q", tt.args, errOut.String(), tt.errOut)
		}
		if tt.code == 1 && out.Len() > 0 {
			t.Errorf("Run(%q) drew a flow that does not check:\n%s", tt.args, out.String())
		}
	}

	// A diagram that cannot be written is an I/O failure.
	var errOut bytes.Buffer
	if code := Run([]string{"graph", good}, brokenWriter{}, &errOut); code != 2 || !strings.Contains(errOut.String(), "disk full") {
		t.Errorf("graph to a broken stdout = %d, stderr %q; want 2 and the error", code, errOut.String())
	}
}
