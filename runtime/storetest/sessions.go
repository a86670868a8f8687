package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
)

// Sessions runs the conformance suite of a SessionStore: compare-and-set
// by revision (one winner among 50 concurrent writers), the TTL set with
// each write and expiry, delete, copies handed out, and the Go types of
// variables and lookup results surviving the store.
func Sessions(t *testing.T, open func(t *testing.T, clock *Clock) runtime.SessionStore, opts ...Option) {
	run := func(name string, test func(t *testing.T, s *sessions)) {
		t.Run(name, func(t *testing.T) {
			tl := newTimeline(opts)
			test(t, &sessions{t: t, tl: tl, store: open(t, tl.clock), ctx: context.Background()})
		})
	}
	run("Missing", sessionMissing)
	run("CreateThenGet", sessionCreateThenGet)
	run("CreateConflicts", sessionCreateConflicts)
	run("StaleRevisionConflicts", sessionStaleRevision)
	run("RevisionOfNothingConflicts", sessionRevisionOfNothing)
	run("OneOf50Wins", sessionRace)
	run("OneOf50CreatesWins", sessionCreateRace)
	run("Expires", sessionExpires)
	run("EachWriteSetsTheTTL", sessionWriteSetsTTL)
	run("Delete", sessionDelete)
	run("KeysApart", sessionKeysApart)
	run("GetHandsOutACopy", sessionCopy)
	run("TypesSurvive", sessionTypes)
}

// sessions is one subtest's store, with helpers that fail the test.
type sessions struct {
	t     *testing.T
	tl    *timeline
	store runtime.SessionStore
	ctx   context.Context
}

func (s *sessions) cas(key string, rev uint64, sess *runtime.Session, ttl time.Duration) uint64 {
	s.t.Helper()
	next, err := s.store.CompareAndSet(s.ctx, key, rev, sess, ttl)
	if err != nil {
		s.t.Fatalf("CompareAndSet(%q, rev %d): %v", key, rev, err)
	}
	if next == 0 || next == rev {
		s.t.Fatalf("CompareAndSet(%q, rev %d) returned revision %d: want a new one, not 0", key, rev, next)
	}
	return next
}

func (s *sessions) conflict(key string, rev uint64, sess *runtime.Session) {
	s.t.Helper()
	if next, err := s.store.CompareAndSet(s.ctx, key, rev, sess, s.tl.long()); !errors.Is(err, runtime.ErrConflict) {
		s.t.Fatalf("CompareAndSet(%q, rev %d) = %d, %v; want ErrConflict", key, rev, next, err)
	}
}

func (s *sessions) get(key string) (*runtime.Session, uint64) {
	s.t.Helper()
	got, rev, err := s.store.Get(s.ctx, key)
	if err != nil {
		s.t.Fatalf("Get(%q): %v", key, err)
	}
	if got == nil {
		s.t.Fatalf("Get(%q) returned no session and no error", key)
	}
	return got, rev
}

func (s *sessions) missing(key string) bool {
	s.t.Helper()
	_, _, err := s.store.Get(s.ctx, key)
	if err != nil && !errors.Is(err, runtime.ErrNotFound) {
		s.t.Fatalf("Get(%q): %v; want the session or ErrNotFound", key, err)
	}
	return err != nil
}

