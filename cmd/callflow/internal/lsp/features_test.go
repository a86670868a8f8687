package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/format"
	"github.com/callflow/callflow/lang/source"
)

// supportFiles is the shipped 8x8 flow with its tests and golden files.
func supportFiles(t *testing.T) map[string]string {
	files := map[string]string{}
	for _, n := range []string{"support.flow", "support_test.flow", "support_menu.json", "support_closed.json"} {
		files[n] = shipped(t, n)
	}
	return files
}

// The server agrees on UTF-16 unless the client offers UTF-8, and lists
// every feature of editor.md.
func TestInitialize(t *testing.T) {
	c := newClient(t, nil)
	c.initialize(false)
	c2 := newClient(t, nil)
	c2.initialize(true)
	c.transcript.Write(c2.transcript.Bytes())
	c.golden("initialize")
}

// Opening a shipped flow publishes no problems; breaking it publishes
// check's codes, spans and hints; fixing it clears them.
func TestDiagnostics(t *testing.T) {
	c := newClient(t, supportFiles(t))
	c.initialize(false)
	c.open("support.flow")
	c.diagnosticsFor("support.flow", 1)
	text := shipped(t, "support.flow")
	broken := strings.Replace(text, "goto order", "goto ordr", 1)
	broken = strings.Replace(broken, "    tries   3\n", "", 1)
	c.change("support.flow", 2, broken)
	c.diagnosticsFor("support.flow", 2)
	c.change("support.flow", 3, text)
	c.diagnosticsFor("support.flow", 3)
	c.golden("diagnostics")
}

// hoverAt asks for the hover at needle (moved by delta) in text.
func (c *client) hoverAt(name, text, needle string, delta int) string {
	res := c.call("textDocument/hover", map[string]any{"textDocument": c.doc(name), "position": c.at(text, needle, delta)})
	return string(res)
}

// Hover tells a const's value, hours with "open now", a step with each
// target's limits, an option's default, a variable, a built-in and a
// function's signature; nothing on a blank.
func TestHover(t *testing.T) {
	c := newClient(t, supportFiles(t), WithClock(func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }))
	c.initialize(false)
	c.open("support.flow")
	text := shipped(t, "support.flow")
	for _, h := range []struct {
		needle string
		delta  int
		want   string
	}{
		{"makeCall sales", 10, "+6587654321"},
		{"open(office)", 6, "open"},
		{"capture choice", 1, "digits 1..25"},
		{"tries   3", 1, "Attempts in all"},
		{"digits  1", 1, "**8x8**: digits 1..25"},
		{"${order_no}", 3, "variable"},
		{"open(office)", 1, "open(hours, time) bool"},
		{"\n\nhandler menu", 1, "null"},
	} {
		if got := c.hoverAt("support.flow", text, h.needle, h.delta); !strings.Contains(got, h.want) {
			t.Errorf("hover at %q: %s, want it to mention %q", h.needle, got, h.want)
		}
	}
	c.golden("hover")
}

// Definition, references and rename of a handler reach the flow and its
// test file; rename refuses keywords and names already taken.
func TestNavigation(t *testing.T) {
	c := newClient(t, supportFiles(t))
	c.initialize(false)
	c.open("support.flow")
	text := shipped(t, "support.flow")
	c.call("textDocument/definition", map[string]any{"textDocument": c.doc("support.flow"), "position": c.at(text, "goto order", 6)})
	c.call("textDocument/definition", map[string]any{"textDocument": c.doc("support.flow"), "position": c.at(text, "${order_no}", 3)})
	c.call("textDocument/references", map[string]any{"textDocument": c.doc("support.flow"), "position": c.at(text, "capture choice", 9),
		"context": map[string]any{"includeDeclaration": true}})
	c.call("textDocument/prepareRename", map[string]any{"textDocument": c.doc("support.flow"), "position": c.at(text, "const desk", 7)})
	edit := c.call("textDocument/rename", map[string]any{"textDocument": c.doc("support.flow"), "position": c.at(text, "capture choice", 9), "newName": "menu_choice"})
	inTests := len(regexp.MustCompile(`(?m)^\s*expect (capture|var) choice\b`).FindAllString(shipped(t, "support_test.flow"), -1))
	if n := strings.Count(string(edit), `"menu_choice"`); n != 2+inTests {
		t.Errorf("renaming choice edits %d places, want %d (capture and switch, and %d uses in the tests): %s", n, 2+inTests, inTests, edit)
	}
	if !strings.Contains(string(edit), "support_test.flow") {
		t.Errorf("the rename leaves the test file alone: %s", edit)
	}
	for _, bad := range []string{"handler", "desk", "9lives"} {
		if res := c.call("textDocument/rename", map[string]any{"textDocument": c.doc("support.flow"), "position": c.at(text, "capture choice", 9), "newName": bad}); res != nil {
			t.Errorf("rename to %q was accepted: %s", bad, res)
		}
	}
	c.golden("navigation")
}

