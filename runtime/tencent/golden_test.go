package tencent

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/webhooks/tencent/golden")

// testdata holds the sample webhooks (*.json) and, under golden/, the
// expected answers.
const testdata = "../../testdata/webhooks/tencent"

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(testdata, "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:  %s\nwant: %s", name, got, want)
	}
}

// sample reads testdata/name.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// samples lists the sample webhooks.
func samples(t testing.TB) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(testdata, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no samples in %s: %v", testdata, err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}