// session is a plain session of a call at a capture.
func session(id string) *runtime.Session {
	return &runtime.Session{Platform: "8x8", ID: id, Flow: "menu", Version: "0123456789ab",
		Handler: "main", PC: 3, Try: 2, Caller: "+6590001111", Callee: "+6580002222",
		Frames:  []runtime.Frame{{Handler: "main", PC: 7}, {Handler: "verify", PC: 0}}, // the do return stack
		Started: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func sessionMissing(t *testing.T, s *sessions) {
	if !s.missing("8x8|nobody") {
		t.Fatal("Get of a key never written found a session")
	}
}

func sessionCreateThenGet(t *testing.T, s *sessions) {
	want := session("c1")
	rev := s.cas("8x8|c1", 0, want, s.tl.long())
	got, grev := s.get("8x8|c1")
	if grev != rev {
		t.Errorf("Get's revision %d, CompareAndSet returned %d", grev, rev)
	}
	sameSession(t, got, session("c1"))
}

func sessionCreateConflicts(t *testing.T, s *sessions) {
	s.cas("8x8|c1", 0, session("c1"), s.tl.long())
	second := session("c1")
	second.PC = 9
	s.conflict("8x8|c1", 0, second)
	if got, _ := s.get("8x8|c1"); got.PC != 3 {
		t.Errorf("PC %d after a conflicting create, want the first's 3", got.PC)
	}
}

func sessionStaleRevision(t *testing.T, s *sessions) {
	rev1 := s.cas("8x8|c1", 0, session("c1"), s.tl.long())
	step := session("c1")
	step.PC = 5
	rev2 := s.cas("8x8|c1", rev1, step, s.tl.long())
	stale := session("c1")
	stale.PC = 7
	s.conflict("8x8|c1", rev1, stale)
	got, rev := s.get("8x8|c1")
	if rev != rev2 || got.PC != 5 {
		t.Errorf("after a stale write: revision %d PC %d, want %d and 5", rev, got.PC, rev2)
	}
}

func sessionRevisionOfNothing(t *testing.T, s *sessions) {
	s.conflict("8x8|c1", 1, session("c1"))
	if !s.missing("8x8|c1") {
		t.Error("a conflicting write to nothing stored a session")
	}
}

// sessionRace: 50 webhooks of one call resume it at once, from the same
// revision: exactly one wins, and the session is the winner's.
func sessionRace(t *testing.T, s *sessions) {
	rev := s.cas("8x8|c1", 0, session("c1"), s.tl.long())
	winner, winRev := race(t, func(i int) (uint64, error) {
		mine := session("c1")
		mine.PC = 100 + i
		return s.store.CompareAndSet(s.ctx, "8x8|c1", rev, mine, s.tl.long())
	})
	got, grev := s.get("8x8|c1")
	if got.PC != 100+winner || grev != winRev {
		t.Errorf("stored PC %d revision %d, want the winner's %d and %d", got.PC, grev, 100+winner, winRev)
	}
}

// sessionCreateRace: 50 first webhooks of one call: exactly one creates it.
func sessionCreateRace(t *testing.T, s *sessions) {
	winner, _ := race(t, func(i int) (uint64, error) {
		mine := session("c1")
		mine.PC = 100 + i
		return s.store.CompareAndSet(s.ctx, "8x8|c1", 0, mine, s.tl.long())
	})
	if got, _ := s.get("8x8|c1"); got.PC != 100+winner {
		t.Errorf("stored PC %d, want the winner's %d", got.PC, 100+winner)
	}
}

// racers is how many goroutines race one compare-and-set.
const racers = 50

// race runs write on racers goroutines released at once and checks that
// exactly one succeeded and every other got ErrConflict; it returns the
// winner and its revision.
func race(t *testing.T, write func(i int) (uint64, error)) (int, uint64) {
	t.Helper()
	start := make(chan struct{})
	type result struct {
		rev uint64
		err error
	}
	results := make([]result, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			rev, err := write(i)
			results[i] = result{rev, err}
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, r := range results {
		switch {
		case r.err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both won", winner, i)
		case r.err == nil:
			winner = i
		case !errors.Is(r.err, runtime.ErrConflict):
			t.Fatalf("writer %d: %v; want ErrConflict", i, r.err)
		}
	}
	if winner < 0 {
		t.Fatalf("none of %d writers won", racers)
	}
	return winner, results[winner].rev
}

func sessionExpires(t *testing.T, s *sessions) {
	ttl := s.tl.short()
	mark := s.tl.mark()
	s.cas("8x8|c1", 0, session("c1"), ttl)
	s.tl.almost(mark, ttl)
	if held := !s.missing("8x8|c1"); s.tl.alive(t, mark, ttl) && !held {
		t.Fatal("the session expired before its TTL")
	}
	s.tl.pass(t, mark, ttl, "the session expiring", func() bool { return s.missing("8x8|c1") })
	// Expired is absent: a new call creates it afresh.
	s.cas("8x8|c1", 0, session("c1"), s.tl.long())
}

// sessionWriteSetsTTL: each write sets the TTL it is given, longer or
// shorter than the one before (it is not kept from the first write, nor
// the longest so far).
func sessionWriteSetsTTL(t *testing.T, s *sessions) {
	short := s.tl.short()
	mark := s.tl.mark()
	rev := s.cas("8x8|long", 0, session("long"), short)
	s.cas("8x8|long", rev, session("long"), s.tl.long())
	rev = s.cas("8x8|short", 0, session("short"), s.tl.long())
	s.cas("8x8|short", rev, session("short"), short)
	s.tl.pass(t, mark, short, "the session rewritten with a short TTL expiring", func() bool { return s.missing("8x8|short") })
	if s.missing("8x8|long") {
		t.Fatal("a session rewritten with a long TTL expired with its first TTL")
	}
}

func sessionDelete(t *testing.T, s *sessions) {
	rev := s.cas("8x8|c1", 0, session("c1"), s.tl.long())
	if err := s.store.Delete(s.ctx, "8x8|c1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if !s.missing("8x8|c1") {
		t.Fatal("deleted, still found")
	}
	s.conflict("8x8|c1", rev, session("c1"))
	if err := s.store.Delete(s.ctx, "8x8|c1"); err != nil {
		t.Fatalf("Delete of nothing: %v", err)
	}
	s.cas("8x8|c1", 0, session("c1"), s.tl.long())
}

// sessionKeysApart: keys that differ only in characters a store might
// treat specially (separators, a hash tag's braces) are different keys.
func sessionKeysApart(t *testing.T, s *sessions) {
	keys := []string{"8x8|a", "8x8|a:b", "8x8|{a}", "8x8|a}", "tencent|a", "8x8|a b", "8x8|é", "8x8|a\x00b", "8x8|a\nb"}
	for i, k := range keys {
		sess := session(k)
		sess.PC = i
		s.cas(k, 0, sess, s.tl.long())
	}
	for i, k := range keys {
		if got, _ := s.get(k); got.PC != i || got.ID != k {
			t.Errorf("key %q holds PC %d id %q, want %d and the key", k, got.PC, got.ID, i)
		}
	}
	if err := s.store.Delete(s.ctx, "8x8|a"); err != nil {
		t.Fatal(err)
	}
	if !s.missing("8x8|a") || s.missing("8x8|{a}") || s.missing("8x8|a:b") {
		t.Error("Delete of one key changed another")
	}
}

// sessionCopy: the engine changes the session Get returns before writing
// it back; that must not change what the store holds.
func sessionCopy(t *testing.T, s *sessions) {
	sess := session("c1")
	sess.Vars = map[string]any{"pin": "1234"}
	sess.Order = []string{"pin"}
	sess.Lookups = map[string]any{"crm": map[string]any{"tier": "gold"}}
	s.cas("8x8|c1", 0, sess, s.tl.long())
	got, _ := s.get("8x8|c1")
	got.Vars["pin"] = "9999"
	got.Vars["extra"] = true
	got.Order = append(got.Order, "extra")
	got.Lookups["crm2"] = "x"
	got.PC = 42
	got.Frames[0].PC = 42 // a return stack popped and pushed in place
	got.Frames = append(got.Frames[:1], runtime.Frame{Handler: "other", PC: 1})
	again, _ := s.get("8x8|c1")
	want := session("c1")
	want.Vars = map[string]any{"pin": "1234"}
	want.Order = []string{"pin"}
	want.Lookups = map[string]any{"crm": map[string]any{"tier": "gold"}}
	sameSession(t, again, want)
}

// typedSession holds a value of every Go type expressions see.
func typedSession() *runtime.Session {
	sess := session("typed")
	sgt := time.FixedZone("SGT", 8*3600)
	sess.Resume, sess.ResumeExpires = "tok", time.Date(2026, 3, 1, 9, 5, 0, 123456789, time.UTC)
	sess.Vars = map[string]any{
		"count":    3,
		"big":      int64(1<<53 + 1),
		"neg":      int64(-1 << 62),
		"ratio":    0.25,
		"whole":    2.0,
		"name":     "Zoë",
		"vip":      true,
		"at":       time.Date(2026, 3, 1, 17, 30, 15, 5, sgt),
		"wait":     90 * time.Second,
		"none":     nil,
		"list":     []any{"a", 1, int64(1 << 60), 2.5, []any{3, "b"}, nil},
		"record":   map[string]any{"tier": "gold", "score": 12.5, "count": 3, "id": int64(9007199254740993), "since": time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), "tags": []any{"x"}},
		"strings":  []any{"a", "b"},
		"empty":    "",
		"zeroTime": time.Time{},
	}
	sess.Order = slices.Sorted(maps.Keys(sess.Vars))
	sess.Lookups = map[string]any{
		"crm|https://crm.example/c?id=1": map[string]any{"name": "Ann", "vip": true, "id": int64(9007199254740993), "visits": 4.0, "orders": []any{map[string]any{"n": int64(-9007199254740993)}}},
		"count|https://crm.example/n":    7,
		"id|https://crm.example/id":      int64(9007199254740993),
	}
	return sess
}

func sessionTypes(t *testing.T, s *sessions) {
	s.cas("8x8|typed", 0, typedSession(), s.tl.long())
	got, _ := s.get("8x8|typed")
	sameSession(t, got, typedSession())
}

// sameSession compares two sessions field by field, and their values by
// Go type and value (times by instant and offset).
func sameSession(t *testing.T, got, want *runtime.Session) {
	t.Helper()
	g, w := *got, *want
	gv, wv := g.Vars, w.Vars
	gl, wl := g.Lookups, w.Lookups
	g.Vars, w.Vars, g.Lookups, w.Lookups = nil, nil, nil, nil
	if !g.Started.Equal(w.Started) || !g.ResumeExpires.Equal(w.ResumeExpires) {
		t.Errorf("times: started %v resume expires %v, want %v and %v", g.Started, g.ResumeExpires, w.Started, w.ResumeExpires)
	}
	g.Started, w.Started, g.ResumeExpires, w.ResumeExpires = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if len(g.Order) == 0 && len(w.Order) == 0 {
		g.Order, w.Order = nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("session\n got %+v\nwant %+v", g, w)
	}
	sameValues(t, "Vars", gv, wv)
	sameValues(t, "Lookups", gl, wl)
}

func sameValues(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d: %v", what, len(got), len(want), got)
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s[%q] lost", what, k)
			continue
		}
		if msg := sameValue(g, w); msg != "" {
			t.Errorf("%s[%q]: %s", what, k, msg)
		}
	}
}

