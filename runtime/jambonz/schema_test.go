package jambonz

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// schemaDir holds the npm package of the official jambonz verb schema
// (@jambonz/verb-specifications, pinned in its package-lock.json) and the
// script that validates answers with it. .ci/run installs it there with
// `npm ci --prefix runtime/jambonz/testdata/verbschema`; never globally.
const schemaDir = "testdata/verbschema"

// verbSchema returns node's path, or skips the test loudly when node or
// the package is missing, and fails it under CI, where .ci/run installs
// both.
func verbSchema(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(schemaDir, "node_modules", "@jambonz", "verb-specifications", "specs.json"))
	}
	if err != nil {
		msg := "SKIPPED: the jambonz verb schema is not installed (" + err.Error() + "); " +
			"install it with: npm ci --prefix runtime/jambonz/" + schemaDir
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// validateVerbs runs the schema over files; it returns the script's output
// and whether every file is valid.
func validateVerbs(t *testing.T, node string, files []string) (string, bool) {
	t.Helper()
	cmd := exec.Command(node, append([]string{"validate.js"}, files...)...)
	cmd.Dir = schemaDir
	out, err := cmd.CombinedOutput()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("node: %v\n%s", err, out)
	}
	return string(out), err == nil
}

// Every answer the tests render (testdata/answers, kept by the golden
// tests of this package and the server test, and the example flow's
// golden answers) is a verb array the official schema accepts.
func TestAnswersValidateAgainstVerbSchema(t *testing.T) {
	node := verbSchema(t)
	files, _ := filepath.Glob(filepath.Join(answersDir, "*.json"))
	flows, _ := filepath.Glob("testdata/flows/*.json") // the example flow's `expect json` files
	if len(files) == 0 || len(flows) == 0 {
		t.Fatalf("no answers in %s or testdata/flows", answersDir)
	}
	files = append(files, flows...)
	for i, f := range files {
		files[i], _ = filepath.Abs(f)
	}
	out, ok := validateVerbs(t, node, files)
	if !ok {
		t.Fatalf("answers the verb schema rejects:\n%s", out)
	}
	if n := strings.Count("\n"+out, "\nok "); n != len(files) {
		t.Fatalf("the schema checked %d of %d answers:\n%s", n, len(files), out)
	}
	t.Logf("%d answers valid against @jambonz/verb-specifications", len(files))
}

// The schema is a real oracle: it rejects answers jambonz would reject.
func TestVerbSchemaRejects(t *testing.T) {
	node := verbSchema(t)
	dir := t.TempDir()
	docs := map[string]string{
		"unknown_verb.json":     `[{"verb":"speak","text":"Hi"}]`,
		"string_digits.json":    `[{"verb":"gather","input":["digits"],"numDigits":"4","actionHook":"/x"}]`,
		"dial_no_target.json":   `[{"verb":"dial","callerId":"+6512345678"}]`,
		"no_vendor.json":        `[{"verb":"say","text":"Hi","synthesizer":{"voice":"Joanna"}}]`,
		"unknown_property.json": `[{"verb":"hangup","reason":"done"}]`,
	}
	var files []string
	for name, doc := range docs {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	out, ok := validateVerbs(t, node, files)
	if ok || strings.Count("\n"+out, "\ninvalid ") != len(docs) {
		t.Errorf("the schema passed answers jambonz rejects:\n%s", out)
	}
}
