package lsp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/flowgen"
)

// every request of a document, asked at pos.
func (c *client) askEverything(name string, pos map[string]any) {
	c.t.Helper()
	td := c.doc(name)
	whole := map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": pos}
	for _, r := range []struct {
		method string
		params map[string]any
	}{
		{"textDocument/hover", map[string]any{"textDocument": td, "position": pos}},
		{"textDocument/definition", map[string]any{"textDocument": td, "position": pos}},
		{"textDocument/references", map[string]any{"textDocument": td, "position": pos, "context": map[string]any{"includeDeclaration": true}}},
		{"textDocument/prepareRename", map[string]any{"textDocument": td, "position": pos}},
		{"textDocument/rename", map[string]any{"textDocument": td, "position": pos, "newName": "x"}},
		{"textDocument/completion", map[string]any{"textDocument": td, "position": pos}},
		{"textDocument/documentSymbol", map[string]any{"textDocument": td}},
		{"textDocument/formatting", map[string]any{"textDocument": td, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}},
		{"textDocument/rangeFormatting", map[string]any{"textDocument": td, "range": whole, "options": map[string]any{"tabSize": 2, "insertSpaces": true}}},
		{"textDocument/codeAction", map[string]any{"textDocument": td, "range": whole, "context": map[string]any{"diagnostics": []any{}}}},
		{"textDocument/codeLens", map[string]any{"textDocument": td}},
		{"textDocument/semanticTokens/full", map[string]any{"textDocument": td}},
	} {
		t0 := time.Now()
		c.call(r.method, r.params)
		if d := time.Since(t0); d > 100*time.Millisecond {
			c.t.Logf("%s on %s took %s", r.method, name, d)
		}
		if strings.Contains(c.last(), "<- error") && r.method != "textDocument/rename" {
			c.t.Errorf("%s on %s failed: %s", r.method, name, c.last())
		}
	}
}

// last is the last entry of the transcript.
func (c *client) last() string {
	parts := strings.Split(strings.TrimSpace(c.transcript.String()), "\n\n")
	return parts[len(parts)-1]
}

// Documents that are empty, binary, 2 MiB, or do not parse, and positions
// past their end: every request is answered, with a diagnostic that says
// what is wrong with the file.
func TestBadDocuments(t *testing.T) {
	c := newClient(t, nil)
	c.initialize(false)
	huge := "flow big\n" + strings.Repeat("# padding\n", 210_000)
	for _, d := range []struct {
		name, text, code string
	}{
		{"empty.flow", "", "empty-file"},
		{"binary.flow", "\x00\x01\x02 flow \ufffd", "bad-encoding"},
		{"huge.flow", huge, "file-too-large"},
		{"broken.flow", "flow b\nhandler {\n  say\n}\n}}}\n", "syntax"},
		{"deep.flow", "flow d\nconst x = " + strings.Repeat("(", 500), "too-deep"},
	} {
		c.open(d.name, d.text)
		got := string(c.diagnosticsFor(d.name, 1))
		if !strings.Contains(got, `"code":"`+d.code+`"`) {
			t.Errorf("%s: diagnostics %s lack %s", d.name, got, d.code)
		}
		c.askEverything(d.name, map[string]any{"line": 0, "character": 3})
		c.askEverything(d.name, map[string]any{"line": 99999, "character": 99999})
	}
	c.askEverything("never-opened.flow", map[string]any{"line": 1, "character": 1})
	if got := c.call("callflow/unknown", map[string]any{}); got != nil {
		t.Errorf("an unknown method answered %s, want an error", got)
	}
	if !strings.Contains(c.last(), "<- error") {
		t.Errorf("an unknown method: %s", c.last())
	}
}

// Changes faster than checks: only the newest version's diagnostics are
// published last, versions never go backwards, and an edit whose range is
// past the end is clamped.
func TestFastChanges(t *testing.T) {
	c := newClient(t, nil)
	c.initialize(false)
	c.open("f.flow", "flow f\notherwise -> a\nhandler a { hangup }\n")
	for v := 2; v <= 60; v++ {
		c.notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": c.uri("f.flow"), "version": v},
			"contentChanges": []any{map[string]any{
				"range": map[string]any{"start": map[string]any{"line": 2, "character": 0}, "end": map[string]any{"line": 3, "character": 0}},
				"text":  fmt.Sprintf("handler a { goto h%d }\n", v),
			}},
		})
	}
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri("f.flow"), "version": 61},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": 500, "character": 0}, "end": map[string]any{"line": 900, "character": 3}}, "text": "# end\n"}},
	})
	last := string(c.diagnosticsFor("f.flow", 61))
	if !strings.Contains(last, `no handler named \"h60\"`) {
		t.Errorf("the last diagnostics are not those of the last version: %s", last)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	prev := 0
	for _, raw := range c.diags[c.uri("f.flow")] {
		var p struct{ Version int }
		json.Unmarshal(raw, &p)
		if p.Version < prev {
			t.Errorf("version %d published after version %d", p.Version, prev)
		}
		prev = p.Version
	}
}

// A document closed while it is being checked ends with no diagnostics:
// the check's result is dropped, and the empty list is the last word.
func TestCloseMidCheck(t *testing.T) {
	c := newClient(t, nil, WithDebounce(0))
	c.initialize(false)
	// About 0.1 MiB: a check long enough to close during it, short enough
	// that the race detector on two cores finishes it in seconds.
	src, _ := flowgen.Rules(1500)
	src = strings.Replace(src, "otherwise -> fallback", "otherwise -> fallbak", 1)
	c.open("big.flow", src)
	c.notify("textDocument/didClose", map[string]any{"textDocument": c.doc("big.flow")})
	got := string(c.diagnosticsFor("big.flow", 0))
	if !strings.Contains(got, `"diagnostics":[]`) {
		t.Fatalf("after close: %s", got)
	}
	// The check that was running ends and publishes nothing after the empty
	// list: ask for something else and wait for its answer first.
	c.open("other.flow", "flow o\notherwise -> a\nhandler a { hangup }\n")
	c.diagnosticsFor("other.flow", 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	list := c.diags[c.uri("big.flow")]
	if last := string(list[len(list)-1]); !strings.Contains(last, `"diagnostics":[]`) {
		t.Errorf("big.flow's last publication is %s, want the empty list", last)
	}
}
