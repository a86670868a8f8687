package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/flowgen"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/internal/verbschema"
	"github.com/callflow/callflow/runtime/platform"
)

// R12 of shared/spec/quality.md: whatever a flow author writes that `check`
// accepts renders on every target at run time, for literal values. Random
// flows use every step and option with values across and just past each
// platform's ranges; every one the checker accepts is run on its target
// through the engine and the adapter's Render, captures answered, and must
// be answered, never with the safe fallback.

// propertyFlows is how many flows per target the test generates.
const propertyFlows = 600

func TestCheckedFlowsRender(t *testing.T) {
	n := propertyFlows
	if testing.Short() {
		n = 100
	}
	for ti, target := range flowgen.Targets {
		accepted, failed := 0, 0
		for seed := range uint64(n) {
			src := flowgen.Random(flowgen.Seeded(seed*uint64(len(flowgen.Targets))+uint64(ti)), "g", target)
			ok, err := compileAndRun(src, target, nil)
			if err != nil {
				t.Errorf("%s, seed %d: the checker accepts this flow, but it fails at run time: %v\n%s", target, seed, err, src)
				if failed++; failed == 3 {
					break
				}
			}
			if ok {
				accepted++
			}
		}
		t.Logf("%s: the checker accepted %d of %d generated flows", target, accepted, n)
		// Both sides of the property must be exercised: flows the checker
		// accepts and flows it rejects.
		if accepted < n/20 || accepted == n {
			t.Errorf("%s: the checker accepted %d of %d generated flows; the generator no longer spans the ranges", target, accepted, n)
		}
	}
}

// TestCheckedJambonzAnswersMatchVerbSchema holds R12 to jambonz's own
// oracle: an answer jambonz would refuse fails the call as surely as a
// render error, so every answer of every generated jambonz flow the
// checker accepts must be a verb array its official schema accepts.
func TestCheckedJambonzAnswersMatchVerbSchema(t *testing.T) {
	node := verbschema.Node(t)
	n := propertyFlows
	if testing.Short() {
		n = 100
	}
	dir := t.TempDir()
	var files []string
	flowOf := map[string]string{} // each answer's flow, for the report
	keep := func(body []byte) {
		name := filepath.Join(dir, fmt.Sprintf("answer%d.json", len(files)))
		if err := os.WriteFile(name, body, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	for seed := range uint64(n) {
		src := flowgen.Random(flowgen.Seeded(seed), "g", "jambonz")
		first := len(files)
		if _, err := compileAndRun(src, "jambonz", keep); err != nil {
			t.Fatalf("seed %d: the checker accepts this flow, but it fails at run time: %v\n%s", seed, err, src)
		}
		for _, f := range files[first:] {
			flowOf[f] = src
		}
	}
	if out, ok := verbschema.Validate(t, node, files); !ok {
		for _, line := range strings.Split(out, "\n") {
			if file, _, found := strings.Cut(strings.TrimPrefix(line, "invalid "), ":"); found && strings.HasPrefix(line, "invalid ") {
				t.Fatalf("the checker accepts this flow, but jambonz's schema refuses its answer: %s\n%s", line, flowOf[file])
			}
		}
		t.Fatalf("the schema failed:\n%s", out)
	}
	t.Logf("%d answers of %d generated flows valid against @jambonz/verb-specifications", len(files), n)
}

// FuzzCompileRender is the property above over flows the fuzzer chooses:
// each byte of choices picks the next step, option or value.
func FuzzCompileRender(f *testing.F) {
	for seed := range uint64(8) {
		var b []byte
		c := flowgen.Seeded(seed)
		for range 64 {
			b = append(b, byte(c.IntN(256)))
		}
		f.Add(uint8(seed), b)
	}
	f.Fuzz(func(t *testing.T, target uint8, choices []byte) {
		name := flowgen.Targets[int(target)%len(flowgen.Targets)]
		bs := flowgen.Bytes(choices)
		src := flowgen.Random(&bs, "g", name)
		if _, err := compileAndRun(src, name, nil); err != nil {
			t.Fatalf("the checker accepts this flow, but it fails at run time: %v\n%s", err, src)
		}
	})
}

// compileAndRun compiles src and, when the checker reports no error, calls
// it on target and answers each capture until the call ends, passing each
// answer's body to answered (when not nil). It reports whether the flow
// compiled, and the first answer that was not the flow's.
func compileAndRun(src, target string, answered func(body []byte)) (bool, error) {
	prog, ds := lang.CompileFile("g.flow", []byte(src))
	if ds.HasErrors() || prog == nil {
		return false, nil
	}
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithSecret(testSecret))
	if err != nil {
		return true, err
	}
	decl, ok := runtime.LookupPlatform(target)
	if !ok {
		return true, fmt.Errorf("no platform %s", target)
	}
	call := platform.Call{Session: "s-1", Caller: "+84912345678", Callee: "+6512345678",
		Data: map[string]any{"k": "v"}}
	var last []byte // the answer the platform last got
	for round := range 6 {
		call.Delivery = fmt.Sprintf("d-%d", round)
		body, err := decl.Adapter.Webhook(call)
		if err != nil {
			return true, err
		}
		req := &runtime.Request{Platform: target, Flow: "g", Body: body, Header: decl.WebhookHeader()}
		if wt, ok := decl.Adapter.(platform.WebhookTarget); ok { // a resume token in the last answer's action URL
			if req.URL, err = wt.WebhookURL(call, last); err != nil {
				return true, err
			}
		}
		res, err := eng.Serve(context.Background(), req)
		if res.Outcome != runtime.Answered {
			return true, fmt.Errorf("outcome %s: %w", res.Outcome, errors.Join(err, res.Err))
		}
		if answered != nil {
			answered(res.Reply.Body)
		}
		if res.Response == nil || len(res.Response.Actions) == 0 {
			return true, nil
		}
		last = res.Reply.Body
		call = resumeWith(call, res.Response, round)
		if call.Resume == "" {
			return true, nil
		}
	}
	return true, nil
}

// resumeWith is the webhook that answers what resp waits at, the round's
// way: a capture's keys (or none), a recording's end (or nothing
// recorded), a bridged call's outcome. Its Resume is "" when resp waits
// at nothing: the call is over.
func resumeWith(call platform.Call, resp *platform.Response, round int) platform.Call {
	next := platform.Call{Session: call.Session, Caller: call.Caller, Callee: call.Callee, Data: call.Data, Resume: resp.Resume}
	switch a := resp.Actions[len(resp.Actions)-1].(type) {
	case platform.Capture:
		digits := []string{"1", "12345", "", "*"}[round%4]
		next.Digits = &digits
	case platform.Record:
		next.Recorded, next.RecordingURL = true, []string{"https://rec.example.com/r1.mp3", ""}[round%2]
	case platform.MakeCall:
		if !a.Continues {
			next.Resume = ""
		}
		next.DialOutcome = lplatform.DialOutcomes()[round%4]
	default:
		next.Resume = ""
	}
	return next
}
