package runtime_test

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// signalledAnswers tells the test each time a copy of a delivery asks
// for its claim.
type signalledAnswers struct {
	runtime.AnswerStore
	claims chan string
}

func (s signalledAnswers) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	s.claims <- key
	return s.AnswerStore.Claim(ctx, key, ttl)
}

// blockedCRM is a lookup server that holds every request until released.
func blockedCRM(t *testing.T, body string) (*crm, chan struct{}) {
	release := make(chan struct{})
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		jsonHandler(body)(w, r)
	})
	return srv, release
}

// Twenty copies of one tencent SessionId arriving together run the flow
// and its lookup once, and all get the first copy's answer byte for byte:
// the first claims the delivery, the others wait for its answer.
func TestConcurrentCopiesRunTheFlowOnce(t *testing.T) {
	const copies = 20
	srv, release := blockedCRM(t, `{"vip": true, "name": "Zhang San"}`)
	store := signalledAnswers{runtime.NewMemoryAnswers(0), make(chan string, copies)}
	eng := newEngine(t, lookupFlow(t, srv.URL), runtime.WithAnswerStore(store))
	body := webhook(t, "tencent", platform.Call{Session: "copied-session", Caller: "+14155550100", Callee: "+8675500000000", Bound: platform.Bound{IVRID: 5}})

	results := serveCopies(t, copies, func(int) *runtime.Engine { return eng }, body, store.claims, release)

	if n := srv.hits.Load(); n != 1 {
		t.Errorf("the lookup ran %d times for %d copies of one delivery, want 1", n, copies)
	}
	answered := 0
	for i, res := range results {
		if res.Outcome == runtime.Answered {
			answered++
		} else if res.Outcome != runtime.Duplicate {
			t.Errorf("copy %d: outcome %s (err %v), want answered or duplicate", i, res.Outcome, res.Err)
		}
		if !bytes.Equal(res.Reply.Body, results[0].Reply.Body) || res.Reply.Status != results[0].Reply.Status {
			t.Errorf("copy %d answered %d %s, copy 0 %d %s: want identical answers", i, res.Reply.Status, res.Reply.Body, results[0].Reply.Status, results[0].Reply.Body)
		}
	}
	if answered != 1 {
		t.Errorf("%d copies ran the flow, want 1", answered)
	}
	if want := `{"CallInBound":{"OverrideAIAgentId":1,"Variables":[{"Key":"name","Value":"Zhang San"}]}}`; string(results[0].Reply.Body) != want {
		t.Errorf("answer %s, want %s (the lookup's value)", results[0].Reply.Body, want)
	}
}

// callbackFlow is a trigger flow for the callback platform.
const callbackFlow = `flow reminder
target callback
otherwise -> main
handler main {
  callback {
    leg A to e164(string(data.phone), "SG") from "+6561112222"
    leg B to "+6561112222" from e164(string(data.phone), "SG")
  }
}
`

// A trigger whose first delivery found no flow (404) is not refused when
// it is sent again after the flow is loaded: a 4xx answer is not replayed.
func TestTriggerRetriedAfterItsFlowIsLoaded(t *testing.T) {
	eng := newEngine(t, compile(t, "other.flow", "flow other\ntarget tencent\notherwise -> main\nhandler main {\n  agent 1\n}\n"))
	body := webhook(t, "callback", platform.Call{Session: "trigger-404", Caller: "+6591234567", Callee: "+6561112222",
		Data: map[string]any{"phone": "+6591234567"}})
	first := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "reminder", Body: body})
	if first.Reply.Status != http.StatusNotFound {
		t.Fatalf("without the flow: %d %s, want 404", first.Reply.Status, first.Reply.Body)
	}
	eng.Swap(compile(t, "reminder.flow", callbackFlow))
	again := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "reminder", Body: body})
	if again.Outcome != runtime.Answered || again.Reply.Status != http.StatusOK || !bytes.Contains(again.Reply.Body, []byte(`"leg_A"`)) {
		t.Errorf("the same trigger once the flow is loaded: %s %d %s, want it answered with the callback request", again.Outcome, again.Reply.Status, again.Reply.Body)
	}
	// That answer, a 200, is the one its retries get.
	if dup := serve(t, eng, &runtime.Request{Platform: "callback", Flow: "reminder", Body: body}); dup.Outcome != runtime.Duplicate || !bytes.Equal(dup.Reply.Body, again.Reply.Body) {
		t.Errorf("its retry: %s %s, want the duplicate of %s", dup.Outcome, dup.Reply.Body, again.Reply.Body)
	}
}

// Copies of one delivery spread over three replicas sharing their answer
// store run the flow and its lookup once, as on one replica.
func TestCopiesOnThreeReplicasRunTheFlowOnce(t *testing.T) {
	const copies = 12
	srv, release := blockedCRM(t, `{"vip": true, "name": "Zhang San"}`)
	store := signalledAnswers{runtime.NewMemoryAnswers(0), make(chan string, copies)}
	prog := lookupFlow(t, srv.URL)
	replicas := []*runtime.Engine{
		newEngine(t, prog, runtime.WithAnswerStore(store)),
		newEngine(t, prog, runtime.WithAnswerStore(store)),
		newEngine(t, prog, runtime.WithAnswerStore(store)),
	}
	body := webhook(t, "tencent", platform.Call{Session: "copied-session", Caller: "+14155550100", Callee: "+8675500000000", Bound: platform.Bound{IVRID: 5}})
	results := serveCopies(t, copies, func(i int) *runtime.Engine { return replicas[i%3] }, body, store.claims, release)
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("the lookup ran %d times for %d copies over 3 replicas, want 1", n, copies)
	}
	answered := 0
	for i, res := range results {
		if res.Outcome == runtime.Answered {
			answered++
		}
		if !bytes.Equal(res.Reply.Body, results[0].Reply.Body) {
			t.Errorf("copy %d answered %s, copy 0 %s: want identical answers", i, res.Reply.Body, results[0].Reply.Body)
		}
	}
	if answered != 1 {
		t.Errorf("%d copies ran the flow, want 1", answered)
	}
}

// serveCopies sends n copies of one tencent webhook at once, copy i to
// engine(i), waits until every copy has reached the answer store (claims)
// while the first is held in its lookup, then lets it go (release) and
// returns each copy's result.
func serveCopies(t *testing.T, n int, engine func(int) *runtime.Engine, body []byte, claims <-chan string, release chan struct{}) []*runtime.Result {
	t.Helper()
	results := make([]*runtime.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = serve(t, engine(i), &runtime.Request{Platform: "tencent", Body: body}) })
	}
	for range n {
		select {
		case <-claims:
		case <-time.After(2 * time.Second):
			t.Fatal("not every copy reached the answer store")
		}
	}
	close(release)
	wg.Wait()
	return results
}
