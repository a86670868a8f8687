// Package flows_test proves the shipped example flows are fit to copy: every
// one compiles without a single diagnostic.
package flows_test

import (
	"os"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
)

// TestShippedFlowsCheckClean compiles the flows as `callflow check` does:
// secrets by name only.
func TestShippedFlowsCheckClean(t *testing.T) {
	prog, diags := lang.CompileDir(os.DirFS("."), lang.WithPlaceholderSecrets())
	for _, d := range diags {
		t.Errorf("%s: %s", d.Error(), d.Hint())
	}
	if prog == nil {
		t.Fatal("no program")
	}
	want := []string{"appointments", "callme", "dispatch", "exam_results", "reception", "repairs", "support", "voicemail"}
	if len(prog.Flows) != len(want) {
		t.Fatalf("compiled %d flows, want %v", len(prog.Flows), want)
	}
	for i, f := range prog.Flows {
		if f.Name != want[i] {
			t.Errorf("flow %d is %q, want %q", i, f.Name, want[i])
		}
	}
	if got := len(prog.Flow("support").Syntax()); got != 2 {
		t.Errorf("support has %d files, want the flow and support_test.flow", got)
	}
}

// demoSecrets is the environment `make run` gives the server: the one
// secret the shipped flows read, CLINIC_CRM_TOKEN, and nothing else.
func demoSecrets(name string) (string, bool, error) {
	if name == "CLINIC_CRM_TOKEN" {
		return "demo-token", true, nil
	}
	return "", false, nil
}

// TestShippedFlowsLoadWithTheDemoSecret proves `make run` serves every
// shipped flow from a fresh clone: with the one secret it sets, they all
// load; without it, appointments alone fails, at its secret() calls.
func TestShippedFlowsLoadWithTheDemoSecret(t *testing.T) {
	if _, diags := lang.CompileDir(os.DirFS("."), lang.WithSecrets(demoSecrets)); len(diags) > 0 {
		t.Errorf("with CLINIC_CRM_TOKEN set, the shipped flows load with diagnostics:\n%v", diags)
	}
	none := func(string) (string, bool, error) { return "", false, nil }
	_, diags := lang.CompileDir(os.DirFS("."), lang.WithSecrets(none))
	if len(diags) == 0 {
		t.Fatal("without CLINIC_CRM_TOKEN the shipped flows load: make run need not set it, or the secret is not read")
	}
	for _, d := range diags {
		if d.Code != diag.MissingSecret || !strings.HasPrefix(d.Error(), "appointments.flow:") || !strings.Contains(d.Error(), `"CLINIC_CRM_TOKEN"`) {
			t.Errorf("want only missing-secret CLINIC_CRM_TOKEN in appointments.flow, got %s", d.Error())
		}
	}
}
