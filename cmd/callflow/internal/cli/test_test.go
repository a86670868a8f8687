package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime/flowtest"
)

func TestWithTestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.flow", "a_test.flow", "b.flow", "c.flow", "c_test.flow"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("flow x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	got := withTestFiles([]string{p("a.flow"), p("b.flow"), p("c.flow"), p("c_test.flow")})
	want := []string{p("a.flow"), p("a_test.flow"), p("b.flow"), p("c.flow"), p("c_test.flow")}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("withTestFiles = %q, want %q", got, want)
	}
}

func TestPrintCoverage(t *testing.T) {
	cov := []flowtest.FlowCoverage{{
		Flow: "menu", File: "menu.flow",
		Rules:    flowtest.Count{Hit: 1, Total: 2},
		Handlers: flowtest.Count{Hit: 1, Total: 2},
		Steps:    flowtest.Count{Hit: 3, Total: 4},
		Missed: []flowtest.Item{
			{Kind: "handler", Name: "closed", At: source.Span{File: "menu.flow", Start: source.Pos{Line: 9, Col: 9}}},
		},
	}}
	var b bytes.Buffer
	printCoverage(&b, cov, func(s string) string { return "flows/" + s })
	want := `coverage  rules      handlers   steps
menu      1/2 (50%)  1/2 (50%)  3/4 (75%)
not exercised:
  flows/menu.flow:9:9: handler closed
`
	if b.String() != want {
		t.Errorf("printCoverage:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTestInProcess(t *testing.T) {
	dir := t.TempDir()
	flow := "flow hello\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\notherwise -> main\nhandler main {\n  say \"Hello.\"\n  hangup\n}\n"
	tests := "flow hello\n\ntest \"greets\" {\n  call 8x8 from \"+6591234567\" to \"+6512345678\"\n  expect say \"Hi.\"\n}\n"
	os.WriteFile(filepath.Join(dir, "hello.flow"), []byte(flow), 0o644)
	os.WriteFile(filepath.Join(dir, "hello_test.flow"), []byte(tests), 0o644)
	t.Chdir(dir)

	var out, errOut bytes.Buffer
	code := Run([]string{"test", "hello.flow"}, &out, &errOut)
	if code != exitProblems {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitProblems, errOut.String())
	}
	want := "FAIL hello_test.flow:5:3: \"greets\": expected say \"Hi.\", got [say \"Hello.\", hangup]\n"
	if out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
	}
	if got, want := errOut.String(), "0 passed, 1 failed\n"; got != want {
		t.Errorf("stderr: %q, want the summary %q", got, want)
	}
}
