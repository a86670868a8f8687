package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/runtime/flowtest"
)

// runTestCommand runs one test block; its arguments are the document's URI
// and the test's name.
const runTestCommand = "callflow.runTest"

// testResults remembers the last outcome of each test, so its lens shows it.
type testResults struct {
	mu   sync.Mutex
	last map[string]string // uri + "\x00" + name → "passed" or the failure
}

func (r *testResults) get(u uri.URI, name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last[string(u)+"\x00"+name]
}

func (r *testResults) set(u uri.URI, name, outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last = map[string]string{}
	}
	r.last[string(u)+"\x00"+name] = outcome
}

// CodeLens puts "run test" over each test block, with the last outcome.
func (s *server) CodeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	out := []protocol.CodeLens{}
	a := s.parsedDoc(p.TextDocument.URI)
	if a == nil {
		return out, nil
	}
	for _, decl := range a.tree.Decls {
		t, ok := decl.(*ast.Test)
		if !ok || t.Name == nil {
			continue
		}
		name, err := strconv.Unquote(t.Name.Text)
		if err != nil {
			continue
		}
		title := "▶ run test"
		switch last := s.tests.get(a.doc.uri, name); last {
		case "":
		case "passed":
			title = "✓ passed — run test"
		default:
			title = "✗ failed: " + last + " — run test"
		}
		out = append(out, protocol.CodeLens{
			Range:   s.spanRange(a.file, t.At),
			Command: protocol.Command{Title: title, Command: runTestCommand, Arguments: []protocol.LSPAny{jsonValue(string(a.doc.uri)), jsonValue(name)}},
		})
	}
	return out, nil
}

// ExecuteCommand runs a test block and shows its outcome: in a message, in
// the lens (refreshed), and as the command's result.
func (s *server) ExecuteCommand(ctx context.Context, p *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	if p.Command != runTestCommand || len(p.Arguments) != 2 {
		return nil, renameError("unknown command %q; callflow lsp runs %s with a document and a test name", p.Command, runTestCommand)
	}
	var us, name string
	if json.Unmarshal(p.Arguments[0], &us) != nil || json.Unmarshal(p.Arguments[1], &name) != nil {
		return nil, renameError("%s takes a document URI and a test name, both strings", runTestCommand)
	}
	d := s.doc(uri.URI(us))
	if d == nil {
		return nil, renameError("%s is not open", us)
	}
	outcome := s.runTest(ctx, d, name)
	s.tests.set(d.uri, name, outcome)
	msg := fmt.Sprintf("test %q: %s", name, outcome)
	typ := protocol.MessageTypeInfo
	if outcome != "passed" {
		typ = protocol.MessageTypeError
	}
	_ = s.client.ShowMessage(ctx, &protocol.ShowMessageParams{Type: typ, Message: msg})
	go s.refreshLenses()
	return jsonValue(map[string]any{"test": name, "passed": outcome == "passed", "message": msg}), nil
}

// jsonValue encodes v, which is always encodable, as an LSPAny.
func jsonValue(v any) protocol.LSPAny {
	b, _ := json.Marshal(v)
	return b
}

// runTest compiles the document's flow with its tests and runs one test,
// as `callflow test --run` would; it returns "passed" or what went wrong.
func (s *server) runTest(ctx context.Context, d *document, name string) string {
	a := s.analysis(d)
	if a.flow == nil || a.all.Diagnostics.HasErrors() {
		return "the flow does not compile; fix its errors first"
	}
	fsys := s.folder(d)
	paths := []string{a.flow.Unit.Main.Name}
	for _, t := range a.flow.Unit.Tests {
		paths = append(paths, t.Name)
	}
	prog, ds := lang.CompileFiles(fsys, paths, compileOptions...)
	if prog == nil {
		return fmt.Sprintf("the flow does not compile: %v", ds.Err())
	}
	re := regexp.MustCompile("^" + regexp.QuoteMeta(a.flow.Unit.Main.Flow.Name+"/"+name) + "$")
	rep := flowtest.Run(ctx, prog, flowtest.WithFS(fsys), flowtest.WithRun(re))
	for _, t := range rep.Tests {
		if t.Failure != nil {
			return t.Failure.Error()
		}
	}
	if len(rep.Tests) == 0 {
		return "no such test"
	}
	return "passed"
}

// refreshLenses asks the client to ask for the lenses again, so they show
// the outcome. It is a request to the client, answered on the reading
// goroutine: it is sent apart from the command's answer, and given up after
// a while if the client never answers.
func (s *server) refreshLenses() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.client.CodeLensRefresh(ctx); err != nil {
		s.log.Info("code lens refresh", "err", err)
	}
}
