package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/bundle"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
)

// Bundles runs the conformance suite of a BundleStore: a real flow's
// bundle round trip (stored, fetched, verified, compiled back to its
// version), set-if-absent, bytes kept byte for byte, TTLs extended and
// never shortened, expiry; and that what a store hands back is verified
// by its reader (a bundle under another version's key is refused).
func Bundles(t *testing.T, open func(t *testing.T, clock *Clock) runtime.BundleStore, opts ...Option) {
	run := func(name string, test func(t *testing.T, b *bundles)) {
		t.Run(name, func(t *testing.T) {
			tl := newTimeline(opts)
			test(t, &bundles{t: t, tl: tl, store: open(t, tl.clock), ctx: context.Background()})
		})
	}
	run("Missing", bundleMissing)
	run("RoundTrip", bundleRoundTrip)
	run("FirstStays", bundleFirstStays)
	run("BytesKept", bundleBytes)
	run("MismatchRefused", bundleMismatch)
	run("Expires", bundleExpires)
	run("PutExtendsNeverShortens", bundleExtends)
}

type bundles struct {
	t     *testing.T
	tl    *timeline
	store runtime.BundleStore
	ctx   context.Context
}

func (b *bundles) put(version string, data []byte, ttl time.Duration) {
	b.t.Helper()
	if err := b.store.Put(b.ctx, version, data, ttl); err != nil {
		b.t.Fatalf("Put(%q): %v", version, err)
	}
}

func (b *bundles) get(version string) []byte {
	b.t.Helper()
	data, err := b.store.Get(b.ctx, version)
	if err != nil {
		b.t.Fatalf("Get(%q): %v", version, err)
	}
	return data
}

func (b *bundles) missing(version string) bool {
	b.t.Helper()
	_, err := b.store.Get(b.ctx, version)
	if err != nil && !errors.Is(err, runtime.ErrNoBundle) {
		b.t.Fatalf("Get(%q): %v; want the bundle or ErrNoBundle", version, err)
	}
	return err != nil
}

// menuFiles is a flow in a folder, with a test file and a table in a
// folder of its own: every kind of file a bundle holds.
var menuFiles = map[string]string{
	"sales/menu.flow": `flow menu

target tencent
number "+8675500000001"

table vips from "data/vips.csv"

when caller in vips -> vip
otherwise           -> keep

handler vip {
  set name = vips[caller].name
  agent 388
}

handler keep {
}
`,
	"sales/menu_test.flow": `flow menu

test "a VIP reaches agent 388" {
  call tencent from "+8613066668888" to "+8675500000001"
  expect agent 388
}
`,
	"sales/data/vips.csv": "number,name\n+8613066668888,Zoë\n",
}

// sampleFlow compiles menuFiles, with the table's name changed to
// variant, so that each variant is another version.
func sampleFlow(t *testing.T, variant string) *ir.Flow {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, src := range menuFiles {
		fsys[p] = &fstest.MapFile{Data: []byte(src)}
	}
	fsys["sales/data/vips.csv"].Data = fmt.Appendf(nil, "number,name\n+8613066668888,Zoë %s\n", variant)
	prog, diags := lang.CompileFiles(fsys, []string{"sales/menu.flow", "sales/menu_test.flow"})
	if prog == nil {
		t.Fatalf("the sample flow does not compile: %v", diags)
	}
	f := prog.Flow("menu")
	if f == nil || f.Bundle == nil {
		t.Fatal("the sample flow has no bundle")
	}
	return f
}

