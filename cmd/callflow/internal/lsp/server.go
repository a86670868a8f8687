package lsp

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"

	"github.com/callflow/callflow/lang/source"
)

// server holds one client's session: its documents, the position encoding
// agreed at initialize, and the diagnostics worker.
type server struct {
	protocol.UnimplementedServer

	log     *slog.Logger
	now     func() time.Time
	version string
	client  protocol.Client
	exit    func() // ends the session once the answers in flight are written

	docs  *store
	diags *publisher
	unit  atomic.Uint32 // source.Unit of positions, set by initialize

	tests    testResults
	inflight sync.WaitGroup // requests not yet answered; exit waits for them
	panics   atomic.Int64   // handlers that panicked, recovered
}

func newServer(cfg *config, client protocol.Client, exit func()) *server {
	s := &server{log: cfg.log, now: cfg.now, version: cfg.version, client: client, exit: exit, docs: newStore()}
	s.diags = newPublisher(s, cfg.debounce)
	return s
}

func (s *server) stop() { s.diags.stop() }

// encoding is the unit the client and the server agreed positions count in.
func (s *server) encoding() source.Unit { return source.Unit(s.unit.Load()) }

// Initialize agrees on the position encoding (UTF-8 when the client offers
// it, else UTF-16, the protocol's default) and lists what the server does.
func (s *server) Initialize(ctx context.Context, p *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	enc := protocol.PositionEncodingKindUTF16
	if g := p.Capabilities.General; g != nil && slices.Contains(g.PositionEncodings, protocol.PositionEncodingKindUTF8) {
		enc = protocol.PositionEncodingKindUTF8
		s.unit.Store(uint32(source.UTF8))
	}
	incremental := protocol.TextDocumentSyncKindIncremental
	yes := true
	return &protocol.InitializeResult{
		ServerInfo: protocol.ServerInfo{Name: "callflow", Version: protocol.NewOptional(s.version)},
		Capabilities: protocol.ServerCapabilities{
			PositionEncoding:                enc,
			TextDocumentSync:                &protocol.TextDocumentSyncOptions{OpenClose: &yes, Change: &incremental},
			HoverProvider:                   protocol.Boolean(true),
			DefinitionProvider:              protocol.Boolean(true),
			ReferencesProvider:              protocol.Boolean(true),
			RenameProvider:                  &protocol.RenameOptions{PrepareProvider: &yes},
			DocumentSymbolProvider:          protocol.Boolean(true),
			DocumentFormattingProvider:      protocol.Boolean(true),
			DocumentRangeFormattingProvider: protocol.Boolean(true),
			CompletionProvider:              &protocol.CompletionOptions{TriggerCharacters: []string{" ", "{", "."}},
			CodeActionProvider:              &protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}},
			CodeLensProvider:                &protocol.CodeLensOptions{},
			ExecuteCommandProvider:          protocol.ExecuteCommandOptions{Commands: []string{runTestCommand}},
			SemanticTokensProvider:          semanticTokensOptions(),
		},
	}, nil
}

// Initialized needs no answer.
func (s *server) Initialized(context.Context, *protocol.InitializedParams) error { return nil }

// Shutdown stops checking; exit then ends the session.
func (s *server) Shutdown(context.Context) error {
	s.diags.stop()
	return nil
}

// Exit ends the session once every request read before it is answered.
func (s *server) Exit(context.Context) error {
	s.diags.stop()
	go func() {
		s.inflight.Wait()
		s.exit()
	}()
	return nil
}

// SetTrace is accepted and ignored: the log is configured with --log.
func (s *server) SetTrace(context.Context, *protocol.SetTraceParams) error { return nil }

// DidChangeConfiguration is accepted: the server has no settings yet.
func (s *server) DidChangeConfiguration(context.Context, *protocol.DidChangeConfigurationParams) error {
	return nil
}

// DidSave is accepted: the document's text is already known from changes.
func (s *server) DidSave(context.Context, *protocol.DidSaveTextDocumentParams) error { return nil }
