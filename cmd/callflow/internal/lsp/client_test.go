package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/source"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// wait bounds every wait for the server: a hang fails instead of blocking
// the test run. Generous, because make test runs with -race on two shared
// cores, where checking a big flow takes seconds; a hang still fails.
const wait = 60 * time.Second

// client is a real JSON-RPC client talking to an in-process server over a
// pipe. It records a transcript of what it asked and was answered.
type client struct {
	t    testing.TB
	conn jsonrpc2.Conn
	dir  string // the workspace folder, $DIR in transcripts
	unit source.Unit

	mu       sync.Mutex
	diags    map[string][]json.RawMessage // publishDiagnostics params, by URI
	messages []string                     // window/showMessage texts
	notified chan struct{}                // a notification arrived

	transcript bytes.Buffer
	srv        *server
	done       chan error
}

// newClient starts a server and a client connected to it, with the files
// given copied into a fresh workspace folder.
func newClient(t testing.TB, files map[string]string, opts ...Option) *client {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &client{t: t, dir: dir, diags: map[string][]json.RawMessage{}, notified: make(chan struct{}, 1), done: make(chan error, 1)}
	srvSide, cliSide := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *server, 1)
	go func() {
		c.done <- serve(ctx, srvSide, ready, append([]Option{WithDebounce(5 * time.Millisecond)}, opts...)...)
	}()
	c.srv = <-ready
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(cliSide))
	c.conn.Go(ctx, c.handle)
	t.Cleanup(func() {
		cancel()
		c.conn.Close()
		select {
		case <-c.done:
		case <-time.After(wait):
			t.Error("the server did not stop")
		}
		if n := c.srv.panics.Load(); n > 0 {
			t.Errorf("the server recovered from %d panics", n)
		}
	})
	return c
}

// handle answers what the server sends the client.
func (c *client) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	switch req.Method() {
	case "textDocument/publishDiagnostics":
		var p struct {
			URI string `json:"uri"`
		}
		raw := append(json.RawMessage(nil), req.Params()...)
		json.Unmarshal(raw, &p)
		c.mu.Lock()
		c.diags[p.URI] = append(c.diags[p.URI], raw)
		c.mu.Unlock()
	case "window/showMessage":
		var p struct {
			Message string `json:"message"`
		}
		json.Unmarshal(req.Params(), &p)
		c.mu.Lock()
		c.messages = append(c.messages, p.Message)
		c.mu.Unlock()
	}
	select {
	case c.notified <- struct{}{}:
	default:
	}
	return nil, nil
}

// uri is the URI of a file of the workspace.
func (c *client) uri(name string) string { return string(uri.File(filepath.Join(c.dir, name))) }

// call sends a request and returns its raw result, recording both.
func (c *client) call(method string, params any) json.RawMessage {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var res json.RawMessage
	_, err := c.conn.Call(ctx, method, params, &res)
	c.record("->", method, params)
	if err != nil {
		c.record("<-", "error", err.Error())
		return nil
	}
	c.record("<-", "", res)
	return res
}

// notify sends a notification, recording it.
func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	c.record("->", method, params)
}

// record adds a message to the transcript, indented, with the workspace
// folder written $DIR so transcripts do not depend on where tests run.
func (c *client) record(dir, method string, v any) {
	b, ok := v.(json.RawMessage)
	if !ok {
		b, _ = json.Marshal(v)
	}
	var tree any
	if json.Unmarshal(b, &tree) == nil {
		shortenTexts(tree)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(tree)
		b = bytes.TrimSpace(buf.Bytes())
	}
	text := strings.ReplaceAll(string(b), string(uri.File(c.dir)), "file://$DIR")
	fmt.Fprintf(&c.transcript, "%s %s\n%s\n\n", dir, method, text)
}

// shortenTexts replaces the whole texts of documents opened and changed
// with their size: the transcript shows the answers, not the files again.
func shortenTexts(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "text" && len(s) > 200 {
				v[k] = fmt.Sprintf("<%d bytes>", len(s))
			}
			shortenTexts(x)
		}
	case []any:
		for _, x := range v {
			shortenTexts(x)
		}
	}
}

// initialize starts the session, offering UTF-8 positions when utf8 is set.
func (c *client) initialize(utf8 bool) json.RawMessage {
	c.t.Helper()
	caps := map[string]any{}
	c.unit = source.UTF16
	if utf8 {
		caps["general"] = map[string]any{"positionEncodings": []string{"utf-8", "utf-16"}}
		c.unit = source.UTF8
	}
	res := c.call("initialize", map[string]any{"processId": nil, "rootUri": string(uri.File(c.dir)), "capabilities": caps})
	c.notify("initialized", map[string]any{})
	return res
}

// open opens a workspace file in the editor with its text on disk, or text.
func (c *client) open(name string, text ...string) {
	c.t.Helper()
	body := strings.Join(text, "")
	if len(text) == 0 {
		b, err := os.ReadFile(filepath.Join(c.dir, name))
		if err != nil {
			c.t.Fatal(err)
		}
		body = string(b)
	}
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": c.uri(name), "languageId": "flow", "version": 1, "text": body,
	}})
}

// change replaces a document's whole text.
func (c *client) change(name string, version int, text string) {
	c.t.Helper()
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri(name), "version": version},
		"contentChanges": []any{map[string]any{"text": text}},
	})
}

// diagnosticsFor waits until the server has published the diagnostics of
// version of name (0: any version, or the empty list of a closed file) and
// returns them.
func (c *client) diagnosticsFor(name string, version int) json.RawMessage {
	c.t.Helper()
	deadline := time.After(wait)
	for {
		c.mu.Lock()
		list := c.diags[c.uri(name)]
		var last json.RawMessage
		if len(list) > 0 {
			last = list[len(list)-1]
		}
		c.mu.Unlock()
		if last != nil {
			var p struct {
				Version int `json:"version"`
			}
			json.Unmarshal(last, &p)
			if p.Version == version {
				c.record("<-", "textDocument/publishDiagnostics", last)
				return last
			}
		}
		select {
		case <-c.notified:
		case <-deadline:
			c.t.Fatalf("no diagnostics for %s version %d; got %s", name, version, list)
		}
	}
}

// at is the position of the first needle in text, moved by delta bytes,
// in the session's unit.
func (c *client) at(text, needle string, delta int) map[string]any {
	c.t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		c.t.Fatalf("%q is not in the text", needle)
	}
	p := source.NewFile("", []byte(text)).Point(i+delta, c.unit)
	return map[string]any{"line": p.Line, "character": p.Col}
}

// doc is a textDocument parameter for name.
func (c *client) doc(name string) map[string]any { return map[string]any{"uri": c.uri(name)} }

// golden compares the transcript with testdata/NAME.golden, or rewrites it
// with -update.
func (c *client) golden(name string) {
	c.t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got := c.transcript.Bytes()
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			c.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		c.t.Errorf("transcript differs from %s (-want +got):\n%s", path, d)
	}
}

// shipped reads a flow of the repository's flows folder.
func shipped(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "flows", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
