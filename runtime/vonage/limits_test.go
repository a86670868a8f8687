package vonage_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
)

// Vonage's limits, declared once in lang/platform, are compile errors for
// values written in a flow targeting vonage; the same values compile for
// 8x8, whose limits differ.
func TestLimitsAtCompileTime(t *testing.T) {
	long := strings.Repeat("a", 1501)
	tests := []struct {
		name, steps, want string
	}{
		{"talk over 1500", `say "` + long + `"`, "vonage: say text is 1501 characters, over the limit of 1500"},
		{"prompt over 1500", `capture c { prompt "` + long + `"; digits 1; tries 1 }`, "vonage: the prompt is 1501 characters"},
		{"digits over 20", `capture c { prompt "PIN?"; digits 1..21; tries 1 }`, "vonage: digits 1..21 is outside 1..20"},
		{"timeout over 10s", `capture c { prompt "PIN?"; digits 4; timeout 11s; tries 1 }`, "vonage: timeout 11s is longer than 10s"},
		{"end key *", `capture c { prompt "PIN?"; digits 4; end "*"; tries 1 }`, `vonage: end key "*" is not supported`},
		{"play ogg", `play "https://cdn.example.com/a.ogg"`, "vonage: play URL must end in .mp3 or .wav"},
		{"makeCall not E.164", `makeCall "02079460000" from "+447700900000"`, `vonage: "02079460000" is not an E.164 number`},
		{"agent", `agent 7`, "agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "flow f\n\ntarget vonage\n\notherwise -> main\n\nhandler main {\n  " + tt.steps + "\n  hangup\n}\n"
			_, ds := lang.CompileFiles(fstest.MapFS{"f.flow": {Data: []byte(src)}}, []string{"f.flow"})
			var found bool
			for _, d := range ds {
				if d.Severity == diag.Error && strings.Contains(d.Summary, tt.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error %q among %v", tt.want, ds)
			}
		})
	}
	ok := "flow f\n\ntarget vonage\nvoice \"en-GB\"\n\notherwise -> main\n\nhandler main {\n  say \"" + long[:1500] + "\"\n  capture c { prompt \"PIN?\"; digits 1..20; end \"#\"; timeout 10s; tries 1 }\n  hangup\n}\n"
	if _, ds := lang.CompileFiles(fstest.MapFS{"f.flow": {Data: []byte(ok)}}, []string{"f.flow"}); ds.HasErrors() {
		t.Errorf("values at Vonage's limits do not compile: %v", ds)
	}
}
