package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/platform"
)

// clock is a settable time source for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func storeAt(opts ...StoreOption) (*MemoryStore, *clock) {
	clk := &clock{t: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}
	m := NewMemoryStore(opts...)
	m.now = clk.now
	return m, clk
}

func TestMemoryStoreCompareAndSet(t *testing.T) {
	ctx := context.Background()
	m, _ := storeAt()
	if _, _, err := m.Get(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of nothing: %v, want ErrNotFound", err)
	}
	if _, err := m.CompareAndSet(ctx, "k", 3, &Session{ID: "x"}, time.Hour); !errors.Is(err, ErrConflict) {
		t.Errorf("CAS of a missing key at rev 3: %v, want ErrConflict", err)
	}
	r1, err := m.CompareAndSet(ctx, "k", 0, &Session{ID: "s", Flow: "support", Try: 3}, time.Hour)
	if err != nil || r1 == 0 {
		t.Fatalf("create: rev %d err %v", r1, err)
	}
	if _, err := m.CompareAndSet(ctx, "k", 0, &Session{ID: "other"}, time.Hour); !errors.Is(err, ErrConflict) {
		t.Errorf("a second create: %v, want ErrConflict", err)
	}
	s, rev, err := m.Get(ctx, "k")
	if err != nil || rev != r1 || s.ID != "s" || s.Flow != "support" || s.Try != 3 {
		t.Fatalf("Get: %+v rev %d err %v, want the created session at rev %d", s, rev, err, r1)
	}
	s.Try = 2
	r2, err := m.CompareAndSet(ctx, "k", r1, s, time.Hour)
	if err != nil || r2 <= r1 {
		t.Fatalf("update at rev %d: rev %d err %v", r1, r2, err)
	}
	if _, err := m.CompareAndSet(ctx, "k", r1, &Session{ID: "stale"}, time.Hour); !errors.Is(err, ErrConflict) {
		t.Errorf("update at the stale rev %d: %v, want ErrConflict", r1, err)
	}
	if s, rev, _ := m.Get(ctx, "k"); rev != r2 || s.Try != 2 || s.ID != "s" {
		t.Errorf("after the conflict: %+v rev %d, want the rev %d session untouched", s, rev, r2)
	}
	// Sessions are copies: changing what Get returned changes nothing.
	s1, _, _ := m.Get(ctx, "k")
	s1.Try = 42
	s1.set("x", "y")
	if s2, _, _ := m.Get(ctx, "k"); s2.Try != 2 || s2.Vars["x"] != nil {
		t.Errorf("a returned session aliases the store: %+v", s2)
	}
	if err := m.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Get(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := m.Delete(ctx, "k"); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestMemoryStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	m, _ := storeAt()
	in := &Session{Platform: "8x8", ID: "s", Flow: "support", Version: "v1", Handler: "menu", PC: 4, Try: 2,
		Lookups: map[string]any{"account": map[string]any{"name": "Ana"}}, Caller: "+6591234567", Callee: "+6512345678",
		Started: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}
	in.set("choice", "9")
	in.set("ratio", 1.5)
	in.set("count", 3) // JSON alone would bring these back as float64 and string
	in.set("at", time.Date(2026, 11, 23, 2, 0, 0, 5, time.UTC))
	in.set("wait", 90*time.Second)
	in.set("list", []any{"a", true})
	in.Lookups["score"] = 7
	if _, err := m.CompareAndSet(ctx, "k", 0, in, time.Hour); err != nil {
		t.Fatal(err)
	}
	out, _, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprintf("%#v", *out), fmt.Sprintf("%#v", *in); got != want {
		t.Errorf("round trip:\n got %s\nwant %s", got, want)
	}
	if _, ok := out.Vars["count"].(int); !ok {
		t.Errorf("count is %T, want int", out.Vars["count"])
	}
	if _, ok := out.Lookups["score"].(int); !ok {
		t.Errorf("the lookup score is %T, want int", out.Lookups["score"])
	}
	// Storing does not change the caller's session.
	if _, ok := in.Vars["count"]; !ok || len(in.Vars) != 6 {
		t.Errorf("the stored session lost variables: %v", in.Vars)
	}
}

func TestMemoryStoreTTL(t *testing.T) {
	ctx := context.Background()
	m, clk := storeAt()
	r1, err := m.CompareAndSet(ctx, "k", 0, &Session{ID: "s"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	clk.add(time.Minute - time.Nanosecond)
	if _, rev, err := m.Get(ctx, "k"); err != nil || rev != r1 {
		t.Fatalf("just before expiry: rev %d err %v", rev, err)
	}
	// Each write starts the TTL again.
	r2, err := m.CompareAndSet(ctx, "k", r1, &Session{ID: "s"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	clk.add(time.Minute - time.Nanosecond)
	if _, _, err := m.Get(ctx, "k"); err != nil {
		t.Fatalf("a minute after the first write, just before the second expires: %v", err)
	}
	clk.add(time.Nanosecond)
	if _, _, err := m.Get(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("at expiry: %v, want ErrNotFound", err)
	}
	if _, err := m.CompareAndSet(ctx, "k", r2, &Session{ID: "late"}, time.Minute); !errors.Is(err, ErrConflict) {
		t.Errorf("updating an expired session: %v, want ErrConflict", err)
	}
	if _, err := m.CompareAndSet(ctx, "k", 0, &Session{ID: "new"}, time.Minute); err != nil {
		t.Errorf("creating over an expired session: %v", err)
	}
	if s, _, err := m.Get(ctx, "k"); err != nil || s.ID != "new" {
		t.Errorf("after re-creating: %+v %v", s, err)
	}
}

func TestMemoryStoreBound(t *testing.T) {
	ctx := context.Background()
	var evicted []Eviction
	m, clk := storeAt(MemoryBudget(3*SessionSize("a", &Session{ID: "a"})), OnEviction(func(ev Eviction) { evicted = append(evicted, ev) }))
	put := func(key string, ttl time.Duration) {
		t.Helper()
		if _, err := m.CompareAndSet(ctx, key, 0, &Session{ID: key}, ttl); err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	has := func(keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, _, err := m.Get(ctx, k); err != nil {
				t.Errorf("%s: %v, want it kept", k, err)
			}
		}
	}
	gone := func(keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, _, err := m.Get(ctx, k); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: %v, want it evicted", k, err)
			}
		}
	}
	put("a", time.Minute)
	put("b", 10*time.Minute)
	put("c", 30*time.Minute)
	clk.add(2 * time.Minute) // a has expired; b is the live one closest to expiring
	put("d", time.Hour)
	if n := m.Len(); n != 3 {
		t.Errorf("Len %d, want 3", n)
	}
	gone("a")
	has("b", "c", "d")

	if len(evicted) != 0 {
		t.Errorf("an expired session was reported evicted: %+v", evicted)
	}
	put("e", time.Hour) // none expired: b expires soonest
	if n := m.Len(); n != 3 {
		t.Errorf("Len %d, want 3", n)
	}
	gone("b")
	has("c", "d", "e")
	size := SessionSize("b", &Session{ID: "b"})
	if len(evicted) != 1 || evicted[0].Key != "b" || evicted[0].Bytes != size || evicted[0].Left != 8*time.Minute ||
		evicted[0].Held != 2 || evicted[0].HeldBytes != 2*size || evicted[0].Budget != 3*size {
		t.Errorf("evictions %+v, want b's, with 8 min left", evicted)
	}
	evicted = nil

	// Updating a session that is held makes no room and evicts nothing.
	_, rev, _ := m.Get(ctx, "c")
	if _, err := m.CompareAndSet(ctx, "c", rev, &Session{ID: "c2"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	has("c", "d", "e")

	// Several expired sessions all go at once.
	clk.add(59 * time.Minute) // c (1 min) and d, e (1 h, put 2 min ago) … c has expired, d and e have 3 min left
	put("f", 2*time.Minute)
	gone("c")
	has("d", "e", "f")
	clk.add(3 * time.Minute) // d, e and f have expired
	put("g", time.Hour)
	if n := m.Len(); n != 1 {
		t.Errorf("Len %d after evicting three expired sessions, want 1", n)
	}
	has("g")
	if len(evicted) != 0 {
		t.Errorf("expired sessions were reported evicted: %+v", evicted)
	}
}

// Concurrent read-modify-write cycles on one key lose no update, and
// writers of distinct keys do not disturb each other.
func TestMemoryStoreConcurrent(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryStore()
	const workers, rounds = 8, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := fmt.Sprintf("own-%d", w)
			for i := range rounds {
				for {
					s, rev, err := m.Get(ctx, "shared")
					if errors.Is(err, ErrNotFound) {
						s, rev = &Session{ID: "shared"}, 0
					} else if err != nil {
						t.Error(err)
						return
					}
					s.Try++
					if _, err := m.CompareAndSet(ctx, "shared", rev, s, time.Hour); err == nil {
						break
					} else if !errors.Is(err, ErrConflict) {
						t.Error(err)
						return
					}
				}
				_, rev, _ := m.Get(ctx, own)
				if _, err := m.CompareAndSet(ctx, own, rev, &Session{ID: own, Try: i + 1}, time.Hour); err != nil {
					t.Errorf("%s: %v", own, err)
					return
				}
				if i%10 == 0 {
					m.Len()
				}
			}
		}()
	}
	wg.Wait()
	s, _, err := m.Get(ctx, "shared")
	if err != nil || s.Try != workers*rounds {
		t.Errorf("shared counter %v (%v), want %d", s, err, workers*rounds)
	}
	for w := range workers {
		if s, _, err := m.Get(ctx, fmt.Sprintf("own-%d", w)); err != nil || s.Try != rounds {
			t.Errorf("own-%d: %+v %v, want %d", w, s, err, rounds)
		}
	}
}

// An idle call's session expires after the engine's TTL: the next webhook
// gets the safe fallback.
func TestEngineSessionExpires(t *testing.T) {
	prog, ds := lang.CompileDir(os.DirFS("../flows"), lang.WithPlaceholderSecrets())
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	store, clk := storeAt()
	at := clk.now()
	eng, err := New(WithFlows(prog), WithStore(store), WithSessionTTL(10*time.Minute), WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	ad := eightbyeight.New()
	body, _ := ad.Webhook(platform.Call{Session: "ttl", Delivery: "e1", Caller: "+6591234567", Callee: "+6512345678", At: at})
	res, err := eng.Serve(context.Background(), &Request{Platform: "8x8", Body: body})
	if err != nil || res.Response == nil || res.Response.Resume == "" {
		t.Fatalf("start: %v %s", err, res.Reply.Body)
	}
	if store.Len() != 1 {
		t.Fatalf("store holds %d sessions, want 1", store.Len())
	}
	clk.add(10 * time.Minute)
	one := "1"
	body, _ = ad.Webhook(platform.Call{Session: "ttl", Delivery: "e2", Caller: "+6591234567", Callee: "+6512345678", At: at, Digits: &one, Resume: res.Response.Resume})
	res, err = eng.Serve(context.Background(), &Request{Platform: "8x8", Body: body})
	var re *Error
	if res.Outcome != Fallback || !errors.As(err, &re) || re.Code != "no-session" {
		t.Errorf("after the TTL: %s %s err %v, want the fallback with no-session", res.Outcome, res.Reply.Body, err)
	}
}

// The expiry heap gives the soonest expiry first, however items arrive,
// and after a rebuild.
func TestExpiryHeapOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	var h expiryHeap
	var rebuilt expiryHeap
	for i := range 500 {
		it := expiryItem{fmt.Sprint("k", i), t0.Add(time.Duration(rng.IntN(100)) * time.Second)}
		h.push(it)
		rebuilt = append(rebuilt, it)
	}
	rebuilt.init()
	for _, heap := range []*expiryHeap{&h, &rebuilt} {
		prev := t0
		for n := 0; len(*heap) > 0; n++ {
			it := heap.pop()
			if it.expires.Before(prev) {
				t.Fatalf("pop %d: %v after %v", n, it.expires, prev)
			}
			prev = it.expires
		}
	}
}

// A session through JSON (a shared store) keeps an int64 from a webhook
// exact, as it keeps an int an int.
func TestSessionJSONKeepsInt64(t *testing.T) {
	in := &Session{Platform: "8x8", ID: "s"}
	in.set("order", int64(1<<53+1))
	in.set("n", 3)
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Session
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Vars["order"] != int64(1<<53+1) || out.Vars["n"] != 3 {
		t.Errorf("through JSON: %#v, want order int64(9007199254740993) and n int(3)\n%s", out.Vars, b)
	}
}

// The store's size follows what it holds: storing, growing, deleting and
// expiring sessions; a session that grows makes room by evicting others,
// never itself.
func TestMemoryStoreBytes(t *testing.T) {
	ctx := context.Background()
	small := &Session{ID: "a"}
	big := &Session{ID: "a", Vars: map[string]any{"note": strings.Repeat("x", 4000)}}
	var evicted []string
	m, clk := storeAt(MemoryBudget(SessionSize("a", big)+SessionSize("b", small)-1), OnEviction(func(ev Eviction) { evicted = append(evicted, ev.Key) }))
	if _, err := m.CompareAndSet(ctx, "b", 0, &Session{ID: "b"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := m.CompareAndSet(ctx, "c", 0, &Session{ID: "c"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	rev, err := m.CompareAndSet(ctx, "a", 0, small, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(evicted) != 0 || m.Bytes() != 3*SessionSize("a", small) {
		t.Fatalf("three small sessions: %d bytes, evicted %v", m.Bytes(), evicted)
	}
	// a grows past what is free: b, then c go (soonest expiry first), a stays.
	if _, err := m.CompareAndSet(ctx, "a", rev, big, time.Hour); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(evicted) != "[b c]" || m.Len() != 1 || m.Bytes() != SessionSize("a", big) {
		t.Errorf("after a grew: evicted %v, %d held, %d bytes; want [b c], 1 and %d", evicted, m.Len(), m.Bytes(), SessionSize("a", big))
	}
	m.Delete(ctx, "a")
	m.Delete(ctx, "a")
	if m.Len() != 0 || m.Bytes() != 0 {
		t.Errorf("after Delete: %d held, %d bytes", m.Len(), m.Bytes())
	}
	m.CompareAndSet(ctx, "d", 0, small, time.Minute)
	clk.add(time.Minute)
	if _, _, err := m.Get(ctx, "d"); !errors.Is(err, ErrNotFound) || m.Bytes() != 0 {
		t.Errorf("an expired session: %v, %d bytes", err, m.Bytes())
	}
}

// A session over the whole budget is still kept, alone: a call is not
// lost to the estimate.
func TestMemoryStoreSessionOverBudget(t *testing.T) {
	ctx := context.Background()
	m, _ := storeAt(MemoryBudget(100))
	for _, k := range []string{"a", "b"} {
		if _, err := m.CompareAndSet(ctx, k, 0, &Session{ID: k}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := m.Get(ctx, "b"); err != nil || m.Len() != 1 {
		t.Errorf("b: %v, %d held; want b alone", err, m.Len())
	}
}

// Issue 10, item 3: the default store held at most 100,000 sessions and
// dropped the rest without a word. It is bounded by memory now: 110,000
// calls waiting at an 8x8 capture all stay, and nothing is evicted.
func TestMemoryStoreDefaultHoldsLiveCalls(t *testing.T) {
	ctx := context.Background()
	n := 0
	m, _ := storeAt(OnEviction(func(Eviction) { n++ }))
	const calls = 110_000
	for i := range calls {
		id := fmt.Sprintf("a4fad4b3-b388-12ee-b217-%012d", i)
		s := &Session{Platform: "8x8", ID: id, Flow: "support", Version: "3f9a1c0d7e2b", Handler: "menu", PC: 4, Try: 3,
			Resume: strings.Repeat("A", 72), Caller: "+6591234567", Callee: "+6512345678"}
		if _, err := m.CompareAndSet(ctx, "8x8|"+id, 0, s, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if m.Len() != calls || n != 0 {
		t.Errorf("%d sessions held, %d evicted; want all %d held", m.Len(), n, calls)
	}
	if per := m.Bytes() / calls; per > 1024 {
		t.Errorf("an 8x8 session is estimated at %d bytes; P6 wants 1,000,000 in 1 GiB", per)
	}
}

// TestMemoryStoreGetLeavesRoomForAVariable: the session Get hands out takes
// the variable the next step sets without copying its order a second time
// (every 8x8 step that captures sets one), and setting it leaves the stored
// session as it was.
func TestMemoryStoreGetLeavesRoomForAVariable(t *testing.T) {
	ctx := context.Background()
	m, _ := storeAt()
	in := &Session{Platform: "8x8", ID: "s", Flow: "support", Version: "v1"}
	in.set("choice", "9")
	if _, err := m.CompareAndSet(ctx, "k", 0, in, time.Hour); err != nil {
		t.Fatal(err)
	}
	out, _, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	before := &out.Order[0]
	out.set("order", "12345")
	if &out.Order[0] != before {
		t.Error("setting a new variable copied the order Get handed out")
	}
	again, _, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Order) != 1 || len(again.Vars) != 1 {
		t.Errorf("the stored session changed: order %v, vars %v", again.Order, again.Vars)
	}
}
