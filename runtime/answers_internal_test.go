package runtime

import (
	"fmt"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

func TestAnswersBoundAndExpiry(t *testing.T) {
	a := newAnswers(3)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	reply := func(i int) platform.Reply { return platform.Reply{Status: 200, Body: []byte(fmt.Sprint(i))} }
	for i := range 5 {
		a.put(fmt.Sprint("k", i), reply(i), t0.Add(time.Duration(i)*time.Second), time.Minute)
	}
	if n := a.len(); n != 3 {
		t.Fatalf("len %d, want the bound 3", n)
	}
	for i, want := range []bool{false, false, true, true, true} {
		_, ok := a.get(fmt.Sprint("k", i), t0.Add(5*time.Second))
		if ok != want {
			t.Errorf("k%d held = %v, want %v (the oldest go first)", i, ok, want)
		}
	}

	// Storing a key again keeps the new answer when the old queue item goes.
	a.put("k2", reply(22), t0.Add(10*time.Second), time.Minute)
	a.put("k5", reply(5), t0.Add(11*time.Second), time.Minute)
	if r, ok := a.get("k2", t0.Add(12*time.Second)); !ok || string(r.Body) != "22" {
		t.Errorf("k2 = %q %v, want the answer stored last", r.Body, ok)
	}

	// Expired answers are gone, and dropped as new ones arrive.
	late := t0.Add(2 * time.Minute)
	if _, ok := a.get("k3", late); ok {
		t.Error("k3 still answers after its TTL")
	}
	a.put("k6", reply(6), late, time.Minute)
	if n := a.len(); n != 1 {
		t.Errorf("len %d after the others expired, want 1", n)
	}
}

// The queue's consumed front is reclaimed as the cache turns over; every
// answer still held is found where the index says.
func TestAnswersAfterReclaim(t *testing.T) {
	const bound, stored = 3000, 10_000
	a := newAnswers(bound)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i := range stored {
		a.put(fmt.Sprint("k", i%7000), platform.Reply{Body: []byte(fmt.Sprint(i))}, t0, time.Hour) // keys 0..2999 come twice
	}
	if n := a.len(); n != bound {
		t.Fatalf("len %d, want %d", n, bound)
	}
	for i := stored - bound; i < stored; i++ {
		r, ok := a.get(fmt.Sprint("k", i%7000), t0)
		if !ok || string(r.Body) != fmt.Sprint(i) {
			t.Fatalf("k%d = %q %v, want %d", i%7000, r.Body, ok, i)
		}
	}
	if _, ok := a.get(fmt.Sprint("k", stored-bound-1), t0); ok {
		t.Error("an evicted answer is still found")
	}
}

// A full cache stores each answer in constant time: filling it a second
// time must not rescan it per webhook (it used to take milliseconds each).
func BenchmarkAnswersPutFull(b *testing.B) {
	a := newAnswers(200_000)
	now := time.Now()
	for i := range 200_000 {
		a.put(fmt.Sprint("warm", i), platform.Reply{}, now, time.Hour)
	}
	i := 0
	for b.Loop() {
		i++
		a.put(fmt.Sprint("k", i), platform.Reply{}, now, time.Hour)
	}
}
