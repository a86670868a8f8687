package flowtest_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/runtime/flowtest"
)

// outcome is how one test of a report should end: passed when fails is
// "", else failed with a Failure whose "FILE:LINE:COL: MESSAGE" holds fails.
type outcome struct{ name, fails string }

// checkOutcomes reports every test of rep that did not end as want says.
func checkOutcomes(t *testing.T, rep flowtest.Report, want []outcome) {
	t.Helper()
	for _, w := range want {
		r := result(t, rep, w.name)
		switch {
		case w.fails == "" && !r.Passed():
			t.Errorf("%q failed: %v", w.name, r.Failure)
		case w.fails != "" && r.Passed():
			t.Errorf("%q passed, want a failure saying %s", w.name, w.fails)
		case w.fails != "" && !strings.Contains(r.Failure.Error(), w.fails):
			t.Errorf("%q fails with\n  %v\nwant it to say\n  %s", w.name, r.Failure, w.fails)
		}
	}
}

// files is a file system of names and contents, given in pairs.
func files(namesAndContents ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 0; i+1 < len(namesAndContents); i += 2 {
		fsys[namesAndContents[i]] = &fstest.MapFile{Data: []byte(namesAndContents[i+1])}
	}
	return fsys
}
