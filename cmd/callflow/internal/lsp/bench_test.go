package lsp

import (
	"log/slog"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/flowgen"
)

// BenchmarkP10 is figure P10: after a change, the time to check the new
// version of a document again and have its diagnostics, for a shipped flow
// and a 1 MiB flow. Each iteration changes one character (a digit in a
// comment), as a keystroke does, so nothing can be reused from the
// version before. The debounce (50ms) comes on top in an editor.
func BenchmarkP10(b *testing.B) {
	big := flowgen.Flow(1<<20 - 4) // 4 bytes for the comment each change edits
	for _, c := range []struct{ name, src string }{
		{"shipped", shipped(b, "support.flow")},
		{"1MiB", big},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := newServer(&config{log: slog.New(slog.DiscardHandler), debounce: time.Hour, now: time.Now}, nil, func() {})
			defer s.stop()
			u := uri.File(b.TempDir() + "/f.flow")
			src := []byte("# 0\n" + c.src)
			if a := s.analysis(newDocument(u, 0, src)); a.diags.HasErrors() || a.tree == nil {
				b.Fatalf("the flow does not check clean: %v", a.diags)
			}
			v := int32(0)
			for b.Loop() {
				v++
				src[2] = byte('0' + v%10)
				d := newDocument(u, v, src)
				s.docs.put(d)
				if a := s.analysis(d); a.tree == nil {
					b.Fatal("no tree")
				}
			}
			b.ReportMetric(float64(len(src))/(1<<10), "KiB")
		})
	}
}
