package callbot

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/callflow/callflow/runtime/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/webhooks/callbot/golden")

// testdata holds the sample webhooks (*.json) and, under golden/, the
// expected answers.
const testdata = "../../testdata/webhooks/callbot"

func goldenCheck(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join(testdata, "golden", name), got, *update)
}

func sample(t testing.TB, name string) []byte { return golden.Sample(t, testdata, name) }

func samples(t testing.TB) []string { return golden.Samples(t, testdata) }
