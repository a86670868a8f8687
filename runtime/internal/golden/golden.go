// Package golden holds the test helpers the platform adapters share: golden
// files that -update rewrites, and the sample webhooks in testdata.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/callflow/callflow/runtime/platform"
)

// Check compares got with the file at path, or writes it there when update
// is set.
func Check(t *testing.T, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:  %s\nwant: %s", filepath.Base(path), got, want)
	}
}

// Sample reads the file name in dir.
func Sample(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Samples lists the sample webhooks (*.json) in dir.
func Samples(t testing.TB, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}

// SameEvent checks that an adapter's fast path accepted only what its
// strict path accepts (strictErr is nil), and read body the same way: every
// field a flow or the engine uses, and the raw map of `event`.
func SameEvent(t *testing.T, body []byte, fast, strict *platform.Event, strictErr error) {
	t.Helper()
	if strictErr != nil {
		t.Fatalf("the fast path accepted what the strict path rejects (%v): %s", strictErr, body)
	}
	if fast.Kind != strict.Kind || fast.Session != strict.Session || fast.Delivery != strict.Delivery ||
		fast.Caller != strict.Caller || fast.Callee != strict.Callee || fast.Resume != strict.Resume ||
		fast.Bound != strict.Bound || !reflect.DeepEqual(fast.Digits, strict.Digits) ||
		!reflect.DeepEqual(fast.Data, strict.Data) || !reflect.DeepEqual(fast.RawJSON(), strict.RawJSON()) {
		t.Fatalf("the paths disagree on %s:\nfast   %+v\nstrict %+v", body, fast, strict)
	}
}

// TriggerRoundTrip builds a trigger webhook with ad.Webhook, checks that
// ad.Decode reads it back as the trigger call made it (id as session and
// delivery, data an empty object when the call has none) and returns the
// body for a golden file.
func TriggerRoundTrip(t *testing.T, ad platform.Adapter, call platform.Call, id string) []byte {
	t.Helper()
	body, err := ad.Webhook(call)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ad.Decode(body, nil)
	if err != nil {
		t.Fatalf("Decode(Webhook()): %v\n%s", err, body)
	}
	data := call.Data
	if data == nil {
		data = map[string]any{}
	}
	want := &platform.Event{
		Kind: platform.Trigger, Platform: ad.Name(), Session: id, Delivery: id,
		Caller: call.Caller, Callee: call.Callee, Data: data,
	}
	if diff := cmp.Diff(want, ev, cmpopts.IgnoreFields(platform.Event{}, "Raw")); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	return body
}
