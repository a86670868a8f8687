package lsp

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// vscodeDir is the VS Code extension's folder.
var vscodeDir = filepath.Join("..", "..", "..", "..", "editors", "vscode")

// npmTool is a command .ci/run installs into the extension's node_modules;
// the test is skipped loudly without it, and fails in CI.
func npmTool(t *testing.T, name string) string {
	t.Helper()
	needTool(t, "node", "nodejs")
	p, err := filepath.Abs(filepath.Join(vscodeDir, "node_modules", ".bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing in CI: .ci/run runs npm ci --prefix editors/vscode", name)
		}
		t.Skipf("SKIPPED: %s is not installed; run npm ci --prefix editors/vscode", name)
	}
	return p
}

// runIn runs a command in dir with a deadline and returns its output.
func runIn(t *testing.T, dir string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The TextMate grammar agrees with the server on every token of every
// shipped flow: each token the semantic tokens classify as a keyword,
// comment, string, number, duration, digit range, platform, option word,
// arrow or interpolation gets the matching TextMate scope, checked by
// vscode-tmgrammar-test on test files written from the flows.
func TestGrammarAgreesWithServer(t *testing.T) {
	tool := npmTool(t, "vscode-tmgrammar-test")
	flows, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "flows", "*.flow"))
	flows = append(flows, filepath.Join("..", "..", "..", "..", "lang", "ast", "testdata", "every.flow"))
	dir := t.TempDir()
	c := newClient(t, nil)
	c.initialize(false)
	for _, p := range flows {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		c.open(name, string(b))
		res := c.call("textDocument/semanticTokens/full", map[string]any{"textDocument": c.doc(name)})
		test := grammarTest(name, string(b), decodeTokens(t, string(b), res, source.UTF16))
		if err := os.WriteFile(filepath.Join(dir, name+".test"), []byte(test), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	grammar, _ := filepath.Abs(filepath.Join(vscodeDir, "syntaxes", "flow.tmLanguage.json"))
	out, err := runIn(t, dir, tool, "-c", "-g", grammar, "--config", filepath.Join(vscodeDir, "package.json"), "*.test")
	if err != nil {
		t.Fatalf("vscode-tmgrammar-test: %v\n%s", err, out)
	}
}

// scopeOf is the TextMate scope a token the server classified must have;
// "" for classes the grammar cannot know (names by kind).
func scopeOf(text, class string) string {
	typ, _, _ := strings.Cut(class, "+")
	switch typ {
	case "keyword":
		if lexer.IsOperatorWord(text) {
			return "keyword.operator.word.flow"
		}
		return "keyword.control.flow"
	case "comment":
		return "comment.line.number-sign.flow"
	case "string":
		return "string.quoted.double.flow"
	case "number":
		switch {
		case strings.Contains(text, ".."):
			return "constant.numeric.range.flow"
		case strings.TrimRight(text, "mhs") != text:
			return "constant.numeric.duration.flow"
		}
		return "constant.numeric.flow"
	case "enumMember":
		return "support.constant.platform.flow"
	case "property":
		return "support.type.option.flow"
	case "operator":
		switch text {
		case "->":
			return "keyword.operator.arrow.flow"
		case "${":
			return "punctuation.section.interpolation.begin.flow"
		case "}":
			return "punctuation.section.interpolation.end.flow"
		}
	}
	return ""
}

// grammarTest writes text as a vscode-tmgrammar-test file: each line, then
// one assertion line per classified token on it.
func grammarTest(name, text string, toks []decodedToken) string {
	asserts := map[int][]string{}
	for _, tk := range toks {
		scope := scopeOf(tk.text, tk.class)
		if scope == "" {
			continue
		}
		var a string
		if tk.col == 0 {
			a = "# <" + strings.Repeat("-", tk.n) + " " + scope
		} else {
			a = "#" + strings.Repeat(" ", tk.col-1) + strings.Repeat("^", tk.n) + " " + scope
		}
		asserts[tk.line] = append(asserts[tk.line], a)
	}
	f := source.NewFile(name, []byte(text))
	var b strings.Builder
	fmt.Fprintf(&b, "# SYNTAX TEST \"source.flow\" %q\n", name)
	for i := 0; i < f.LineCount(); i++ {
		b.Write(f.Line(i + 1))
		b.WriteByte('\n')
		for _, a := range asserts[i] {
			b.WriteString(a + "\n")
		}
	}
	return b.String()
}

// The extension packages offline: esbuild bundles the client with
// vscode-languageclient, and vsce package --no-dependencies writes the
// .vsix, which holds the grammar and the language configuration.
func TestVSCodePackage(t *testing.T) {
	npmTool(t, "vsce")
	dir, _ := filepath.Abs(vscodeDir)
	out, err := runIn(t, dir, "npm", "run", "package")
	if err != nil {
		t.Fatalf("npm run package: %v\n%s", err, out)
	}
	vsix := filepath.Join(dir, "callflow-0.1.0.vsix")
	defer os.Remove(vsix)
	z, err := zip.OpenReader(vsix)
	if err != nil {
		t.Fatalf("the .vsix is not a zip archive: %v", err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	for _, want := range []string{"extension/package.json", "extension/syntaxes/flow.tmLanguage.json", "extension/language-configuration.json", "extension/dist/extension.js"} {
		if !slices.Contains(names, want) {
			t.Errorf("the .vsix lacks %s: %q", want, names)
		}
	}
}
