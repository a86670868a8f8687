package flowgen_test

import (
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/flowgen"
)

// Flow makes one flow as large as asked, never larger, that checks clean.
func TestFlowChecksClean(t *testing.T) {
	for _, size := range []int{16 << 10, 64 << 10} {
		src := flowgen.Flow(size)
		if len(src) > size || len(src) < size*8/10 {
			t.Errorf("Flow(%d) is %d bytes", size, len(src))
		}
		if _, ds := lang.CompileFile("big.flow", []byte(src)); len(ds) > 0 {
			t.Errorf("Flow(%d) does not check clean:\n%s", size, ds)
		}
	}
}
