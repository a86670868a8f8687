package check_test

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
)

// An answer over Twilio's 64 KB names where it begins: after the wait
// before it, or at a capture whose retry says its message and the prompt
// again. (testdata/limits_twilio_answer.flow pins the places and sizes.)
func TestAnswerSizeSaysWhereTheAnswerBegins(t *testing.T) {
	src := `flow a
target twilio

const half = repeat("a", 40000)

otherwise -> main

handler main {
  capture first {
    prompt "Press a key."
    tries 1
  }
  say half
  say half
  capture again {
    prompt half
    nomatch half
    tries 2
  }
  hangup
}
`
	_, ds := lang.CompileFile("a.flow", []byte(src))
	type place struct {
		line, relatedLine int
		note              string
	}
	var got []place
	for _, d := range ds {
		if d.Code != diag.PlatformLimit {
			t.Errorf("unexpected %s: %s", d.Code, d.Summary)
			continue
		}
		if len(d.Related) != 1 {
			t.Fatalf("line %d: %d related places, want 1", d.Subject.Start.Line, len(d.Related))
		}
		got = append(got, place{d.Subject.Start.Line, d.Related[0].Span.Start.Line, d.Related[0].Message})
	}
	want := []place{
		{14, 9, "the answer begins after this step"},
		{16, 15, "a retry of this capture says its message and then the prompt, in one answer"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics %v, want %v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("diagnostic %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if !strings.Contains(ds[0].Summary, "80082 bytes") {
		t.Errorf("summary %q does not count both texts", ds[0].Summary)
	}
}