// labels are the labels of a completion answer.
func labels(t *testing.T, res []byte) []string {
	t.Helper()
	var items []struct {
		Label string `json:"label"`
	}
	if err := json.Unmarshal(res, &items); err != nil {
		t.Fatalf("%v: %s", err, res)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Label)
	}
	return out
}

// Completion offers, by context: the steps an 8x8 flow may use (not agent),
// capture options, handlers after goto, names and functions in
// expressions and ${…}, platforms after target, declarations at the top.
func TestCompletion(t *testing.T) {
	c := newClient(t, supportFiles(t))
	c.initialize(false)
	text := strings.Replace(shipped(t, "support.flow"), "  say \"Welcome to ACME.\"\n", "  say \"Welcome to ACME.\"\n  \n", 1)
	text = strings.Replace(text, "    tries   3\n", "    tries   3\n    \n", 1)
	text = strings.Replace(text, "{ goto support_desk }", "{ goto  }", 1)
	text = strings.Replace(text, "say \"Order ${order_no} is", "say \"Order ${} is", 1)
	text += "\nhandler extra {\n  set n = len()\n}\n"
	c.open("support.flow")
	c.diagnosticsFor("support.flow", 1)
	c.change("support.flow", 2, text)
	cases := []struct {
		needle string
		delta  int
		has    []string
		hasNot []string
	}{
		{"ACME.\"\n  \n", 9, []string{"say", "capture", "makeCall", "goto"}, []string{"agent", "campaign", "prompt"}},
		{"tries   3\n    \n", 14, []string{"prompt", "digit_timeout", "accept"}, []string{"say", "script"}},
		{"{ goto  }", 7, []string{"menu", "order", "closed"}, []string{"sales", "say"}},
		{"${} is", 2, []string{"order_no", "choice", "sales", "caller", "open"}, []string{"menu"}},
		{"len()", 4, []string{"office", "national"}, nil},
		{"target 8x8", 7, []string{"8x8", "tencent", "callbot"}, nil},
		{"\nhandler extra", 1, []string{"handler", "const", "when"}, []string{"say"}},
	}
	for _, k := range cases {
		got := labels(t, c.call("textDocument/completion", map[string]any{"textDocument": c.doc("support.flow"), "position": c.at(text, k.needle, k.delta)}))
		for _, w := range k.has {
			if !slices.Contains(got, w) {
				t.Errorf("completion at %q: %v lacks %q", k.needle, got, w)
			}
		}
		for _, w := range k.hasNot {
			if slices.Contains(got, w) {
				t.Errorf("completion at %q: %v offers %q", k.needle, got, w)
			}
		}
	}
	c.golden("completion")
}

