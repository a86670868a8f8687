package runtime_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// bombFlow builds whatever a trigger asks for: the memory bomb of issue 10.
const bombFlow = `flow bomb
target callback
otherwise -> main
handler main {
  set big = repeat(string(data.s), int(data.n))
  callback {
    leg A to caller from "+6561112222"
    leg B to "+6561112222" from caller
  }
}
`

// bombTrigger is one trigger under the 64 KiB body limit asking for
// 60,000 characters 999,999 times: 60 GB.
func bombTrigger(t testing.TB, id string, n int) []byte {
	t.Helper()
	body := webhook(t, "callback", platform.Call{Session: id, Caller: "+6591234567", Callee: "+6561112222",
		Data: map[string]any{"s": strings.Repeat("x", 60000), "n": n}})
	if len(body) > runtime.MaxBody {
		t.Fatalf("the trigger is %d bytes, over the body limit", len(body))
	}
	return body
}

func TestMemoryBombGetsTheFallback(t *testing.T) {
	var logs bytes.Buffer
	eng := newEngine(t, compile(t, "bomb.flow", bombFlow), runtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	res := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "bomb", Body: bombTrigger(t, "bomb-1", 999999)})
	if res.Outcome != runtime.Fallback || errCode(res.Err) != "memory" {
		t.Fatalf("%s %d %s err %v, want the fallback with a memory error", res.Outcome, res.Reply.Status, res.Reply.Body, res.Err)
	}
	const at = "bomb.flow:5:13"
	if !strings.HasPrefix(res.Err.Error(), at) || !strings.Contains(res.Err.Error(), "repeat would build 59999940000 bytes") {
		t.Errorf("error %q, want it at %s naming repeat and the size", res.Err, at)
	}
	line := logs.String()
	if !strings.Contains(line, "answered with the safe fallback") || !strings.Contains(line, at) || !strings.Contains(line, "runtime error[memory]") {
		t.Errorf("log %q, want the fallback logged with %s and the memory code", line, at)
	}
	if len(line) > 2000 {
		t.Errorf("the log line is %d bytes: it must not carry the trigger's data", len(line))
	}
	// The engine keeps answering: the same flow with a small count works.
	res = serve(t, eng, &runtime.Request{Platform: "callback", Flow: "bomb", Body: bombTrigger(t, "bomb-2", 3)})
	if res.Outcome != runtime.Answered {
		t.Errorf("a 180 kB value: %s %s err %v, want answered", res.Outcome, res.Reply.Body, res.Err)
	}
}

// TestWebhookMemoryBudget: each step builds less than the largest value,
// but one webhook may not build more than MaxMemory in all.
func TestWebhookMemoryBudget(t *testing.T) {
	var sets strings.Builder
	for i := range 20 {
		// string() copies the 60,000 bytes, repeat builds 960,000, the
		// variable keeps them
		fmt.Fprintf(&sets, "  set v%d = repeat(string(data.s), 16)\n", i)
	}
	src := "flow budget\ntarget callback\notherwise -> main\nhandler main {\n" + sets.String() +
		"  callback {\n    leg A to caller from \"+6561112222\"\n    leg B to \"+6561112222\" from caller\n  }\n}\n"
	eng := newEngine(t, compile(t, "budget.flow", src))
	for i := range 2 { // the budget is per webhook, not per engine
		res := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "budget", Body: bombTrigger(t, fmt.Sprint("budget-", i), 0)})
		want := 1 + exprs.MaxMemory/(60003+2*960000) // the first set over the budget
		at := fmt.Sprintf("budget.flow:%d:", 4+want)
		if res.Outcome != runtime.Fallback || errCode(res.Err) != "memory" || !strings.HasPrefix(res.Err.Error(), at) {
			t.Fatalf("webhook %d: %s err %v, want a memory error at %s", i, res.Outcome, res.Err, at)
		}
	}
}

// BenchmarkR8 is figure R8 of quality.md: what one hostile webhook (the
// 60 GB repeat) costs the server. B/op is the memory it allocates.
//
//	go test -run '^$' -bench R8 -benchmem ./runtime/
func BenchmarkR8(b *testing.B) {
	eng := newEngine(b, compile(b, "bomb.flow", bombFlow))
	// Every trigger has a new id (a repeated one would be answered from
	// the replay cache); the bodies are made outside the timed code.
	template := bombTrigger(b, "r8-000000000", 999999)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		body := bytes.Replace(template, []byte("r8-000000000"), fmt.Appendf(nil, "r8-%09d", i), 1)
		b.StartTimer()
		res := serve(b, eng, &runtime.Request{Platform: "callback", Flow: "bomb", Body: body})
		if errCode(res.Err) != "memory" {
			b.Fatalf("err %v, want a memory error", res.Err)
		}
	}
}

// A list of references to one string builds little but would print (in a
// say, a Tencent variable, the session) as much as its copies: the value an
// expression yields is checked too.
func TestSharedValueBomb(t *testing.T) {
	eng := newEngine(t, compile(t, "shared.flow", `flow shared
target callback
otherwise -> main
handler main {
  set s = data.s
  set many = map(1..1000, s)
  callback {
    leg A to caller from "+6561112222"
    leg B to "+6561112222" from caller
  }
}
`))
	res := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "shared", Body: bombTrigger(t, "shared-1", 0)})
	if errCode(res.Err) != "memory" || !strings.HasPrefix(res.Err.Error(), "shared.flow:6:14") || !strings.Contains(res.Err.Error(), "would print as more than 1000000 bytes") {
		t.Errorf("%s err %v, want a memory error at shared.flow:6:14", res.Outcome, res.Err)
	}
}

// What variables keep counts against the budget: each set keeps 60,000
// bytes of the trigger's data and builds nothing.
func TestKeptValuesCount(t *testing.T) {
	var sets strings.Builder
	for i := range 300 {
		fmt.Fprintf(&sets, "  set v%d = data.s\n", i)
	}
	src := "flow keep\ntarget callback\notherwise -> main\nhandler main {\n" + sets.String() +
		"  callback {\n    leg A to caller from \"+6561112222\"\n    leg B to \"+6561112222\" from caller\n  }\n}\n"
	eng := newEngine(t, compile(t, "keep.flow", src))
	res := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "keep", Body: bombTrigger(t, "keep-1", 0)})
	want := 1 + exprs.MaxMemory/60000 // the first set over the budget
	at := fmt.Sprintf("keep.flow:%d:", 4+want)
	if errCode(res.Err) != "memory" || !strings.HasPrefix(res.Err.Error(), at) || !strings.Contains(res.Err.Error(), "set would bring") {
		t.Errorf("%s err %v, want a memory error at %s", res.Outcome, res.Err, at)
	}
}
