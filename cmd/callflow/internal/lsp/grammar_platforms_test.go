package lsp

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/platform"
)

// TestGrammarNamesEveryPlatform keeps the TextMate grammar's list of
// platform names in step with lang/platform, where a platform is declared:
// the token-by-token grammar test only notices a missing name once a
// shipped flow uses it, and it needs Node; this needs nothing.
func TestGrammarNamesEveryPlatform(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(vscodeDir, "syntaxes", "flow.tmLanguage.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\\\\s\+\(([a-z0-9|]+)\)\\\\b`).FindSubmatch(text)
	if m == nil {
		t.Fatal("the grammar has no platform pattern (target|call|, followed by a list of names)")
	}
	listed := strings.Split(string(m[1]), "|")
	slices.Sort(listed)
	declared := slices.Clone(platform.Names())
	slices.Sort(declared)
	if !slices.Equal(listed, declared) {
		t.Errorf("the grammar's platform pattern lists %v; lang/platform declares %v", listed, declared)
	}
}
