package jambonz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/internal/verbschema"
)

// Every answer the tests render (testdata/answers, kept by the golden
// tests of this package and the server test, and the example flow's
// golden answers) is a verb array the official schema accepts.
func TestAnswersValidateAgainstVerbSchema(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(answersDir, "*.json"))
	flows, _ := filepath.Glob("testdata/flows/*.json") // the example flow's `expect json` files
	if len(files) == 0 || len(flows) == 0 {
		t.Fatalf("no answers in %s or testdata/flows", answersDir)
	}
	verbschema.Check(t, append(files, flows...))
}

// The schema is a real oracle: it rejects answers jambonz would reject.
func TestVerbSchemaRejects(t *testing.T) {
	node := verbschema.Node(t)
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
	out, ok := verbschema.Validate(t, node, files)
	if ok || strings.Count("\n"+out, "\ninvalid ") != len(docs) {
		t.Errorf("the schema passed answers jambonz rejects:\n%s", out)
	}
}
