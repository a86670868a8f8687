package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
)

// FuzzStateFile reads any file as `run --state`'s state, the file a user
// may have edited by hand: it is refused with an error naming the file, or
// a run with it answers the webhooks of the calls it holds and of a new
// call without panicking, and the state that run writes back is one the
// next run reads.
func FuzzStateFile(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"secret":"AAAAAAAAAAAAAAAAAAAAAA=="}`, `{"unknown":1}`,
		`{"secret":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0","sessions":{"8x8|s1":{"session":null,"rev":1,"expires":"2099-01-01T00:00:00Z"}}}`,
		`{"secret":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0","sessions":{"8x8|s1":{"session":{"p":"8x8","id":"s1","f":"support","v":"x","h":"menu","pc":1,"r":"tok","rx":"2099-01-01T00:00:00Z","vars":{"a":[1,{"b":null}]},"at":"2026-01-01T00:00:00Z"},"rev":3,"expires":"2099-01-01T00:00:00Z"}},"answers":{"8x8|e1":{"status":200,"body":"{}","expires":"2099-01-01T00:00:00Z"}},"clock":{"at":"2026-01-01T00:00:00Z","machine":"2026-01-01T00:00:00Z"}}`,
	} {
		f.Add([]byte(s))
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "flows", "support.flow"))
	if err != nil {
		f.Fatal(err)
	}
	prog, ds := lang.CompileFile("support.flow", src)
	if ds.HasErrors() {
		f.Fatal(ds)
	}
	f.Add(walkedState(f, prog))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := openState(path)
		if err == nil {
			err = st.check(prog)
			if err != nil {
				st.close()
			}
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithStore(st), runtime.WithAnswerStore(st), runtime.WithSecret(st.Secret))
		if err != nil {
			st.close()
			t.Fatal(err)
		}
		calls := []platform.Call{{Session: "fuzz-new", Delivery: "fuzz-new-e0"}}
		for key, e := range st.Sessions {
			if id, ok := strings.CutPrefix(key, "8x8|"); ok && e.Session != nil && len(calls) < 4 {
				digits := "1"
				calls = append(calls, platform.Call{Session: id, Delivery: id + "-fuzz", Resume: e.Session.Resume, Digits: &digits})
			}
		}
		for _, c := range calls {
			c.Caller, c.Callee = "+6591234567", "+6512345678"
			body, err := eightbyeight.New().Webhook(c)
			if err != nil {
				continue // an id 8x8 would not send
			}
			res, _ := eng.Serve(context.Background(), &runtime.Request{Platform: "8x8", Body: body})
			if res == nil || res.Reply.Status != 200 {
				t.Fatalf("call %s: no answer from a state the run accepted: %+v", c.Session, res)
			}
		}
		err = st.save()
		st.close()
		if err != nil {
			t.Fatalf("a state the run accepted was not written back: %v", err)
		}
		again, err := openState(path)
		if err == nil {
			err = again.check(prog)
			again.close()
		}
		if err != nil {
			t.Fatalf("the state a run wrote is not one the next run reads: %v", err)
		}
	})
}

// walkedState is the state file of an 8x8 call waiting at support.flow's
// menu, as a run leaves it.
func walkedState(f *testing.F, prog *ir.Program) []byte {
	path := filepath.Join(f.TempDir(), "walked.json")
	st, err := openState(path)
	if err != nil {
		f.Fatal(err)
	}
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithStore(st), runtime.WithAnswerStore(st), runtime.WithSecret(st.Secret))
	if err != nil {
		f.Fatal(err)
	}
	body, _ := eightbyeight.New().Webhook(platform.Call{Session: "walked", Delivery: "walked-e0", Caller: "+6591234567", Callee: "+6512345678"})
	if _, err := eng.Serve(context.Background(), &runtime.Request{Platform: "8x8", Body: body}); err != nil {
		f.Fatal(err)
	}
	if err := st.save(); err != nil {
		f.Fatal(err)
	}
	st.close()
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
