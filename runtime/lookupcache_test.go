package runtime_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// cacheFlow answers with the CRM's name for the caller, kept for 5 minutes.
func cacheFlow(base string) string {
	return `flow cached
target tencent
number "+8675500000000"

lookup customer = get "` + base + `/c/${caller}" timeout 1s cache 5m else {name: "none"}
otherwise -> main
handler main {
  set name = customer.name
  agent 1
}
`
}

// cacheCall is one call of cacheFlow: the name the answer carries.
type cacheCall struct {
	t      *testing.T
	eng    *runtime.Engine
	n      int
	events []runtime.LookupEvent
	mu     sync.Mutex
}

func (c *cacheCall) call(caller string, at time.Time) string {
	c.t.Helper()
	c.n++
	body := webhook(c.t, "tencent", platform.Call{Session: fmt.Sprintf("cache-%d", c.n), Caller: caller, Callee: "+8675500000000"})
	res := serve(c.t, c.eng, &runtime.Request{Platform: "tencent", Body: body, Now: at})
	if res.Outcome != runtime.Answered {
		c.t.Fatalf("%s %s", res.Outcome, res.Reply.Body)
	}
	_, after, _ := strings.Cut(string(res.Reply.Body), `"Key":"name","Value":"`)
	name, _, _ := strings.Cut(after, `"`)
	return name
}

func (c *cacheCall) observe(ev runtime.LookupEvent) {
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.mu.Unlock()
}

func (c *cacheCall) caches() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ev := range c.events {
		out = append(out, ev.Cache+"/"+ev.Outcome)
	}
	c.events = nil
	return strings.Join(out, " ")
}

// TestLookupCache: a lookup declared with `cache 5m` is fetched once per
// URL across calls until its answer is 5 minutes old; failures (a 500, JSON
// of another type than the else value) are never kept; every resolution is
// reported as a hit or a miss.
func TestLookupCache(t *testing.T) {
	var mu sync.Mutex
	fetches := map[string]int{}
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		caller := r.URL.Path[len("/c/"):]
		mu.Lock()
		fetches[caller]++
		n := fetches[caller]
		mu.Unlock()
		switch caller {
		case "+8613100000003":
			http.Error(w, "down", http.StatusInternalServerError)
		case "+8613100000004":
			jsonHandler(`["not", "an", "object"]`)(w, r)
		default:
			jsonHandler(fmt.Sprintf(`{"name": "%s#%d"}`, caller[len(caller)-1:], n))(w, r)
		}
	})
	c := &cacheCall{t: t}
	c.eng = newEngine(t, compile(t, "cached.flow", cacheFlow(srv.URL)), runtime.WithLookupObserver(c.observe))
	t0 := inHours
	for i, step := range []struct {
		caller string
		at     time.Duration
		want   string
		events string
	}{
		{"+8613100000001", 0, "1#1", "miss/ok"},
		{"+8613100000001", time.Minute, "1#1", "hit/ok"}, // another call, the same URL: kept
		{"+8613100000002", time.Minute, "2#1", "miss/ok"},
		{"+8613100000001", 5*time.Minute - time.Second, "1#1", "hit/ok"},
		{"+8613100000001", 5 * time.Minute, "1#2", "miss/ok"}, // 5 minutes old: fetched again
		{"+8613100000001", 6 * time.Minute, "1#2", "hit/ok"},
		{"+8613100000003", 6 * time.Minute, "none", "miss/error"}, // a 500 is not kept…
		{"+8613100000003", 6 * time.Minute, "none", "miss/error"}, // …so it is asked again
		{"+8613100000004", 6 * time.Minute, "none", "miss/error"}, // nor JSON of another type
		{"+8613100000004", 6 * time.Minute, "none", "miss/error"},
	} {
		if got := c.call(step.caller, t0.Add(step.at)); got != step.want {
			t.Errorf("call %d (%s at +%s): name %q, want %q", i+1, step.caller, step.at, got, step.want)
		}
		if got := c.caches(); got != step.events {
			t.Errorf("call %d: lookup events %q, want %q", i+1, got, step.events)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := map[string]int{"+8613100000001": 2, "+8613100000002": 1, "+8613100000003": 2, "+8613100000004": 2}; !equalCounts(fetches, want) {
		t.Errorf("fetches by caller %v, want %v", fetches, want)
	}
}

// TestLookupCacheBounded: the cache keeps at most its entries, dropping
// the least recently used, and no answer bigger than an eighth of its
// bytes.
func TestLookupCacheBounded(t *testing.T) {
	var mu sync.Mutex
	fetches := map[string]int{}
	srv := newCRM(t, func(w http.ResponseWriter, r *http.Request) {
		caller := r.URL.Path[len("/c/"):]
		mu.Lock()
		fetches[caller]++
		mu.Unlock()
		name := caller[len(caller)-1:]
		if caller == "+8613100000009" {
			name = strings.Repeat("x", 2000) // over 8 KiB / 8
		}
		jsonHandler(fmt.Sprintf(`{"name": %q}`, name))(w, r)
	})
	c := &cacheCall{t: t}
	c.eng = newEngine(t, compile(t, "cached.flow", cacheFlow(srv.URL)), runtime.WithLookupCache(2, 8<<10))
	for _, caller := range []string{"+8613100000001", "+8613100000002", "+8613100000001", "+8613100000003", "+8613100000002", "+8613100000001",
		"+8613100000009", "+8613100000009"} {
		c.call(caller, inHours)
	}
	mu.Lock()
	defer mu.Unlock()
	// 1, 2 fetched; 1 kept (1 used last); 3 fetched, 2 dropped; 2 fetched, 1 dropped; 1 fetched; 9 never kept.
	if want := map[string]int{"+8613100000001": 2, "+8613100000002": 2, "+8613100000003": 1, "+8613100000009": 2}; !equalCounts(fetches, want) {
		t.Errorf("fetches by caller %v, want %v", fetches, want)
	}
}
