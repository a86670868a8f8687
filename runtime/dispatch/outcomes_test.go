package dispatch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestMemoryOutcomesBounded(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock(true)
	s := newMemoryOutcomes(3, clk.Now)
	put := func(k string) {
		c, err := s.Claim(ctx, k, time.Minute)
		if err != nil || c.Settled {
			t.Fatalf("Claim(%s) = %+v, %v", k, c, err)
		}
		s.Fill(ctx, c, Outcome{Result: Result{Attempts: len(k)}}, time.Hour)
	}
	has := func(k string) bool { _, ok := s.m[k]; return ok } // a Claim would claim, and evict

	put("a")
	put("bb")
	put("c")
	put("d") // over the limit of 3: a, the oldest, goes
	if has("a") || !has("bb") || !has("c") || !has("d") || s.Len() != 3 {
		t.Errorf("after the limit: a %v bb %v c %v d %v, Len %d", has("a"), has("bb"), has("c"), has("d"), s.Len())
	}
	for i := range 1000 {
		put(string(rune('A'+i%50)) + string(rune('a'+i/50)))
	}
	if s.Len() != 3 || len(s.queue)-s.head > 2*3+2 {
		t.Errorf("Len %d, queue %d (head %d): not bounded", s.Len(), len(s.queue), s.head)
	}
	clk.Advance(time.Hour)
	put("z")
	if s.Len() != 1 {
		t.Errorf("Len %d an hour later, want only z", s.Len())
	}
}

// An accepted dispatch is replayed for 24 hours; a failed one for a
// minute, after which the trigger is sent again.
func TestOutcomeTTLs(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: func(n int, _ received) (int, string) {
		if n == 1 {
			return 400, `{"message":"no such campaign"}`
		}
		return 200, accepted
	}})
	clk := newFakeClock(true)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithClock(clk))
	send := func() (Result, error) {
		return c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
	}
	if _, err := send(); err == nil {
		t.Fatal("the 400 is not an error")
	}
	clk.Advance(FailedOutcomeTTL - time.Second)
	if res, err := send(); !res.Replayed || err == nil {
		t.Errorf("within a minute: %+v, %v; want the failure replayed", res, err)
	}
	clk.Advance(time.Second)
	if res, err := send(); res.Replayed || err != nil {
		t.Fatalf("after a minute: %+v, %v; want it sent again, and accepted", res, err)
	}
	clk.Advance(OutcomeTTL - time.Second)
	if res, _ := send(); !res.Replayed {
		t.Error("forgotten before 24 h")
	}
	clk.Advance(time.Second)
	if res, _ := send(); res.Replayed {
		t.Error("remembered after 24 h")
	}
	if n := len(p.requests(callbackPath)); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// failingStore cannot be reached: Dispatch must not send.
type failingStore struct{ OutcomeStore }

var errStoreDown = errors.New("store down")

func (failingStore) Claim(context.Context, string, time.Duration) (Claim, error) {
	return Claim{}, errStoreDown
}

func TestOutcomeStoreUnavailable(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(200, accepted)})
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithOutcomeStore(failingStore{}))
	if _, err := c.Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t)); !errors.Is(err, errStoreDown) {
		t.Errorf("err = %v, want the store's error", err)
	}
	if n := len(p.requests(callbackPath)); n != 0 {
		t.Errorf("%d requests sent without a claim", n)
	}
}

// A dispatch that cannot have reached the platform releases its claim: a
// copy waiting for it sends at once.
func TestUnreachedReleasesClaim(t *testing.T) {
	p := newFakePlatform(t, map[string]answer{callbackPath: always(200, accepted)})
	store := NewMemoryOutcomes(0)
	ctx := testContext(t)
	c := New(WithCallback(p.URL, Bearer("s3cret")), WithOutcomeStore(store))
	dead, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Dispatch(dead, "callback", "flow", "t-1", callbackEnvelope(t)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if store.Len() != 0 {
		t.Errorf("%d triggers held after a dispatch that sent nothing", store.Len())
	}
	if res, err := c.Dispatch(ctx, "callback", "flow", "t-1", callbackEnvelope(t)); err != nil || res.Replayed {
		t.Errorf("retry: %+v, %v; want it sent", res, err)
	}
}

// An outcome through JSON, as a shared store keeps it, replays as the
// original: the server's answer byte for byte, the attempts, and a
// failure's message with its cause.
func TestOutcomeJSON(t *testing.T) {
	for _, o := range []Outcome{
		{Result: Result{Request: Request{Method: "POST", URL: "https://x.example/a?b=1", Body: []byte(`{"a":1}`)},
			Response: &Response{Status: 200, Body: []byte(`{"ok":true}`)}, Attempts: 2}},
		{Result: Result{Request: Request{Method: "POST", URL: "https://x.example/a", Body: []byte(`{}`)}, Attempts: 3},
			Err: &Error{Platform: "callback", Message: "no answer", Err: errors.New("dial tcp 127.0.0.1:9: connection refused")}},
		{Result: Result{Request: Request{Method: "POST", URL: "https://x.example/a", Body: []byte(`{}`)},
			Response: &Response{Status: 200, Body: []byte(`{"status_code":-1}`)}, Attempts: 1},
			Err: &Error{Platform: "callbot", Status: 200, Code: -1, Message: "bad script"}},
	} {
		data, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var back Outcome
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(o.Result)
		got, _ := json.Marshal(back.Result)
		if !bytes.Equal(got, want) || back.Result.Attempts != o.Result.Attempts {
			t.Errorf("result %s (%d attempts), want %s (%d)", got, back.Result.Attempts, want, o.Result.Attempts)
		}
		if (back.Err == nil) != (o.Err == nil) || (o.Err != nil && (back.Err.Error() != o.Err.Error() || *back.Err != (Error{Platform: o.Err.Platform, Status: o.Err.Status, Code: o.Err.Code, Message: o.Err.Message, Err: back.Err.Err}))) {
			t.Errorf("error %v, want %v", back.Err, o.Err)
		}
	}
}

// Fifty copies of one trigger spread over three clients (replicas) that
// share an outcome store: the platform gets one request, and every copy
// its result.
func TestOneSendAcrossReplicas(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	p := newFakePlatform(t, map[string]answer{callbackPath: func(n int, _ received) (int, string) {
		if n == 1 {
			close(arrived)
		}
		<-release
		return 200, accepted
	}})
	store := NewMemoryOutcomes(0)
	var clients []*Client
	for range 3 {
		clients = append(clients, New(WithCallback(p.URL, Bearer("s3cret")), WithOutcomeStore(store)))
	}
	const copies = 50
	results := make(chan error, copies)
	for i := range copies {
		go func() {
			_, err := clients[i%3].Dispatch(testContext(t), "callback", "flow", "t-1", callbackEnvelope(t))
			results <- err
		}()
	}
	within(t, arrived, "the first request")
	close(release)
	for range copies {
		if err := <-results; err != nil {
			t.Errorf("a copy: %v", err)
		}
	}
	if n := len(p.requests(callbackPath)); n != 1 {
		t.Errorf("the platform got %d requests for %d copies over 3 replicas, want 1", n, copies)
	}
}
