package flows_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/callflow/callflow/lang/format"
)

// TestShippedFlowsFormatted requires every shipped flow to be in the
// canonical layout, so that copying one starts from formatted code.
func TestShippedFlowsFormatted(t *testing.T) {
	paths, err := filepath.Glob("*.flow")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no flows: %v", err)
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := "flows/" + p
		got, err := format.Source(name, src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, src) {
			t.Errorf("%s is not formatted; run `callflow fmt -w flows` (go run ./cmd/callflow fmt -w flows). The difference:\n%s",
				name, diff.Diff(name, src, name+" (formatted)", got))
		}
	}
}
