package lsp

import (
	"bytes"
	"log/slog"
	"runtime"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/callflow/callflow/lang/flowgen"
)

// BenchmarkP10 is figure P10: after a change, the time to check the new
// version of a document again and have its diagnostics, for a shipped flow
// and a 1 MiB flow, as the server does it (with the document's cache of
// the version before). Each iteration makes one keystroke's change:
//
//   - comment: a digit in the comment on the first line; nothing moves.
//   - insert: a newline put in, or taken out again, between two handlers
//     in the middle of the file; every later position moves.
//   - handler: a digit in a say text of a handler in the middle; that
//     handler is parsed and its expressions compiled again.
//
// The debounce (50ms) comes on top in an editor.
func BenchmarkP10(b *testing.B) {
	big := flowgen.Flow(1<<20 - 4) // 4 bytes for the comment each change edits
	for _, c := range []struct {
		name, src string
		edit      func(src []byte, v int) []byte
	}{
		{"shipped/comment", shipped(b, "support.flow"), editComment},
		{"1MiB/comment", big, editComment},
		{"1MiB/insert", big, insertMiddle},
		{"1MiB/handler", big, editHandler},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := newServer(&config{log: slog.New(slog.DiscardHandler), debounce: time.Hour, now: time.Now}, nil, func() {})
			defer s.stop()
			u := uri.File(b.TempDir() + "/f.flow")
			src := []byte("# 0\n" + c.src)
			d := newDocument(u, 0, src)
			s.docs.put(d)
			if a := s.analysis(d); a.diags.HasErrors() || a.tree == nil {
				b.Fatalf("the flow does not check clean: %v", a.diags)
			}
			v := 0
			cpu := cpuTime()
			for b.Loop() {
				v++
				src = c.edit(src, v)
				d := newDocument(u, int32(v), src)
				s.docs.put(d)
				if a := s.analysis(d); a.tree == nil || a.diags.HasErrors() {
					b.Fatalf("version %d: no tree, or errors: %v", v, a.diags)
				}
			}
			// CPU time, the process's on every core (the collector's too),
			// says more than wall time on a shared machine.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
			b.ReportMetric(float64(len(src))/(1<<10), "KiB")
			b.ReportMetric(cacheMiB(s, u), "cache-MiB")
		})
	}
}

// editComment changes the digit of the first line's comment.
func editComment(src []byte, v int) []byte {
	out := bytes.Clone(src)
	out[2] = byte('0' + v%10)
	return out
}

// insertMiddle puts a newline before the first handler past the middle on
// odd versions and takes it out on even ones.
func insertMiddle(src []byte, v int) []byte {
	mid := len(src) / 2
	at := mid + bytes.Index(src[mid:], []byte("\nhandler "))
	if v%2 == 1 {
		return append(append(append([]byte{}, src[:at]...), '\n'), src[at:]...)
	}
	return append(append([]byte{}, src[:at]...), src[at+1:]...)
}

// editHandler changes a digit in the first say text past the middle.
func editHandler(src []byte, v int) []byte {
	out := bytes.Clone(src)
	mid := len(out) / 2
	at := mid + bytes.Index(out[mid:], []byte("branch ")) + len("branch ")
	out[at] = byte('1' + v%9)
	return out
}

// cacheMiB is the memory the document's cache holds beyond its analysis:
// the heap in use with the cache, less the heap in use without it.
func cacheMiB(s *server, u uri.URI) float64 {
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	s.docs.mu.Lock()
	delete(s.docs.caches, u)
	s.docs.mu.Unlock()
	runtime.GC()
	runtime.ReadMemStats(&without)
	return float64(int64(with.HeapAlloc)-int64(without.HeapAlloc)) / (1 << 20)
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
