package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRDJSONLFields checks the first diagnostic of the fixture field by
// field: its columns are UTF-8 bytes (the line holds a tab and Vietnamese
// text before the name, so code points would be smaller), its code links to
// its entry in docs/language.md, and its did-you-mean replaces the name.
func TestRDJSONLFields(t *testing.T) {
	ds, fs := fixture(t)
	var buf bytes.Buffer
	if err := WriteRDJSONL(&buf, ds, fs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(ds) {
		t.Fatalf("%d lines for %d diagnostics:\n%s", len(lines), len(ds), buf.String())
	}
	var first rdDiagnostic
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	// `\tsay "Xin chào quý khách"\tgoto suport`: "suport" starts at code
	// point 32 and at byte 37 (à, ý and á are two bytes each, … ).
	line := "\tsay \"Xin chào quý khách\"\tgoto "
	wantCol := len(line) + 1
	if wantCol == 32 {
		t.Fatal("the fixture line must hold multi-byte text")
	}
	want := rdRange{Start: rdPosition{4, wantCol}, End: rdPosition{4, wantCol + len("suport")}}
	if first.Location.Path != "flows/support.flow" || first.Location.Range == nil || *first.Location.Range != want {
		t.Errorf("location = %+v %+v, want flows/support.flow %+v", first.Location, first.Location.Range, want)
	}
	if first.Severity != "ERROR" || first.Code.Value != "unknown-handler" ||
		first.Code.URL != LanguageDocURI+"#unknown-handler--error" {
		t.Errorf("severity %q, code %+v", first.Severity, first.Code)
	}
	if len(first.Suggestions) != 1 || first.Suggestions[0].Text != "support" || first.Suggestions[0].Range != want {
		t.Errorf("suggestions = %+v, want support over %+v", first.Suggestions, want)
	}
	if first.Message != `No handler named "suport". Declare the handler or fix the name. Did you mean "support"?` {
		t.Errorf("message = %q", first.Message)
	}
}

func TestRDJSONLEdges(t *testing.T) {
	ds, fs := fixture(t)
	var buf bytes.Buffer
	if err := WriteRDJSONL(&buf, ds, fs); err != nil {
		t.Fatal(err)
	}
	var got []rdDiagnostic
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		var d rdDiagnostic
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatal(err)
		}
		got = append(got, d)
	}
	// A did-you-mean that is not one name over one name is no suggestion:
	// 支持 → 开始 is (Chinese names), the unreachable steps are not.
	if len(got[2].Suggestions) != 1 || got[2].Suggestions[0].Text != "开始" {
		t.Errorf("Chinese name: suggestions = %+v", got[2].Suggestions)
	}
	if len(got[1].Suggestions) != 0 {
		t.Errorf("no did-you-mean, yet suggestions = %+v", got[1].Suggestions)
	}
	if rel := got[3].RelatedLocations; len(rel) != 1 || rel[0].Message != "first declared here" ||
		rel[0].Location.Path != "flows/hotline.flow" || rel[0].Location.Range.Start != (rdPosition{2, 9}) {
		t.Errorf("related = %+v", rel)
	}
	// A file the writer has no source for keeps its columns.
	if r := got[5].Location.Range; r == nil || r.Start != (rdPosition{3, 5}) || r.End != (rdPosition{3, 11}) {
		t.Errorf("unknown file: range = %+v", r)
	}
	// A diagnostic without a line has a path and no range.
	if got[6].Location.Range != nil || got[6].Location.Path != "flows/hotline.flow" {
		t.Errorf("no line: location = %+v", got[6].Location)
	}
}

// TestRDJSONLReviewdog feeds the output to reviewdog itself, with a diff
// that changes one line of each fixture file: reviewdog must parse every
// line and keep exactly the diagnostics on the changed lines, which it only
// does when path and line are where it reads them. It runs when reviewdog
// is installed (.ci/run installs it; CI fails without it).
func TestRDJSONLReviewdog(t *testing.T) {
	bin, err := exec.LookPath("reviewdog")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("reviewdog is not installed, and CI must run this test (go install github.com/reviewdog/reviewdog/cmd/reviewdog@v0.20.3)")
		}
		t.Skip("reviewdog is not installed: go install github.com/reviewdog/reviewdog/cmd/reviewdog@v0.20.3")
	}
	ds, fs := fixture(t)
	dir := t.TempDir()
	var in bytes.Buffer
	if err := WriteRDJSONL(&in, ds, fs); err != nil {
		t.Fatal(err)
	}
	// support.flow line 4 holds the unknown handler; hotline.flow line 5
	// the duplicate.
	diff := fileDiff(fs["flows/support.flow"].Src, "flows/support.flow", 4) +
		fileDiff(fs["flows/hotline.flow"].Src, "flows/hotline.flow", 5)
	diffFile := filepath.Join(dir, "change.diff")
	if err := os.WriteFile(diffFile, []byte(diff), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-f=rdjsonl", "-reporter=local", "-diff=cat "+diffFile)
	cmd.Dir = dir
	cmd.Stdin = &in
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("reviewdog: %v\n%s", err, stderr.String())
	}
	var kept []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if l == "" {
			continue
		}
		var d rdDiagnostic
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("reviewdog printed %q: %v", l, err)
		}
		kept = append(kept, fmt.Sprintf("%s:%d %s", d.Location.Path, d.Location.Range.Start.Line, d.Code.Value))
	}
	want := []string{"flows/support.flow:4 unknown-handler", "flows/hotline.flow:5 duplicate-name"}
	if strings.Join(kept, "\n") != strings.Join(want, "\n") {
		t.Errorf("reviewdog kept\n%s\nwant\n%s\nstderr: %s", strings.Join(kept, "\n"), strings.Join(want, "\n"), stderr.String())
	}
}

// fileDiff is a unified diff that rewrites line n of src (adding a trailing
// space), as git prints it.
func fileDiff(src []byte, name string, n int) string {
	lines := strings.SplitAfter(string(src), "\n")
	old := lines[n-1]
	return fmt.Sprintf("diff --git a/%[1]s b/%[1]s\n--- a/%[1]s\n+++ b/%[1]s\n@@ -%[2]d,1 +%[2]d,1 @@\n-%[3]s+%[4]s",
		name, n, old, strings.TrimSuffix(old, "\n")+" \n")
}
