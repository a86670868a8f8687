package runtime

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/callflow/callflow/runtime/platform"
)

// TestGetCallIsGet: the engine's lookup of a call's session, its key built
// on the stack, finds what Get finds under "platform|id", for ids short and
// longer than the stack's room, ids holding '|', missing and expired
// sessions alike; and it removes an expired one as Get does.
func TestGetCallIsGet(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("a4fad4b3-b388-12ee-b217-", 4)
	ids := []string{"s", "call-000001", "a4fad4b3-b388-12ee-b217-000000000001", long, "x|y", "|", ""}
	for _, id := range ids {
		for _, platform := range []string{"8x8", "tencent", ""} {
			m, clk := storeAt()
			key := platform + "|" + id
			stored := &Session{Platform: platform, ID: id, Vars: map[string]any{"n": 1}, Order: []string{"n"}}
			if _, err := m.CompareAndSet(ctx, key, 0, stored, time.Minute); err != nil {
				t.Fatal(err)
			}
			m.CompareAndSet(ctx, "other|"+id, 0, &Session{ID: "other"}, time.Hour)
			for _, at := range []time.Duration{0, time.Minute} { // live, then expired
				clk.t = clk.t.Add(at)
				want, wantRev, wantErr := m.Get(ctx, key)
				if at > 0 && !errors.Is(wantErr, ErrNotFound) {
					t.Fatalf("%q: Get of an expired session: %v", key, wantErr)
				}
				got, rev, err := m.getCall(platform, id, m.at(time.Time{}))
				if !reflect.DeepEqual(got, want) || rev != wantRev || !errors.Is(err, wantErr) {
					t.Errorf("%q: getCall %+v %d %v, Get %+v %d %v", key, got, rev, err, want, wantRev, wantErr)
				}
			}
			m2, clk2 := storeAt()
			m2.CompareAndSet(ctx, key, 0, stored, time.Minute)
			clk2.t = clk2.t.Add(time.Minute)
			if _, _, err := m2.getCall(platform, id, m2.at(time.Time{})); !errors.Is(err, ErrNotFound) || m2.Len() != 0 || m2.Bytes() != 0 {
				t.Errorf("%q: getCall of an expired session: %v, %d held (%d bytes); want ErrNotFound and none", key, err, m2.Len(), m2.Bytes())
			}
		}
	}
}

// TestIsKey: a session's kept key is used only when it is the call's.
func TestIsKey(t *testing.T) {
	for _, c := range []struct {
		key, platform, id string
		want              bool
	}{
		{"8x8|s", "8x8", "s", true},
		{"8x8|x|y", "8x8", "x|y", true},
		{"8x8|", "8x8", "", true},
		{"8x8|s", "8x8", "t", false},
		{"8x8|s", "8x9", "s", false},
		{"8x8/s", "8x8", "s", false},
		{"8x8|st", "8x8", "s", false},
		{"8x8|s", "8x8", "st", false},
		{"", "8x8", "s", false},
		{"8x|8|s", "8x", "8|s", true},
	} {
		if got := isKey(c.key, c.platform, c.id); got != c.want {
			t.Errorf("isKey(%q, %q, %q) = %v, want %v", c.key, c.platform, c.id, got, c.want)
		}
	}
}

// TestStoredSessionKeepsItsKey: the engine stores a call's session with
// its key, and the next webhook of the call takes that key rather than
// building one.
func TestStoredSessionKeepsItsKey(t *testing.T) {
	m := NewMemoryStore()
	eng, err := New(WithStore(m))
	if err != nil {
		t.Fatal(err)
	}
	ev := &platform.Event{Platform: "8x8", Session: "call-1"}
	first := &call{e: eng, ev: ev, sess: &Session{Platform: "8x8", ID: "call-1"}, arrived: time.Now()}
	if _, err := first.storeSession(); err != nil {
		t.Fatal(err)
	}
	stored := m.entries["8x8|call-1"].sess
	if stored.key != "8x8|call-1" {
		t.Fatalf("stored with key %q", stored.key)
	}
	next := &call{e: eng, ev: ev, arrived: time.Now()}
	s, _, err := next.loadSession()
	if err != nil || s.key != stored.key || next.sessionKey() != "8x8|call-1" {
		t.Fatalf("loaded %+v (%v), the call's key %q", s, err, next.key)
	}
	if unsafe.StringData(next.key) != unsafe.StringData(stored.key) {
		t.Errorf("the next webhook built its key again")
	}
}
