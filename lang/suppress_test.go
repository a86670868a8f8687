package lang_test

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
)

const suppressSrc = `flow s
target 8x8
voice "en-US-ZiraRUS"
# callflow:ignore not-e164 the carrier rewrites national numbers
number "6512345678"
otherwise -> main
handler main {
  hangup
}
handler orphan {
  hangup
}
`

// TestSuppressedMarked: a suppression comment and WithDisabled mark what
// they silence, which only WithSuppressed keeps in the list, and suppressed
// warnings never count, even under WithStrict.
func TestSuppressedMarked(t *testing.T) {
	prog, ds := lang.CompileFile("s.flow", []byte(suppressSrc), lang.WithStrict(true))
	if prog != nil || len(ds) != 1 || ds[0].Code != diag.UnreachableHandler {
		t.Fatalf("without --disable: program %v, diagnostics:\n%s", prog != nil, ds)
	}

	prog, ds = lang.CompileFile("s.flow", []byte(suppressSrc), lang.WithStrict(true),
		lang.WithDisabled(diag.UnreachableHandler))
	if prog == nil || len(ds) != 0 {
		t.Fatalf("every warning suppressed: program %v, diagnostics:\n%s", prog != nil, ds)
	}

	_, ds = lang.CompileFile("s.flow", []byte(suppressSrc), lang.WithDisabled(diag.UnreachableHandler), lang.WithSuppressed(true))
	if len(ds) != 2 {
		t.Fatalf("kept %d diagnostics, want the 2 suppressed:\n%s", len(ds), ds)
	}
	in, ext := ds[0], ds[1]
	if in.Code != diag.NotE164 || in.Suppressed == nil || in.Suppressed.Kind != diag.InSource ||
		in.Suppressed.Justification != "the carrier rewrites national numbers" || in.Suppressed.At.Start.Line != 4 {
		t.Errorf("in-source: %s %+v", in, in.Suppressed)
	}
	if ext.Code != diag.UnreachableHandler || ext.Suppressed == nil || ext.Suppressed.Kind != diag.External {
		t.Errorf("external: %s %+v", ext, ext.Suppressed)
	}
	if e, w := ds.Count(); e != 0 || w != 0 {
		t.Errorf("suppressed diagnostics counted: %d errors, %d warnings", e, w)
	}
}

// TestErrorsNotSuppressible: neither a comment nor WithDisabled lets a flow
// with an error compile.
func TestErrorsNotSuppressible(t *testing.T) {
	src := "flow s\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\notherwise -> main\nhandler main {\n  # callflow:ignore unknown-handler it is declared elsewhere\n  goto nowhere\n}\n"
	prog, ds := lang.CompileFile("s.flow", []byte(src), lang.WithDisabled(diag.UnknownHandler), lang.WithSuppressed(true))
	if prog != nil || !ds.HasErrors() {
		t.Fatalf("a suppressed error compiled:\n%s", ds)
	}
	var codes []diag.Code
	for _, d := range ds {
		if d.Suppressed != nil {
			t.Errorf("%s was suppressed", d)
		}
		codes = append(codes, d.Code)
	}
	if len(codes) != 2 || codes[0] != diag.BadSuppression || codes[1] != diag.UnknownHandler {
		t.Errorf("codes %v, want bad-suppression then unknown-handler", codes)
	}
}

// TestSuppressionCRLF: a file saved with Windows line ends suppresses the
// same as one with \n, and its reason carries no \r.
func TestSuppressionCRLF(t *testing.T) {
	src := strings.ReplaceAll(suppressSrc, "\n", "\r\n")
	_, ds := lang.CompileFile("s.flow", []byte(src), lang.WithDisabled(diag.UnreachableHandler), lang.WithSuppressed(true))
	if len(ds) != 2 || ds[0].Suppressed == nil || ds[0].Suppressed.Justification != "the carrier rewrites national numbers" {
		t.Fatalf("CRLF source:\n%s", ds)
	}
	if end := ds[0].Suppressed.At.End; end.Col != 1+len("# callflow:ignore not-e164 the carrier rewrites national numbers") {
		t.Errorf("the comment's span ends at column %d, after the \r", end.Col)
	}
}
