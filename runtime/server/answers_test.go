package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/server"
)

// reminderFlow is a callback flow that reads a phone number from the
// trigger's data; "12" is not one, which fails the flow at 6:14.
const reminderFlow = `flow reminder
target callback
otherwise -> main
handler main {
  callback {
    leg A to e164(string(data.phone), "SG") from "+6561112222"
    leg B to "+6561112222" from "+6561112222"
  }
}
`

// crmFlow is a tencent flow whose answer depends on a lookup.
func crmFlow(base string) string {
	return `flow crm
target tencent
number "+8675500000000"
lookup customer = get "` + base + `/customers/${caller}" timeout 2s else {name: "nobody"}
otherwise -> main
handler main {
  set name = customer.name
  agent 1
}
`
}

// engineServer serves prog on loopback with an engine built with opts.
func engineServer(t *testing.T, prog *ir.Program, opts ...runtime.Option) (string, *runtime.Engine) {
	t.Helper()
	eng, err := runtime.New(append([]runtime.Option{runtime.WithFlows(prog)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(eng)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL, eng
}

// errorOf is the code and message of a JSON error answer.
func errorOf(t *testing.T, body []byte) (string, string) {
	t.Helper()
	code, err := errorCode(body)
	if err != nil {
		t.Fatal(err)
	}
	_, msg, _ := strings.Cut(string(body), `"message":`)
	return code, msg
}

// A trigger whose data makes its flow fail is answered 422 with the .flow
// position and the reason: sending the same data again cannot help. (It
// was 503 flow_unavailable, which tells senders to retry forever.)
func TestTriggerWithBadDataIs422(t *testing.T) {
	url, _ := engineServer(t, compile(t, map[string]string{"reminder.flow": reminderFlow}))
	body := `{"id":"bad-data-1","from":"+6591234567","to":"+6561112222","data":{"phone":"12"}}`
	for range 2 { // and again: the refusal is not stored, the flow runs again
		status, out, err := post(url+"/hooks/callback/reminder", "application/json", body, nil)
		if err != nil {
			t.Fatal(err)
		}
		code, msg := errorOf(t, out)
		if status != http.StatusUnprocessableEntity || code != "flow_failed" {
			t.Fatalf("bad trigger data: %d %s, want 422 flow_failed", status, out)
		}
		if !strings.Contains(msg, "reminder.flow:6:") || !strings.Contains(msg, "e164") {
			t.Errorf("message %s: want the .flow position and the failing expression", msg)
		}
	}
	// Good data is answered with the callback request.
	status, out, err := post(url+"/hooks/callback/reminder", "application/json",
		`{"id":"good-data-1","from":"+6591234567","to":"+6561112222","data":{"phone":"91234567"}}`, nil)
	if err != nil || status != http.StatusOK || !strings.Contains(string(out), `"to":"+6591234567"`) {
		t.Errorf("good data: %d %s %v, want 200 with leg A to +6591234567", status, out, err)
	}
}

// stuckAnswers is an answer store whose every delivery is being answered
// elsewhere and never filled in time.
type stuckAnswers struct{}

func (stuckAnswers) Claim(ctx context.Context, _ string, _ time.Duration) (runtime.Claim, error) {
	<-ctx.Done()
	return runtime.Claim{}, ctx.Err()
}
func (stuckAnswers) Fill(context.Context, runtime.Claim, platform.Reply, time.Duration) error {
	return nil
}
func (stuckAnswers) Release(context.Context, runtime.Claim) error { return nil }

// 503 is kept for what a retry can fix: here, a copy of the trigger that
// waited its whole budget for the first copy's answer.
func TestTriggerThatCanBeRetriedIs503(t *testing.T) {
	url, _ := engineServer(t, compile(t, map[string]string{"reminder.flow": reminderFlow}),
		runtime.WithAnswerStore(stuckAnswers{}), runtime.WithBudget("callback", 300*time.Millisecond))
	status, out, err := post(url+"/hooks/callback/reminder", "application/json",
		`{"id":"stuck-1","from":"+6591234567","to":"+6561112222","data":{"phone":"91234567"}}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := errorOf(t, out); status != http.StatusServiceUnavailable || code != "flow_unavailable" {
		t.Errorf("%d %s, want 503 flow_unavailable", status, out)
	}
}

// A trigger sent to a flow that is not loaded gets 404; sent again once
// the flow is loaded, it runs (it was answered a stored 503 for an hour).
func TestTriggerRetriedAfterItsFlowIsLoaded(t *testing.T) {
	url, eng := engineServer(t, compile(t, map[string]string{"other.flow": tencentFlow("other", "+8675566660000", 1)}))
	body := `{"id":"early-1","from":"+6591234567","to":"+6561112222","data":{"phone":"91234567"}}`
	status, out, err := post(url+"/hooks/callback/reminder", "application/json", body, nil)
	if code, _ := errorOf(t, out); err != nil || status != http.StatusNotFound || code != "unknown_flow" {
		t.Fatalf("before the flow is loaded: %d %s %v, want 404 unknown_flow", status, out, err)
	}
	eng.Swap(compile(t, map[string]string{"reminder.flow": reminderFlow}))
	status, out, err = post(url+"/hooks/callback/reminder", "application/json", body, nil)
	if err != nil || status != http.StatusOK || !strings.Contains(string(out), `"leg_A"`) {
		t.Errorf("after the flow is loaded: %d %s %v, want 200 with the callback request", status, out, err)
	}
}

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

// Twenty copies of one tencent SessionId posted at once run the lookup
// once and all get the same answer.
func TestConcurrentCopiesThroughTheServer(t *testing.T) {
	const copies = 20
	var hits atomic.Int64
	release := make(chan struct{})
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `{"name":"Zhang San"}`)
	}))
	t.Cleanup(crm.Close)
	store := signalledAnswers{runtime.NewMemoryAnswers(0), make(chan string, copies)}
	url, _ := engineServer(t, compile(t, map[string]string{"crm.flow": crmFlow(crm.URL)}), runtime.WithAnswerStore(store))
	body := `{"Event":"CallInBound","SessionId":"copied-1","SdkAppId":1400000000,"CallInBound":{"AIAgentId":0,"IvrId":7,"Caller":"+8613066668888","Callee":"+8675500000000"}}`

	type answer struct {
		status int
		body   string
	}
	answers := make([]answer, copies)
	var wg sync.WaitGroup
	for i := range copies {
		wg.Go(func() {
			status, out, err := post(url+"/hooks/tencent", "application/json", body, nil)
			if err != nil {
				t.Error(err)
			}
			answers[i] = answer{status, string(out)}
		})
	}
	for range copies {
		select {
		case <-store.claims:
		case <-time.After(2 * time.Second):
			t.Fatal("not every copy reached the answer store")
		}
	}
	close(release)
	wg.Wait()
	if n := hits.Load(); n != 1 {
		t.Errorf("the lookup ran %d times for %d copies, want 1", n, copies)
	}
	want := `{"CallInBound":{"OverrideAIAgentId":1,"Variables":[{"Key":"name","Value":"Zhang San"}]}}`
	for i, a := range answers {
		if a.status != http.StatusOK || a.body != want {
			t.Errorf("copy %d: %d %s, want 200 %s", i, a.status, a.body, want)
		}
	}
}