func marshal(t *testing.T, f *ir.Flow) []byte {
	t.Helper()
	data, err := f.Bundle.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func bundleMissing(t *testing.T, b *bundles) {
	if !b.missing("0123456789ab") {
		t.Fatal("Get of a version never stored found a bundle")
	}
}

// bundleRoundTrip: a replica stores the bundle of a version it loaded;
// another fetches it, verifies it and compiles the same version.
func bundleRoundTrip(t *testing.T, b *bundles) {
	f := sampleFlow(t, "a")
	data := marshal(t, f)
	b.put(f.Version, data, b.tl.long())
	got := b.get(f.Version)
	if !bytes.Equal(got, data) {
		t.Fatalf("Get returned %d bytes unlike the %d stored", len(got), len(data))
	}
	opened, err := bundle.Open(f.Version, got)
	if err != nil {
		t.Fatalf("the bundle read back does not verify: %v", err)
	}
	again, _, err := lang.CompileBundle(opened)
	if err != nil {
		t.Fatalf("the bundle read back does not compile: %v", err)
	}
	if again.Name != "menu" || again.Version != f.Version || len(again.Handlers) != len(f.Handlers) {
		t.Fatalf("compiled %s@%s with %d handlers, want menu@%s with %d", again.Name, again.Version, len(again.Handlers), f.Version, len(f.Handlers))
	}
}

// bundleFirstStays: Put is set-if-absent: the first bytes stored under a
// version stay, however many replicas put it at once.
func bundleFirstStays(t *testing.T, b *bundles) {
	b.put("0123456789ab", []byte("first"), b.tl.long())
	b.put("0123456789ab", []byte("second"), b.tl.long())
	if got := b.get("0123456789ab"); string(got) != "first" {
		t.Fatalf("Get = %q after a second Put, want the first's %q", got, "first")
	}
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			if err := b.store.Put(b.ctx, "ba9876543210", fmt.Appendf(nil, "put %d", i), b.tl.long()); err != nil {
				t.Errorf("Put: %v", err)
			}
		})
	}
	wg.Wait()
	won := b.get("ba9876543210")
	for range 3 {
		if got := b.get("ba9876543210"); !bytes.Equal(got, won) {
			t.Fatalf("Get = %q, then %q: the content changed", won, got)
		}
	}
}

// bundleBytes: a store keeps bytes, not text.
func bundleBytes(t *testing.T, b *bundles) {
	data := []byte{0, 0xff, 0xfe, '\n', '{', 0x80, 'x', 0}
	b.put("0123456789ab", data, b.tl.long())
	if got := b.get("0123456789ab"); !bytes.Equal(got, data) {
		t.Fatalf("Get = %v, want %v byte for byte", got, data)
	}
	b.put("0123456789ac", []byte{}, b.tl.long())
	if got := b.get("0123456789ac"); len(got) != 0 {
		t.Fatalf("an empty bundle came back as %v", got)
	}
}

// bundleMismatch: what a store hands back is verified before use: a
// bundle stored under another version's key, or damaged, is refused.
func bundleMismatch(t *testing.T, b *bundles) {
	a, other := sampleFlow(t, "a"), sampleFlow(t, "b")
	if a.Version == other.Version {
		t.Fatal("two variants of the sample have one version")
	}
	b.put(a.Version, marshal(t, other), b.tl.long())
	_, err := bundle.Open(a.Version, b.get(a.Version))
	var mismatch *bundle.MismatchError
	if !errors.As(err, &mismatch) || mismatch.Want != a.Version || mismatch.Got != other.Version {
		t.Fatalf("Open of another version's bundle: %v; want a *bundle.MismatchError", err)
	}
	damaged := marshal(t, a)
	damaged = damaged[:len(damaged)/2]
	b.put("0123456789ab", damaged, b.tl.long())
	if _, err := bundle.Open("0123456789ab", b.get("0123456789ab")); err == nil {
		t.Fatal("Open of half a bundle succeeded")
	}
}

func bundleExpires(t *testing.T, b *bundles) {
	ttl := b.tl.short()
	mark := b.tl.mark()
	b.put("0123456789ab", []byte("x"), ttl)
	b.tl.almost(mark, ttl)
	if held := !b.missing("0123456789ab"); b.tl.alive(t, mark, ttl) && !held {
		t.Fatal("the bundle expired before its TTL")
	}
	b.tl.pass(t, mark, ttl, "the bundle expiring", func() bool { return b.missing("0123456789ab") })
}

// bundleExtends: a Put of a version held keeps it for at least its TTL
// from now, and never for less than it was already kept.
func bundleExtends(t *testing.T, b *bundles) {
	short := b.tl.short()
	mark := b.tl.mark()
	b.put("000000000001", []byte("short"), short)
	b.put("000000000002", []byte("extended"), short)
	b.put("000000000002", []byte("extended"), b.tl.long())
	b.put("000000000003", []byte("long"), b.tl.long())
	b.put("000000000003", []byte("long"), short)
	b.tl.pass(t, mark, short, "the bundle put once expiring", func() bool { return b.missing("000000000001") })
	if b.missing("000000000002") {
		t.Error("a bundle put again with a longer TTL expired with its first")
	}
	if b.missing("000000000003") {
		t.Error("a bundle put again with a shorter TTL expired with it")
	}
}
