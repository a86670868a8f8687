package lsp

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/source"
)

// needTool returns the path of a command the test drives, skipping the test
// loudly where it is missing, and failing it in CI, where .ci/run installs
// it.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing in CI: .ci/run installs it (Debian package %s)", name, pkg)
	}
	t.Skipf("SKIPPED: %s is not installed (Debian package %s); this test drives a real editor", name, pkg)
	return ""
}

// buildCallflow builds the callflow command into a temporary folder.
func buildCallflow(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "callflow")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/callflow/callflow/cmd/callflow")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Neovim 0.7 (Debian's), headless, is a real client: it starts callflow lsp
// with vim.lsp.start_client, opens a shipped flow, breaks it, and reads back
// the diagnostic, a hover and a definition.
func TestNeovim(t *testing.T) {
	nvim := needTool(t, "nvim", "neovim")
	bin := buildCallflow(t)
	dir := t.TempDir()
	for name, text := range supportFiles(t) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := shipped(t, "support.flow")
	at := func(needle string, delta int) []int {
		p := source.NewFile("", []byte(text)).Point(strings.Index(text, needle)+delta, source.UTF16)
		return []int{p.Line, p.Col}
	}
	out := filepath.Join(dir, "out.jsonl")
	script, _ := filepath.Abs(filepath.Join("testdata", "nvim.lua"))
	args := []string{"--headless", "--clean", "-n", "-i", "NONE",
		"--cmd", "let g:callflow_bin = " + vimString(bin),
		"--cmd", "let g:callflow_flow = " + vimString(filepath.Join(dir, "support.flow")),
		"--cmd", "let g:callflow_out = " + vimString(out),
		"--cmd", "let g:callflow_hover = " + vimList(at("makeCall sales", 10)),
		"--cmd", "let g:callflow_definition = " + vimList(at("goto support_desk", 6)),
		"-c", "luafile " + script,
	}
	cmd := exec.Command(nvim, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_STATE_HOME="+dir)
	done := make(chan error, 1)
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("nvim: %v\n%s", err, output.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("nvim did not finish within a minute\n%s", output.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote no results: %v\n%s", err, output.String())
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct {
			What  string          `json:"what"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		var v any
		json.Unmarshal(r.Value, &v)
		compact, _ := json.Marshal(v) // Vim spaces its JSON
		got[r.What] = string(compact)
	}
	if e, ok := got["error"]; ok {
		t.Fatalf("the editor says: %s", e)
	}
	if got["opened"] != "0" {
		t.Errorf("the shipped flow opened with %s diagnostics, want none", got["opened"])
	}
	for _, w := range []string{`"code":"unknown-handler"`, `"lnum":29`, `"col":20`, `Did you mean \"order\"?`} {
		if !strings.Contains(got["diagnostics"], w) {
			t.Errorf("diagnostics %s lack %s", got["diagnostics"], w)
		}
	}
	if !strings.Contains(got["hover"], "+6587654321") {
		t.Errorf("hover on sales: %s", got["hover"])
	}
	if !strings.Contains(got["definition"], `"line":50`) || !strings.Contains(got["definition"], "support.flow") {
		t.Errorf("definition of support_desk: %s", got["definition"])
	}
}

// vimString quotes s for a :let.
func vimString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func vimList(xs []int) string {
	b, _ := json.Marshal(xs)
	return string(b)
}
