package jambonz_test

import (
	"context"
	"flag"
	"os"
	"regexp"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime/flowtest"
)

// The example flows testdata/flows/desk.flow and transfer.flow (the steps
// of language.md §8.6: pause, say language, an audio prompt with bargein,
// a SIP transfer with outcome blocks, a user target) run their tests, as `callflow
// test` does, through the jambonz declaration: call hooks, gather
// actionHooks carrying the resume token, every handler entered. Its golden
// answers (desk_*.json) are checked against the verb schema with the
// others.
func TestExampleFlow(t *testing.T) {
	fsys := os.DirFS("testdata/flows")
	prog, diags := lang.CompileDir(fsys)
	if diags.HasErrors() || prog == nil {
		t.Fatalf("the example flows do not compile:\n%v", diags)
	}
	var opts []flowtest.Option
	if updating() {
		opts = append(opts, flowtest.WithUpdate(func(name string, b []byte) error { return os.WriteFile("testdata/flows/"+name, b, 0o644) }))
	}
	rep := flowtest.Run(context.Background(), prog, append(opts, flowtest.WithFS(fsys))...)
	if len(rep.Tests) < 14 {
		t.Fatalf("%d tests ran, want the 7 of desk_test.flow and the 7 of transfer_test.flow", len(rep.Tests))
	}
	for _, r := range rep.Tests {
		if r.Failure != nil {
			t.Errorf("FAIL %s: %q: %s", r.Failure.At, r.Name, r.Failure.Msg)
		}
	}
	for _, c := range rep.Coverage {
		if c.Handlers.Hit != c.Handlers.Total {
			t.Errorf("the tests enter %s handlers of %s", c.Handlers, c.Flow)
		}
	}
}

// updating reports render_test.go's -update flag.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// regexpActionHook matches an actionHook on the public URL of the server
// tests, whose tokens differ on every run.
var regexpActionHook = regexp.MustCompile(`"actionHook":"https://calls\.example\.com/cf/hooks/jambonz\?[^"]*"`)
