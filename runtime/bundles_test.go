package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
)

// menuVersion is an 8x8 flow with a capture; each greeting is a version.
func menuVersion(t *testing.T, greeting string) *ir.Program {
	return compile(t, "menu.flow", `flow menu
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  capture choice {
    prompt "`+greeting+`"
    digits 1
  }
  say "You pressed ${choice} in `+greeting+`."
  hangup
}
`)
}

// countingBundles counts the Gets of a BundleStore.
type countingBundles struct {
	runtime.BundleStore
	gets atomic.Int64
}

func (c *countingBundles) Get(ctx context.Context, version string) ([]byte, error) {
	c.gets.Add(1)
	return c.BundleStore.Get(ctx, version)
}

// stored stores the bundles of eng's versions (done in the background
// too, but a test must know they are there).
func stored(t *testing.T, eng *runtime.Engine) {
	t.Helper()
	if err := eng.StoreBundles(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Two replicas share sessions and bundles; a call started on one is
// resumed on the other, which runs another version of the flow (a rolling
// deploy): it finishes on the version it started on, fetched once.
func TestResumeOnAVersionNeverLoaded(t *testing.T) {
	v1, v2 := menuVersion(t, "Old menu"), menuVersion(t, "New menu")
	sessions, bundles := runtime.NewMemoryStore(), &countingBundles{BundleStore: runtime.NewMemoryBundles()}
	old := newEngine(t, v1, runtime.WithStore(sessions), runtime.WithBundleStore(bundles))
	next := newEngine(t, v2, runtime.WithStore(sessions), runtime.WithBundleStore(bundles))
	stored(t, old)
	bundles.gets.Store(0)

	for i, id := range []string{"call-1", "call-2"} {
		c := newCall8x8(t, old, id, inHours)
		if r := c.start(); !bytes.Contains(r.Reply.Body, []byte("Old menu")) {
			t.Fatalf("start: %s", r.Reply.Body)
		}
		c.eng = next
		r := c.press("1")
		if r.Outcome != runtime.Answered || r.Err != nil || r.Version != v1.Flows[0].Version ||
			!bytes.Contains(r.Reply.Body, []byte("You pressed 1 in Old menu.")) {
			t.Fatalf("call %d resumed on the new replica: %s %v version %s: %s; want it finished on the old version",
				i+1, r.Outcome, r.Err, r.Version, r.Reply.Body)
		}
	}
	if gets := bundles.gets.Load(); gets != 1 {
		t.Errorf("the old version was fetched %d times, want once", gets)
	}
}

// A bundle whose content is not the version it is stored under is never
// used: the call gets the safe fallback, with an error that says why.
func TestMismatchedBundleNotUsed(t *testing.T) {
	v1, v2 := menuVersion(t, "Old menu"), menuVersion(t, "New menu")
	sessions, bundles := runtime.NewMemoryStore(), runtime.NewMemoryBundles()
	old := newEngine(t, v1, runtime.WithStore(sessions)) // stores no bundle
	next := newEngine(t, v2, runtime.WithStore(sessions), runtime.WithBundleStore(bundles))
	forged, err := v2.Flows[0].Bundle.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := bundles.Put(context.Background(), v1.Flows[0].Version, forged, time.Hour); err != nil {
		t.Fatal(err)
	}
	c := newCall8x8(t, old, "call-1", inHours)
	c.start()
	c.eng = next
	r := c.press("1")
	var re *runtime.Error
	if r.Outcome != runtime.Fallback || !errors.As(r.Err, &re) || re.Code != "no-flow" ||
		!bytes.Contains([]byte(re.Msg), []byte("its content is version "+v2.Flows[0].Version)) {
		t.Fatalf("resume on a forged bundle: %s %v; want the fallback, no-flow, naming the mismatch", r.Outcome, r.Err)
	}
	if bytes.Contains(r.Reply.Body, []byte("New menu")) || bytes.Contains(r.Reply.Body, []byte("Old menu")) {
		t.Errorf("the forged bundle ran: %s", r.Reply.Body)
	}
}

// Without a bundle store a version not loaded is no-flow, as before.
func TestVersionNotLoadedWithoutBundles(t *testing.T) {
	v1, v2 := menuVersion(t, "Old menu"), menuVersion(t, "New menu")
	sessions := runtime.NewMemoryStore()
	c := newCall8x8(t, newEngine(t, v1, runtime.WithStore(sessions)), "call-1", inHours)
	c.start()
	c.eng = newEngine(t, v2, runtime.WithStore(sessions))
	if r := c.press("1"); r.Outcome != runtime.Fallback {
		t.Fatalf("resume on a replica without the version: %s, want the fallback", r.Outcome)
	}
}

// Calls resumed at once on a version not loaded fetch and compile it once.
func TestConcurrentResumesFetchOnce(t *testing.T) {
	v1, v2 := menuVersion(t, "Old menu"), menuVersion(t, "New menu")
	sessions, bundles := runtime.NewMemoryStore(), &countingBundles{BundleStore: runtime.NewMemoryBundles()}
	old := newEngine(t, v1, runtime.WithStore(sessions), runtime.WithBundleStore(bundles))
	next := newEngine(t, v2, runtime.WithStore(sessions), runtime.WithBundleStore(bundles))
	stored(t, old)
	bundles.gets.Store(0)
	const calls = 10
	var cs []*call8x8
	for i := range calls {
		c := newCall8x8(t, old, "call-"+string(rune('a'+i)), inHours)
		c.start()
		c.eng = next
		cs = append(cs, c)
	}
	results := make(chan *runtime.Result, calls)
	for _, c := range cs {
		go func() { results <- c.press("2") }()
	}
	for range calls {
		if r := <-results; r.Outcome != runtime.Answered || !bytes.Contains(r.Reply.Body, []byte("You pressed 2 in Old menu.")) {
			t.Fatalf("a concurrent resume: %s %v: %s", r.Outcome, r.Err, r.Reply.Body)
		}
	}
	if gets := bundles.gets.Load(); gets != 1 {
		t.Errorf("the old version was fetched %d times by %d concurrent resumes, want once", gets, calls)
	}
}

// fullBundles refuses every Put, as a full Redis would.
type fullBundles struct{ runtime.BundleStore }

func (fullBundles) Put(context.Context, string, []byte, time.Duration) error {
	return errors.New("OOM command not allowed when used memory > 'maxmemory'")
}

// A version that cannot be stored is a logged warning (and StoreBundles's
// error), never a failed load: the replica serves it all the same.
func TestBundleNotStoredIsLogged(t *testing.T) {
	var logs logLines
	v1 := menuVersion(t, "Old menu")
	eng := newEngine(t, v1, runtime.WithBundleStore(fullBundles{runtime.NewMemoryBundles()}), runtime.WithLogger(logs.logger()))
	err := eng.StoreBundles(context.Background())
	if err == nil || !strings.Contains(err.Error(), "flow menu version "+v1.Flows[0].Version) || !strings.Contains(err.Error(), "OOM") {
		t.Fatalf("StoreBundles: %v; want the store's error naming the flow and version", err)
	}
	end := time.Now().Add(10 * time.Second)
	for len(logs.lines(t, "flow version not stored: a call pinned to it cannot resume on another replica")) == 0 {
		if time.Now().After(end) {
			t.Fatalf("the background store's failure was not logged:\n%s", logs.String())
		}
		<-time.After(5 * time.Millisecond)
	}
	if r := newCall8x8(t, eng, "call-1", inHours).start(); r.Outcome != runtime.Answered {
		t.Errorf("a call on the version not stored: %s %v", r.Outcome, r.Err)
	}
}
