package sarifschema

import (
	"strings"
	"testing"
)

const minimal = `{
  "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {"name": "callflow"}},
    "results": [{
      "ruleId": "syntax",
      "message": {"text": "Bad."},
      "locations": [{"physicalLocation": {"artifactLocation": {"uri": "URI"}}}]
    }]
  }]
}`

func TestValidate(t *testing.T) {
	for uri, ok := range map[string]bool{
		"flows/a.flow":              true,
		"flows/a%20b.flow":          true,
		"./a:b.flow":                true,
		"file:///tmp/x/a.flow":      true,
		"flows/a b.flow":            false,
		"flows/điểm.flow":           false,
		"flows/100%.flow":           false,
		`flows\a.flow`:              false,
		"file:///tmp/x/a b.flow":    false,
		"flows/a.flow#frag%2":       false,
		"flows/%E1%BB%83m.flow?x=1": true,
	} {
		err := Validate([]byte(strings.Replace(minimal, "URI", uri, 1)))
		if (err == nil) != ok {
			t.Errorf("uri %q: valid %v, want %v (%v)", uri, err == nil, ok, err)
		}
	}
	for name, doc := range map[string]string{
		"no version":    strings.Replace(minimal, `"version": "2.1.0",`, "", 1),
		"wrong version": strings.Replace(minimal, `"2.1.0"`, `"2.2.0"`, 1),
		"unknown field": strings.Replace(minimal, `"ruleId"`, `"rule_id"`, 1),
		"not JSON":      minimal[:40],
	} {
		if err := Validate([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
