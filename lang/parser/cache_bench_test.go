package parser_test

import (
	"testing"

	"github.com/callflow/callflow/lang/parser"
	"github.com/callflow/callflow/lang/source"
)

// BenchmarkCachedParse1MiB parses a 1 MiB flow again with the cache of the
// version before, after a newline put in (or taken out) at its top: every
// statement is taken from the cache and moved, the worst an edit costs.
func BenchmarkCachedParse1MiB(b *testing.B) {
	src := bigFlow(parser.MaxFileSize - 1)
	at := len("flow big\n")
	moved := append(append(append([]byte{}, src[:at]...), '\n'), src[at:]...)
	c := parser.NewCache()
	parser.Parse(source.NewFile("big.flow", src), parser.WithCache(c))
	defer reportCPU(b)()
	v := 0
	for b.Loop() {
		v++
		text := src
		if v%2 == 1 {
			text = moved
		}
		if _, ds := parser.Parse(source.NewFile("big.flow", text), parser.WithCache(c)); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
