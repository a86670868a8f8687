package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// Run is called in-process by tests and tools, so --help and usage errors
// must return a code instead of ending the process.
func TestRunInProcess(t *testing.T) {
	tests := []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{[]string{"--help"}, 0, "Usage: callflow <command>", ""},
		{[]string{"check", "-h"}, 0, "Usage: callflow check <path> ...", ""},
		{[]string{"version"}, 0, "callflow ", ""},
		{nil, 0, "Usage: callflow <command>", ""},
		{[]string{"check"}, 2, "", "Run 'callflow check --help' for usage."},
		{[]string{"check", "--format", "xml", "."}, 2, "", `unknown output format "xml"`},
		{[]string{"check", "no/such/dir"}, 2, "", "callflow check: no/such/dir: no such file or directory"},
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
	}
}

func TestFlowFS(t *testing.T) {
	root := filepath.VolumeName(t.TempDir()) + string(filepath.Separator)
	cwd := filepath.Join(root, "work", "proj")
	inside := []string{filepath.Join(cwd, "flows", "a.flow"), filepath.Join(cwd, "b.flow")}

	_, names, display, err := flowFS(cwd, inside)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(names, " "), "flows/a.flow b.flow"; got != want || display != nil {
		t.Errorf("inside: names %q, display set %v; want %q and none", got, display != nil, want)
	}

	// One path outside: everything is read from the root, and names map back
	// to relative (inside) or absolute (outside) paths for printing.
	mixed := append(inside, filepath.Join(root, "work", "other", "c.flow"))
	_, names, display, err = flowFS(cwd, mixed)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(names, " "), "work/proj/flows/a.flow work/proj/b.flow work/other/c.flow"; got != want {
		t.Errorf("mixed: names %q, want %q", got, want)
	}
	for name, want := range map[string]string{
		"work/proj/flows/a.flow": "flows/a.flow",
		"work/other/c.flow":      filepath.ToSlash(filepath.Join(root, "work", "other", "c.flow")),
		"work/other/c_test.flow": filepath.ToSlash(filepath.Join(root, "work", "other", "c_test.flow")),
		"work/projector/d.flow":  filepath.ToSlash(filepath.Join(root, "work", "projector", "d.flow")),
		"":                       "",
	} {
		if got := display(name); got != want {
			t.Errorf("display(%q) = %q, want %q", name, got, want)
		}
	}
}
