package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/callflow/callflow/cmd/callflow/internal/lsp"
)

type lspCmd struct {
	Log string `placeholder:"FILE" type:"path" help:"Append the server's log to FILE (stdout carries the protocol, so the log cannot go there)."`
}

func (c *lspCmd) Run(e *env) error {
	opts := []lsp.Option{lsp.WithVersion(toolVersion())}
	if c.Log != "" {
		f, err := os.OpenFile(c.Log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return fail(exitUsage, "--log: %v", err)
		}
		defer f.Close()
		opts = append(opts, lsp.WithLog(f))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := lsp.Serve(ctx, stdio{e.stdin, e.stdout}, opts...); err != nil {
		return fail(exitUsage, "%v", err)
	}
	return nil
}

// stdio is the protocol's stream: requests on stdin, answers on stdout.
type stdio struct {
	io.Reader
	io.Writer
}

// Close leaves the process's standard streams to the process.
func (stdio) Close() error { return nil }
