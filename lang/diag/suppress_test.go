package diag

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/source"
)

// suppressedFixture is the golden fixture plus two suppressed warnings: one
// by a comment in the source, one by --disable.
func suppressedFixture(t *testing.T) (all, reported Diagnostics, files source.Files) {
	ds, fs := fixture(t)
	sup := fs["flows/support.flow"]
	inSource := Warningf(UnreachableStep, spanOf(t, sup, "hangup", 0), "steps after hangup never run").
		Do("Remove them, or move them before hangup.")
	inSource.Suppressed = &Suppression{Kind: InSource, Justification: "kept for the audit trail",
		At: spanOf(t, sup, "# Hỗ trợ khách hàng — xin chào", 0)}
	external := Warningf(NotE164, spanOf(t, sup, "suport", 0), "number %q is not E.164", "suport").
		Do("Write numbers as + and the country code.")
	external.Suppressed = &Suppression{Kind: External, Justification: "--disable not-e164"}
	all = append(Diagnostics{inSource}, ds...)
	all = append(all, external)
	return all, ds, fs
}

// TestSuppressedGolden: SARIF lists suppressed results with their
// suppression (and the schema accepts it); every other format writes
// exactly what it writes without them.
func TestSuppressedGolden(t *testing.T) {
	all, reported, files := suppressedFixture(t)
	for _, f := range []Format{FormatText, FormatJSON, FormatGitHub} {
		var got, want bytes.Buffer
		if err := Write(&got, f, all, files); err != nil {
			t.Fatal(err)
		}
		if err := Write(&want, f, reported, files); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: suppressed diagnostics were written:\n%s", f, got.String())
		}
		got.Reset()
		if err := writerOf(f)(&got, all, files); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s writer called directly wrote suppressed diagnostics:\n%s", f, got.String())
		}
	}
	log, raw := readSARIF(t, all, files, WithTool("callflow", "v1.4.0"))
	golden(t, "sarif_suppressed.golden", raw)
	res := log.Runs[0].Results
	if len(res) != len(all) {
		t.Fatalf("SARIF has %d results, want all %d", len(res), len(all))
	}
	first, last := res[0], res[len(res)-1]
	if len(first.Suppressions) != 1 || first.Suppressions[0].Kind != "inSource" ||
		first.Suppressions[0].Justification != "kept for the audit trail" || first.Suppressions[0].Location == nil ||
		first.Suppressions[0].Location.PhysicalLocation.Region.StartLine != 2 {
		t.Errorf("in-source suppression = %+v", first.Suppressions)
	}
	if len(last.Suppressions) != 1 || last.Suppressions[0].Kind != "external" || last.Suppressions[0].Location != nil {
		t.Errorf("external suppression = %+v", last.Suppressions)
	}
	for _, r := range res[1 : len(res)-1] {
		if len(r.Suppressions) != 0 {
			t.Errorf("%s: reported result carries suppressions %+v", r.RuleID, r.Suppressions)
		}
	}
}

func writerOf(f Format) func(io.Writer, Diagnostics, source.Files, ...WriteOption) error {
	return map[Format]func(io.Writer, Diagnostics, source.Files, ...WriteOption) error{
		FormatText: WriteText, FormatJSON: WriteJSON, FormatGitHub: WriteGitHub,
	}[f]
}

// TestSuppressedNotCounted: suppressed diagnostics do not count towards
// the summary, the strict exit, or the error limit.
func TestSuppressedNotCounted(t *testing.T) {
	all, reported, _ := suppressedFixture(t)
	e1, w1 := all.Count()
	e2, w2 := reported.Count()
	if e1 != e2 || w1 != w2 {
		t.Errorf("Count with suppressed = %d, %d; want %d, %d", e1, w1, e2, w2)
	}
	if got := len(all.Reported()); got != len(reported) {
		t.Errorf("Reported kept %d, want %d", got, len(reported))
	}
	sup := Diagnostics{all[0]}
	if sup.HasErrors() || sup.Err() != nil {
		t.Error("a suppressed warning alone counts as an error")
	}
}

// TestParseDisabled: --disable takes warning codes, repeated or separated
// by commas; an unknown code gets a did-you-mean and an error's code is
// refused.
func TestParseDisabled(t *testing.T) {
	got, err := ParseDisabled([]string{"not-e164", " no-hangup , unused-suppression", ""})
	if err != nil || len(got) != 3 || got[0] != NotE164 || got[1] != NoHangup || got[2] != UnusedSuppression {
		t.Errorf("ParseDisabled = %v, %v", got, err)
	}
	for in, want := range map[string]string{
		"not-e146":        `did you mean "not-e164"?`,
		"unknown-handler": "unknown-handler is an error, and errors cannot be disabled",
		"syntax":          "errors cannot be disabled",
	} {
		if _, err := ParseDisabled([]string{"no-hangup," + in}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDisabled(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}
