package vonage

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/callflow/callflow/runtime/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// testdata holds real-shaped webhooks under webhooks/ and the expected
// NCCOs under golden/.
const testdata = "testdata"

func goldenCheck(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join(testdata, "golden", name), got, *update)
}

func sample(t testing.TB, name string) []byte {
	return golden.Sample(t, filepath.Join(testdata, "webhooks"), name)
}
