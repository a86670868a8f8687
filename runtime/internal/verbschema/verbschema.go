// Package verbschema validates jambonz answers with jambonz's official
// verb schema, the npm package @jambonz/verb-specifications, for the tests
// of every package that produces jambonz verbs (runtime/jambonz's golden
// answers, the shipped flows' answers in runtime). The npm package is
// pinned in testdata/package-lock.json and installed beside it, never
// globally: `npm ci --prefix runtime/internal/verbschema/testdata`, which
// .ci/run does.
package verbschema

import (
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

// Dir is the folder of the npm package and of validate.js, the script
// that runs the schema over files.
var Dir = func() string {
	_, file, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata")
}()

// Node returns node's path, or skips the test loudly when node or the
// schema is missing, and fails it under CI, where .ci/run installs both.
func Node(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(Dir, "node_modules", "@jambonz", "verb-specifications", "specs.json"))
	}
	if err != nil {
		msg := "SKIPPED: the jambonz verb schema is not installed (" + err.Error() + "); " +
			"install it with: npm ci --prefix runtime/internal/verbschema/testdata"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// Validate runs the schema over files (absolute paths, or paths relative
// to the test's directory); it returns the script's output, one line per
// file ("ok FILE" or "invalid FILE: why"), and whether every file is valid.
func Validate(t testing.TB, node string, files []string) (string, bool) {
	t.Helper()
	abs := make([]string, len(files))
	for i, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		abs[i] = a
	}
	cmd := exec.Command(node, append([]string{"validate.js"}, abs...)...)
	cmd.Dir = Dir
	out, err := cmd.CombinedOutput()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("node: %v\n%s", err, out)
	}
	return string(out), err == nil
}

// Check fails the test unless the schema accepts every file, each a JSON
// array of verbs, and says how many it checked. It skips as Node does.
func Check(t testing.TB, files []string) {
	t.Helper()
	if len(files) == 0 {
		t.Fatal("no jambonz answers to validate")
	}
	out, ok := Validate(t, Node(t), files)
	if !ok {
		t.Fatalf("answers the jambonz verb schema rejects:\n%s", out)
	}
	if n := strings.Count("\n"+out, "\nok "); n != len(files) {
		t.Fatalf("the schema checked %d of %d answers:\n%s", n, len(files), out)
	}
	t.Logf("%d answers valid against @jambonz/verb-specifications", len(files))
}