// sameValue says how g differs from w: its Go type, or its value.
func sameValue(g, w any) string {
	if reflect.TypeOf(g) != reflect.TypeOf(w) {
		return fmt.Sprintf("%#v (%T), want %#v (%T): the Go type changed", g, g, w, w)
	}
	switch w := w.(type) {
	case time.Time:
		g := g.(time.Time)
		_, goff := g.Zone()
		_, woff := w.Zone()
		if !g.Equal(w) || goff != woff {
			return fmt.Sprintf("%v, want %v", g, w)
		}
		return ""
	case map[string]any:
		g := g.(map[string]any)
		if len(g) != len(w) {
			return fmt.Sprintf("%v, want %v", g, w)
		}
		for k := range w {
			if msg := sameValue(g[k], w[k]); msg != "" {
				return fmt.Sprintf("[%q]: %s", k, msg)
			}
		}
		return ""
	case []any:
		g := g.([]any)
		if len(g) != len(w) {
			return fmt.Sprintf("%v, want %v", g, w)
		}
		for i := range w {
			if msg := sameValue(g[i], w[i]); msg != "" {
				return fmt.Sprintf("[%d]: %s", i, msg)
			}
		}
		return ""
	}
	if !reflect.DeepEqual(g, w) {
		return fmt.Sprintf("%#v, want %#v", g, w)
	}
	return ""
}
