package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzServer feeds fuzzed documents and positions to a running server:
// every request must be answered without a panic, whatever the text.
func FuzzServer(f *testing.F) {
	flows, _ := filepath.Glob(filepath.Join("..", "..", "..", "..", "flows", "*.flow"))
	for _, p := range flows {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), uint16(12), uint16(8))
	}
	f.Add("flow f\nhandler a { say \"${caller\" }\n", uint16(1), uint16(22))
	f.Add("flow f\ncapture {\n", uint16(1), uint16(9))
	f.Add("", uint16(0), uint16(0))
	f.Add("flow 😀\n\"${${${\"\n", uint16(1), uint16(3))
	f.Add("flow f\nhandler a {\n  post \"https://x/${caller}\" { json {} }\n}\ntest \"t\" {\n  given post \"https://", uint16(5), uint16(22))
	c := newClient(f, nil)
	c.initialize(false)
	c.open("f.flow", "flow f\n")
	version := 1
	f.Fuzz(func(t *testing.T, text string, line, char uint16) {
		c.t = t
		text = strings.ToValidUTF8(text, "\uFFFD") // what an editor can send
		version++
		c.transcript.Reset()
		c.change("f.flow", version, text)
		c.askEverything("f.flow", map[string]any{"line": int(line), "character": int(char)})
		if n := c.srv.panics.Load(); n > 0 {
			t.Fatalf("the server panicked %d times on %q at %d:%d", n, text, line, char)
		}
	})
}
