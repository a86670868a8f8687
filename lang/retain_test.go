package lang_test

import (
	"runtime"
	"testing"

	"github.com/callflow/callflow/lang"
)

// TestProgramSize bounds what a compiled program keeps: what a server
// holds for as long as it serves the flows. It held 28 times its source
// when each flow kept its syntax trees, an expr-lang program with expr's
// own tree for each expression, constants included, and a copy of its
// time zone; 11.6 when each expression that is not a constant kept its
// expr-lang program; about 8.4 now that those are compiled when they first
// run (BenchmarkP4Memory has the figures).
func TestProgramSize(t *testing.T) {
	fsys, _, input := flowSet(1 << 20)
	lang.CompileDir(fsys) // participle's and expr's caches are not the program
	before := liveHeap()
	prog, ds := lang.CompileDir(fsys)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	kept := float64(liveHeap()-before) / float64(input)
	runtime.KeepAlive(prog)
	if kept > 10 {
		t.Errorf("the program of %d bytes of flows holds %.1f times that; want at most 10", input, kept)
	}
}

// liveHeap is the heap's size after a collection: what is reachable.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
