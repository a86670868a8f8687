package degrade_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/degrade"
	"github.com/callflow/callflow/runtime/degrade/degradetest"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/tencent"
)

// postCounter answers posts from memory and counts them, with the keys
// they carried.
type postCounter struct {
	n    atomic.Int32
	mu   sync.Mutex
	keys []string
}

func (p *postCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost {
		p.n.Add(1)
		p.mu.Lock()
		p.keys = append(p.keys, req.Header.Get("Idempotency-Key"))
		p.mu.Unlock()
	}
	return crm(`{"id": "r-1"}`).RoundTrip(req)
}

const postFlow = `flow saver
target tencent
number "+8675500000007"
otherwise -> main
handler main {
  post "https://crm.example.com/save/${caller}" {
    json {caller: caller}
    into receipt
    else {id: "none"}
  }
  set id = receipt.id
  agent 1
}
`

// A post is sent once per delivery whether the shared store answers or
// is gone (degraded mode): copies of a delivery, concurrent or later, get
// the answer of the one that ran.
func TestPostOncePerDeliveryDegradedOrNot(t *testing.T) {
	prog, ds := lang.CompileFile("saver.flow", []byte(postFlow))
	if prog == nil {
		t.Fatal(ds)
	}
	for _, down := range []bool{false, true} {
		name := "store up"
		if down {
			name = "store refused"
		}
		t.Run(name, func(t *testing.T) {
			stores(t, func(t *testing.T, split bool) {
				f := degradetest.New()
				var shared runtime.SessionStore = f
				if split {
					shared = f.Split()
				}
				if down {
					f.Set(degradetest.Refused)
				}
				g := degrade.New()
				posts := &postCounter{}
				eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithSecret(secret),
					runtime.WithClock(func() time.Time { return stepAt }),
					runtime.WithHTTPClient(&http.Client{Transport: posts}), runtime.WithUnguardedLookups(),
					runtime.WithStore(g.Sessions(shared)))
				if err != nil {
					t.Fatal(err)
				}
				body, err := tencent.New().Webhook(platform.Call{Session: "save-1", Delivery: "d-1", Caller: "+8613166668888", Callee: "+8675500000007", At: stepAt})
				if err != nil {
					t.Fatal(err)
				}
				replies := make([][]byte, 5)
				var wg sync.WaitGroup
				for i := range replies {
					wg.Go(func() {
						reply, _ := eng.Handle(t.Context(), "tencent", "", body)
						replies[i] = reply.Body
					})
				}
				wg.Wait()
				later, _ := eng.Handle(t.Context(), "tencent", "", body)
				for _, r := range append(replies, later.Body) {
					if !bytes.Contains(r, []byte(`"Value":"r-1"`)) || !bytes.Equal(r, replies[0]) {
						t.Fatalf("copies answered %s and %s, want one answer with the receipt", r, replies[0])
					}
				}
				if n := posts.n.Load(); n != 1 {
					t.Fatalf("%d posts for one delivery delivered six times, want 1", n)
				}
				if k := posts.keys[0]; len(k) < 20 || strings.ContainsAny(k, " /+=") {
					t.Errorf("Idempotency-Key %q", k)
				}
			})
		})
	}
}
