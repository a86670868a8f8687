package lsp

import (
	"context"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/diag"
)

// publisher checks documents once they have been quiet for the debounce
// period and publishes their diagnostics. One worker does every check and
// every publication, so the diagnostics of a document are published in the
// order of its versions, and the empty list sent on close is the last.
type publisher struct {
	s        *server
	debounce time.Duration

	mu      sync.Mutex
	timers  map[uri.URI]*time.Timer
	pending []uri.URI
	queued  map[uri.URI]bool
	stopped bool
	wake    chan struct{}
	done    chan struct{}
}

func newPublisher(s *server, debounce time.Duration) *publisher {
	p := &publisher{
		s: s, debounce: debounce, timers: map[uri.URI]*time.Timer{}, queued: map[uri.URI]bool{},
		wake: make(chan struct{}, 1), done: make(chan struct{}),
	}
	go p.work()
	return p
}

// schedule checks u after the debounce period, restarting the period when
// it is already waiting: a burst of keystrokes costs one check.
func (p *publisher) schedule(u uri.URI) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if t := p.timers[u]; t != nil {
		t.Reset(p.debounce)
		return
	}
	p.timers[u] = time.AfterFunc(p.debounce, func() { p.enqueue(u) })
}

// closed clears u's diagnostics at once.
func (p *publisher) closed(u uri.URI) {
	p.mu.Lock()
	if t := p.timers[u]; t != nil {
		t.Stop()
		delete(p.timers, u)
	}
	p.mu.Unlock()
	p.enqueue(u)
}

func (p *publisher) enqueue(u uri.URI) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.queued[u] {
		return
	}
	delete(p.timers, u)
	p.queued[u] = true
	p.pending = append(p.pending, u)
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *publisher) next() (uri.URI, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 {
		return "", false
	}
	u := p.pending[0]
	p.pending = p.pending[1:]
	delete(p.queued, u)
	return u, true
}

func (p *publisher) work() {
	for {
		select {
		case <-p.done:
			return
		case <-p.wake:
		}
		for u, ok := p.next(); ok; u, ok = p.next() {
			p.publish(u)
		}
	}
}

// publish checks the newest version of u and publishes its diagnostics,
// unless a newer version arrived meanwhile (that one is scheduled and will
// be published instead); a closed document gets the empty list.
func (p *publisher) publish(u uri.URI) {
	params := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: []protocol.Diagnostic{}}
	if d := p.s.docs.get(u); d != nil {
		start := time.Now()
		a := p.s.analysis(d)
		if p.s.docs.get(u) != d {
			return
		}
		p.s.log.Debug("checked", "uri", u, "version", d.version, "took", time.Since(start), "diagnostics", len(a.diags))
		params.Version = protocol.NewOptional(d.version)
		params.Diagnostics = p.s.diagnostics(a)
	}
	if err := p.s.client.PublishDiagnostics(context.Background(), params); err != nil {
		p.s.log.Warn("publishing diagnostics", "uri", u, "err", err)
	}
}

func (p *publisher) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.stopped = true
	for _, t := range p.timers {
		t.Stop()
	}
	close(p.done)
}

// diagnostics converts the analysis's diagnostics for the protocol.
func (s *server) diagnostics(a *analysis) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(a.diags))
	for _, d := range a.diags {
		out = append(out, s.diagnostic(a, d))
	}
	return out
}

// diagnostic is d as an editor shows it: `check`'s code, severity, span,
// summary and hint, the code linking to its entry in docs/language.md, and
// unreachable code marked unnecessary (editors fade it).
func (s *server) diagnostic(a *analysis, d *diag.Diagnostic) protocol.Diagnostic {
	msg := d.Summary
	if h := d.Hint(); h != "" {
		msg += "\n" + h
	}
	out := protocol.Diagnostic{
		Range:    s.spanRange(a.file, d.Subject),
		Severity: protocol.DiagnosticSeverityWarning,
		Code:     protocol.String(d.Code),
		Source:   protocol.NewOptional("callflow"),
		Message:  protocol.String(msg),
	}
	if d.Severity == diag.Error {
		out.Severity = protocol.DiagnosticSeverityError
	}
	if r, ok := diag.RuleFor(d.Code); ok {
		out.CodeDescription = protocol.CodeDescription{Href: uri.URI(diag.HelpURI(r))}
	}
	switch d.Code {
	case diag.UnreachableHandler, diag.UnreachableRule, diag.UnreachableStep, diag.UnusedSuppression:
		out.Tags = protocol.NewDiagnosticTags(protocol.DiagnosticTagUnnecessary)
	}
	for _, r := range d.Related {
		name := r.Span.File
		if name == "" {
			name = d.Subject.File
		}
		if f, u, ok := a.fileOf(name); ok {
			out.RelatedInformation = append(out.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: s.location(u, f, r.Span), Message: r.Message,
			})
		}
	}
	return out
}
