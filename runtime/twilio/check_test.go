package twilio_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
)

// Twilio's limits are checked at compile time where the value is written
// (a text is at most 4096 characters there, far within a 64 KB TwiML
// document; a computed one is checked when it is rendered): an end key of
// two keys, a timeout under a second, a number that is not E.164, a step
// Twilio has not.
func TestCompileTimeLimits(t *testing.T) {
	tests := []struct{ name, step, want string }{
		{"two end keys", "capture x {\n prompt \"p\"\n digits 1\n end \"##\"\n tries 1\n }", `end key "##" is not supported`},
		{"a timeout under 1s", "capture x {\n prompt \"p\"\n digits 1\n timeout 500ms\n tries 1\n }", "timeout 500ms is shorter than 1s"},
		{"a number not E.164", `makeCall "12345"`, "not an E.164 number"},
		{"agent", `agent 1`, "unsupported-step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "flow f\n\ntarget twilio\n\notherwise -> main\n\nhandler main {\n  " + tt.step + "\n  hangup\n}\n"
			_, ds := lang.CompileFiles(fstest.MapFS{"f.flow": {Data: []byte(src)}}, []string{"f.flow"})
			if !ds.HasErrors() || !strings.Contains(fmt.Sprint(ds), tt.want) {
				t.Errorf("diagnostics %v, want an error saying %q", ds, tt.want)
			}
		})
	}
}
