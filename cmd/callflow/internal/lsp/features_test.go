package lsp

import (
	"strings"
	"testing"
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