// After expect in a test, completion offers what a test may expect, not
// the words that start a test statement or a step.
func TestCompletionAfterExpect(t *testing.T) {
	c := newClient(t, supportFiles(t))
	c.initialize(false)
	text := strings.Replace(shipped(t, "support_test.flow"), "  expect capture choice\n", "  expect capture choice\n  expect \n", 1)
	c.open("support_test.flow")
	c.diagnosticsFor("support_test.flow", 1)
	c.change("support_test.flow", 2, text)
	got := labels(t, c.call("textDocument/completion", map[string]any{"textDocument": c.doc("support_test.flow"), "position": c.at(text, "  expect \n", 9)}))
	for _, w := range []string{"say", "capture", "json", "var", "post", "nothing"} {
		if !slices.Contains(got, w) {
			t.Errorf("completion after expect: %v lacks %q", got, w)
		}
	}
	for _, w := range []string{"call", "press", "given", "goto"} {
		if slices.Contains(got, w) {
			t.Errorf("completion after expect: %v offers %q", got, w)
		}
	}
}

// In a test's given post or expect post, completion offers the URLs the
// flow's posts send to, each replacing the string typed so far; in any
// other string it offers nothing.
func TestCompletionOfPostURLs(t *testing.T) {
	flow := `flow survey
target 8x8
number "+6563004000"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  post "https://crm.example.com/surveys" { json {} }
  post "https://crm.example.com/callers/${caller}/seen" { json {} }
  say "Thank you."
  hangup
}
`
	tests := "flow survey\n\ntest \"t\" {\n  call 8x8 from \"+6591234567\" to \"+6563004000\"\n  expect post \"https://crm\"\n  given post \"\" = {}\n  expect say \"Th\"\n}\n"
	c := newClient(t, map[string]string{"survey.flow": flow, "survey_test.flow": tests})
	c.initialize(false)
	c.open("survey.flow")
	c.open("survey_test.flow")
	c.diagnosticsFor("survey_test.flow", 1)
	for _, k := range []struct {
		needle string
		delta  int
		want   []string
	}{
		{`expect post "https://crm"`, len(`expect post "https://crm`), []string{"https://crm.example.com/surveys", "https://crm.example.com/callers/"}},
		{`given post "" = {}`, len(`given post "`), []string{"https://crm.example.com/surveys", "https://crm.example.com/callers/"}},
		{`expect say "Th"`, len(`expect say "Th`), nil},
	} {
		res := c.call("textDocument/completion", map[string]any{"textDocument": c.doc("survey_test.flow"), "position": c.at(tests, k.needle, k.delta)})
		if got := labels(t, res); !slices.Equal(got, k.want) {
			t.Errorf("completion in %q: %v, want %v", k.needle, got, k.want)
		}
		if k.want != nil && !strings.Contains(string(res), `"newText":"https://crm.example.com/surveys"`) {
			t.Errorf("completion in %q: no edit writing the URL: %s", k.needle, res)
		}
	}
}

// The outline lists settings, declarations, rules, handlers with their
// variables, and tests.
func TestDocumentSymbols(t *testing.T) {
	c := newClient(t, supportFiles(t))
	c.initialize(false)
	c.open("support.flow")
	c.open("support_test.flow")
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": c.doc("support.flow")})
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": c.doc("support_test.flow")})
	c.golden("symbols")
}

