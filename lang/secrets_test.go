package lang_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/graph"
	"github.com/callflow/callflow/lang/source"
)

const secretFlow = `flow crm
target tencent
number "+8675500000009"
lookup customer = get "https://crm.example.com/c/${caller}" {
  header "Authorization" "Bearer ${secret("LANG_TEST_TOKEN")}"
  header "X-Region" env("LANG_TEST_REGION", "sg")
  else   {vip: false}
}
when customer.vip -> vip
otherwise -> vip
handler vip {
  post "https://crm.example.com/seen" {
    header "Authorization" "Bearer ${secret("LANG_TEST_TOKEN")}"
  }
  agent 1
}
`

// EnvSecrets reads NAME, else the file NAME_FILE names, without its final
// newline; env() reads its setting the same way, or its default.
func TestEnvSecrets(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	os.WriteFile(path, []byte("from-the-file\n"), 0o600)
	t.Setenv("LANG_TEST_TOKEN_FILE", path)
	if v, ok, err := lang.EnvSecrets("LANG_TEST_TOKEN"); v != "from-the-file" || !ok || err != nil {
		t.Errorf("from the file: %q %v %v", v, ok, err)
	}
	t.Setenv("LANG_TEST_TOKEN", "from-the-env")
	if v, ok, _ := lang.EnvSecrets("LANG_TEST_TOKEN"); v != "from-the-env" || !ok {
		t.Errorf("from the environment: %q %v", v, ok)
	}
	if _, ok, err := lang.EnvSecrets("LANG_TEST_NOTHING"); ok || err != nil {
		t.Errorf("unset: ok %v, err %v", ok, err)
	}
	t.Setenv("LANG_TEST_GONE_FILE", filepath.Join(dir, "gone"))
	if _, _, err := lang.EnvSecrets("LANG_TEST_GONE"); err == nil || !strings.Contains(err.Error(), "LANG_TEST_GONE_FILE") {
		t.Errorf("a file that is not there: %v", err)
	}
}

// A secret missing when the flow loads is missing-secret at each
// secret() call; check (placeholders) needs none.
func TestMissingSecretAtItsCall(t *testing.T) {
	_, ds := lang.CompileFile("crm.flow", []byte(secretFlow), lang.WithSecrets(func(string) (string, bool, error) { return "", false, nil }))
	var at []string
	for _, d := range ds {
		if d.Code != diag.MissingSecret {
			t.Errorf("unexpected %v", d)
			continue
		}
		at = append(at, fmt.Sprintf("%d:%d-%d", d.Subject.Start.Line, d.Subject.Start.Col, d.Subject.End.Col))
	}
	if strings.Join(at, " ") != "5:36-61 13:38-63" {
		t.Errorf("missing-secret at %v, want 5:36-61 13:38-63", at)
	}
	if prog, ds := lang.CompileFile("crm.flow", []byte(secretFlow), lang.WithPlaceholderSecrets()); prog == nil {
		t.Errorf("with placeholders: %v", ds)
	}
}

// A secret's value is in no diagnostic and no graph.
func TestSecretNotInDiagnosticsOrGraphs(t *testing.T) {
	const value = "v4lue-of-the-secret"
	read := func(name string) (string, bool, error) { return value, true, nil }
	broken := strings.Replace(secretFlow, "agent 1", "agent \"one\"", 1)
	files := source.Files{}
	_, ds := lang.CompileFile("crm.flow", []byte(broken), lang.WithSecrets(read), lang.WithSources(files))
	if !ds.HasErrors() {
		t.Fatal("the broken flow compiled")
	}
	var out bytes.Buffer
	diag.WriteText(&out, ds, files)
	prog, _ := lang.CompileFile("crm.flow", []byte(secretFlow), lang.WithSecrets(read))
	if prog == nil {
		t.Fatal("the flow does not compile")
	}
	g := graph.Build(prog.Flows[0].Syntax()[0])
	graph.Mermaid(&out, g)
	graph.DOT(&out, g)
	fmt.Fprintf(&out, "%v %+v %#v", prog.Flows[0].Loaded, prog.Flows[0].Loaded, prog.Flows[0].Loaded)
	if strings.Contains(out.String(), value) {
		t.Errorf("the value shows:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "post") {
		t.Errorf("no post in the graph:\n%s", out.String())
	}
}
