package format_test

import (
	"os"
	"slices"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/format"
)

// TestSuppressionsSurviveFormatting: formatting never changes what the
// suppression comments of testdata/suppress.input silence, nor what is
// reported. Without keeping a split one-line block's suppression on its
// first line, the handler's warning would come back after fmt.
func TestSuppressionsSurviveFormatting(t *testing.T) {
	src, err := os.ReadFile("testdata/suppress.input")
	if err != nil {
		t.Fatal(err)
	}
	out, err := format.Source("suppress.flow", src)
	if err != nil {
		t.Fatal(err)
	}
	before, after := outcome(t, src), outcome(t, out)
	if !slices.Equal(before, after) {
		t.Errorf("formatting changed the diagnostics:\nbefore %q\nafter  %q\n%s", before, after, out)
	}
	suppressed := 0
	for _, s := range before {
		if s[0] == '-' {
			suppressed++
		}
	}
	if suppressed < 5 {
		t.Errorf("only %d suppressed warnings in suppress.input; it should exercise every placement: %q", suppressed, before)
	}
}

// outcome lists each diagnostic as its code, "-" in front when suppressed.
func outcome(t *testing.T, src []byte) []string {
	t.Helper()
	_, ds := lang.CompileFile("suppress.flow", src, lang.WithSuppressed(true))
	var out []string
	for _, d := range ds {
		s := string(d.Code)
		if d.Suppressed != nil {
			s = "-" + s
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