// Formatting gives the changed lines only; range formatting only those in
// the range; a document that does not parse gets no edits.
func TestFormatting(t *testing.T) {
	c := newClient(t, nil)
	c.initialize(false)
	text := "flow f\ntarget   8x8\nvoice \"v\"\notherwise->a\n\n\n\nhandler a {\nsay \"hi\"\n   hangup\n}\nhandler b { hangup }"
	c.open("f.flow", text)
	edits := c.call("textDocument/formatting", map[string]any{"textDocument": c.doc("f.flow"), "options": map[string]any{"tabSize": 2, "insertSpaces": true}})
	want, err := format.Source("f.flow", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := applyEdits(t, text, edits, c.unit); got != string(want) {
		t.Errorf("the edits make\n%s\nwant what callflow fmt prints:\n%s", got, want)
	}
	c.call("textDocument/rangeFormatting", map[string]any{"textDocument": c.doc("f.flow"), "options": map[string]any{"tabSize": 2, "insertSpaces": true},
		"range": map[string]any{"start": map[string]any{"line": 7, "character": 0}, "end": map[string]any{"line": 10, "character": 1}}})
	c.change("f.flow", 2, "flow f\nhandler a {")
	c.call("textDocument/formatting", map[string]any{"textDocument": c.doc("f.flow"), "options": map[string]any{"tabSize": 2, "insertSpaces": true}})
	c.golden("formatting")
}

// applyEdits applies LSP text edits to text, as an editor does.
func applyEdits(t *testing.T, text string, raw []byte, unit source.Unit) string {
	t.Helper()
	var edits []struct {
		Range struct {
			Start, End struct{ Line, Character int }
		}
		NewText string
	}
	if err := json.Unmarshal(raw, &edits); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	f := source.NewFile("", []byte(text))
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, e := range edits {
		spans = append(spans, span{
			f.Offset(source.Point{Line: e.Range.Start.Line, Col: e.Range.Start.Character}, unit),
			f.Offset(source.Point{Line: e.Range.End.Line, Col: e.Range.End.Character}, unit), e.NewText})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
	for _, s := range spans {
		text = text[:s.start] + s.text + text[s.end:]
	}
	return text
}

// Quick fixes: the did-you-mean of a misspelt handler and option, a
// handler declared for an unknown name, tries for a capture, else for a
// lookup; applying one fixes its diagnostic.
func TestCodeActions(t *testing.T) {
	c := newClient(t, nil)
	c.initialize(false)
	text := "flow f\ntarget 8x8\nvoice \"v\"\nlookup crm = get \"https://crm.example.com/${caller}\"\notherwise -> menu\n\n" +
		"handler menu {\n  capture pin {\n    prompt \"PIN?\"\n    digts 4\n  }\n  goto clsed\n}\n\nhandler closed { hangup }\n"
	c.open("f.flow", text)
	c.diagnosticsFor("f.flow", 1)
	whole := map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 99, "character": 0}}
	res := c.call("textDocument/codeAction", map[string]any{"textDocument": c.doc("f.flow"), "range": whole, "context": map[string]any{"diagnostics": []any{}}})
	var actions []struct {
		Title string `json:"title"`
		Edit  struct {
			Changes map[string]json.RawMessage `json:"changes"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(res, &actions); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
	}
	for _, w := range []string{`Change to "closed"`, `Change to "digits"`, "Declare handler clsed", "Add `tries 3`", "Add `else {}`"} {
		if !slices.Contains(titles, w) {
			t.Errorf("code actions %q lack %q", titles, w)
		}
	}
	for i, a := range actions {
		if a.Title == "Add `tries 3`" {
			fixed := applyEdits(t, text, a.Edit.Changes[c.uri("f.flow")], c.unit)
			if !strings.Contains(fixed, "    digts 4\n    tries 3\n  }") {
				t.Errorf("action %d makes\n%s", i, fixed)
			}
		}
	}
	c.golden("actions")
}

// A lens runs each test block; running one shows its outcome in a message
// and, refreshed, in the lens.
func TestCodeLens(t *testing.T) {
	files := supportFiles(t)
	files["support_test.flow"] += "\ntest \"a failing one\" {\n  call 8x8 from \"+6591234567\" to \"+6512345678\" at \"2026-11-23T10:00:00+08:00\"\n  expect say \"Goodbye.\"\n}\n"
	c := newClient(t, files)
	c.initialize(false)
	c.open("support_test.flow")
	c.call("textDocument/codeLens", map[string]any{"textDocument": c.doc("support_test.flow")})
	run := func(name string) string {
		return string(c.call("workspace/executeCommand", map[string]any{"command": "callflow.runTest", "arguments": []any{c.uri("support_test.flow"), name}}))
	}
	if got := run("three wrong keys end the call"); !strings.Contains(got, `"passed":true`) {
		t.Errorf("a passing test: %s", got)
	}
	if got := run("a failing one"); !strings.Contains(got, `"passed":false`) {
		t.Errorf("a failing test: %s", got)
	}
	lens := string(c.call("textDocument/codeLens", map[string]any{"textDocument": c.doc("support_test.flow")}))
	if !strings.Contains(lens, "✓ passed") || !strings.Contains(lens, "✗ failed") {
		t.Errorf("the lenses do not show the outcomes: %s", lens)
	}
	c.golden("codelens")
}

// Semantic tokens classify keywords, names by kind, option words,
// platforms, strings and their ${…} parts, durations and comments, at the
// right columns after Chinese text and emoji.
func TestSemanticTokens(t *testing.T) {
	for _, utf8 := range []bool{false, true} {
		c := newClient(t, nil)
		c.initialize(utf8)
		text := "flow f # 流程 😀\ntarget 8x8\nvoice \"v\"\nconst greeting = \"你好 😀\"\notherwise -> menu\nhandler menu {\n  say \"${greeting} ${caller}\"\n  capture pin { prompt \"😀\"; timeout 10s; tries 2 }\n  hangup\n}\n"
		c.open("f.flow", text)
		res := c.call("textDocument/semanticTokens/full", map[string]any{"textDocument": c.doc("f.flow")})
		var got []string
		for _, tk := range decodeTokens(t, text, res, c.unit) {
			got = append(got, tk.text+"="+tk.class)
		}
		for _, w := range []string{
			"# 流程 😀=comment", "8x8=enumMember", "greeting=variable+declaration+readonly", "\"你好 😀\"=string",
			"menu=function", "${=operator", "greeting=variable+readonly", "caller=variable+readonly+defaultLibrary",
			"prompt=property", "10s=number", "hangup=keyword",
		} {
			if !slices.Contains(got, w) {
				t.Errorf("utf8=%v: tokens %q lack %q", utf8, got, w)
			}
		}
		name := "tokens_utf16"
		if utf8 {
			name = "tokens_utf8"
		}
		c.golden(name)
	}
}

// decodedToken is one semantic token read back: where it is, its text and
// its class ("type+modifier…").
type decodedToken struct {
	line, col, n int
	text, class  string
}

// decodeTokens reads encoded semantic tokens back.
func decodeTokens(t *testing.T, text string, raw []byte, unit source.Unit) []decodedToken {
	t.Helper()
	var res struct{ Data []int }
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	f := source.NewFile("", []byte(text))
	var out []decodedToken
	line, col := 0, 0
	for i := 0; i+4 < len(res.Data); i += 5 {
		d := res.Data[i : i+5]
		if d[0] > 0 {
			col = 0
		}
		line, col = line+d[0], col+d[1]
		start := f.Offset(source.Point{Line: line, Col: col}, unit)
		end := f.Offset(source.Point{Line: line, Col: col + d[2]}, unit)
		class := tokenTypes[d[3]]
		for b, m := range tokenModifiers {
			if d[4]&(1<<b) != 0 {
				class += "+" + m
			}
		}
		out = append(out, decodedToken{line, col, d[2], text[start:end], class})
	}
	return out
}

// A table file written on disk while its flow is open: the editor's file
// watcher says so, and the flow's diagnostics follow.
func TestWatchedTableFile(t *testing.T) {
	c := newClient(t, nil)
	c.initialize(false)
	text := "flow f\ntarget tencent\ntable vips from \"vips.csv\"\nwhen caller in vips -> a\notherwise -> a\nhandler a { hangup }\n"
	c.open("f.flow", text)
	if got := string(c.diagnosticsFor("f.flow", 1)); !strings.Contains(got, "bad-table") {
		t.Fatalf("without vips.csv: %s", got)
	}
	c.mu.Lock()
	before := len(c.diags[c.uri("f.flow")])
	c.mu.Unlock()
	if err := os.WriteFile(filepath.Join(c.dir, "vips.csv"), []byte("number,name\n+6591234567,Ann\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": c.uri("vips.csv"), "type": 1}}})
	deadline := time.After(wait)
	for {
		c.mu.Lock()
		list := c.diags[c.uri("f.flow")]
		c.mu.Unlock()
		if len(list) > before {
			if last := string(list[len(list)-1]); strings.Contains(last, "bad-table") {
				t.Fatalf("with vips.csv written: %s", last)
			}
			return
		}
		select {
		case <-c.notified:
		case <-deadline:
			t.Fatal("no diagnostics after the table file changed")
		}
	}
}

// A flow and its test file are checked together: a change to the flow
// that breaks its tests shows in the open test file at once.
func TestPartnerDiagnostics(t *testing.T) {
	c := newClient(t, supportFiles(t))
	c.initialize(false)
	c.open("support.flow")
	c.open("support_test.flow")
	c.diagnosticsFor("support.flow", 1)
	if got := string(c.diagnosticsFor("support_test.flow", 1)); !strings.Contains(got, `"diagnostics":[]`) {
		t.Fatalf("the shipped tests do not check clean: %s", got)
	}
	c.mu.Lock()
	before := len(c.diags[c.uri("support_test.flow")])
	c.mu.Unlock()
	text := strings.ReplaceAll(shipped(t, "support.flow"), "choice", "pick")
	c.change("support.flow", 2, text)
	deadline := time.After(wait)
	for {
		c.mu.Lock()
		list := c.diags[c.uri("support_test.flow")]
		c.mu.Unlock()
		if len(list) > before && strings.Contains(string(list[len(list)-1]), "choice") {
			return
		}
		select {
		case <-c.notified:
		case <-deadline:
			t.Fatalf("the test file's diagnostics did not follow the flow: %s", list[len(list)-1])
		}
	}
}

// A syntax error in one handler leaves the rest of the file checked,
// outlined and navigable.
func TestSyntaxErrorLeavesTheRest(t *testing.T) {
	c := newClient(t, nil)
	c.initialize(false)
	text := "flow f\ntarget 8x8\nvoice \"v\"\notherwise -> menu\n\nhandler broken {\n  say say say {\n}\n\nhandler menu {\n  goto closd\n}\n\nhandler closed { hangup }\n"
	c.open("f.flow", text)
	diags := string(c.diagnosticsFor("f.flow", 1))
	for _, w := range []string{`"code":"syntax"`, `"code":"unknown-handler"`} {
		if !strings.Contains(diags, w) {
			t.Errorf("diagnostics %s lack %s", diags, w)
		}
	}
	outline := string(c.call("textDocument/documentSymbol", map[string]any{"textDocument": c.doc("f.flow")}))
	for _, w := range []string{`"name":"menu"`, `"name":"closed"`} {
		if !strings.Contains(outline, w) {
			t.Errorf("the outline %s lacks %s", outline, w)
		}
	}
	def := string(c.call("textDocument/definition", map[string]any{"textDocument": c.doc("f.flow"), "position": c.at(text, "-> menu", 4)}))
	if !strings.Contains(def, `"line":9`) {
		t.Errorf("definition of menu: %s", def)
	}
}

// A lens runs a test as `callflow test` does: secret() is a placeholder
// (or the test's given secret), never read from the editor's environment,
// so a flow with a secret nobody set passes in the editor as in CI.
func TestCodeLensNeedsNoSecret(t *testing.T) {
	files := map[string]string{
		"pin.flow": "flow pin\ntarget 8x8\nnumber \"+6512340001\"\nvoice \"en-US-ZiraRUS\"\n" +
			"lookup account = get \"https://crm.example.com/a/${caller}\" {\n  header  \"Authorization\" \"Bearer ${secret(\"LSP_TEST_UNSET_TOKEN\")}\"\n  else    {ok: false}\n}\n" +
			"otherwise -> main\nhandler main {\n  if account.ok {\n    say \"Welcome.\"\n  }\n  hangup\n}\n",
		"pin_test.flow": "flow pin\n\ntest \"a known caller\" {\n  given account = {ok: true}\n  call 8x8 from \"+6591234567\" to \"+6512340001\"\n  expect say \"Welcome.\"\n}\n",
	}
	c := newClient(t, files)
	c.initialize(false)
	c.open("pin_test.flow")
	got := string(c.call("workspace/executeCommand", map[string]any{"command": "callflow.runTest", "arguments": []any{c.uri("pin_test.flow"), "a known caller"}}))
	if !strings.Contains(got, `"passed":true`) {
		t.Errorf("a test of a flow with an unset secret, run from its lens: %s", got)
	}
}
