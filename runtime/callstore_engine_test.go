package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// recordingCalls is a CallStore on the memory stores that counts what the
// engine asks of it and can be made to report a conflict.
type recordingCalls struct {
	sessions *runtime.MemoryStore
	answers  *runtime.MemoryAnswers

	conflict                     bool
	claims, claimSessions, saves int
	gets, sets, deletes, fills   int
}

func newRecordingCalls() *recordingCalls {
	return &recordingCalls{sessions: runtime.NewMemoryStore(), answers: runtime.NewMemoryAnswers(0)}
}

func (r *recordingCalls) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	r.gets++
	return r.sessions.Get(ctx, key)
}

func (r *recordingCalls) CompareAndSet(ctx context.Context, key string, rev uint64, s *runtime.Session, ttl time.Duration) (uint64, error) {
	r.sets++
	return r.sessions.CompareAndSet(ctx, key, rev, s, ttl)
}

func (r *recordingCalls) Delete(ctx context.Context, key string) error {
	r.deletes++
	return r.sessions.Delete(ctx, key)
}

func (r *recordingCalls) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	r.claims++
	return r.answers.Claim(ctx, key, ttl)
}

func (r *recordingCalls) Fill(ctx context.Context, c runtime.Claim, reply platform.Reply, ttl time.Duration) error {
	r.fills++
	return r.answers.Fill(ctx, c, reply, ttl)
}

func (r *recordingCalls) Release(ctx context.Context, c runtime.Claim) error {
	return r.answers.Release(ctx, c)
}

func (r *recordingCalls) ClaimSession(ctx context.Context, key string, ttl time.Duration, sessionKey string) (runtime.Claim, runtime.SessionRead, error) {
	r.claimSessions++
	c, err := r.answers.Claim(ctx, key, ttl)
	if err != nil || c.Answered {
		return c, runtime.SessionRead{}, err
	}
	s, rev, err := r.sessions.Get(ctx, sessionKey)
	return c, runtime.SessionRead{Session: s, Rev: rev, Err: err}, nil
}

func (r *recordingCalls) SaveAndFill(ctx context.Context, w runtime.SessionWrite, c runtime.Claim, reply platform.Reply, ttl time.Duration) (uint64, error) {
	r.saves++
	if r.conflict {
		return 0, runtime.ErrConflict
	}
	var rev uint64
	var err error
	if w.Session != nil {
		rev, err = r.sessions.CompareAndSet(ctx, w.Key, w.Rev, w.Session, w.TTL)
	} else {
		err = r.sessions.Delete(ctx, w.Key)
	}
	if err != nil {
		return 0, err
	}
	return rev, r.answers.Fill(ctx, c, reply, ttl)
}

// With a CallStore as its store, the engine claims a capture's answer with
// the session and writes the session with the answer: the one-by-one
// calls are not made. A conflict in that write answers the fallback (no
// Response), which is then kept as the delivery's answer.
func TestCallStoreSeam(t *testing.T) {
	store := newRecordingCalls()
	eng := newEngine(t, shipped(t), runtime.WithStore(store))
	c := newCall8x8(t, eng, "seam", inHours)
	if res := c.start(); res.Outcome != runtime.Answered {
		t.Fatalf("start: %s %v", res.Outcome, res.Err)
	}
	if res := c.press("9"); res.Outcome != runtime.Answered {
		t.Fatalf("press 9: %s %v", res.Outcome, res.Err)
	}
	if store.claimSessions != 1 || store.saves != 2 || store.claims != 1 {
		t.Errorf("ClaimSession %d, SaveAndFill %d, Claim %d; want 1, 2 and 1 (the new call's)", store.claimSessions, store.saves, store.claims)
	}
	if store.gets+store.sets+store.deletes+store.fills != 0 {
		t.Errorf("one-by-one calls made: Get %d, CompareAndSet %d, Delete %d, Fill %d", store.gets, store.sets, store.deletes, store.fills)
	}

	store.conflict = true
	res := c.press("1234#")
	if res.Outcome != runtime.Fallback || errCode(res.Err) != "conflict" || res.Response != nil {
		t.Fatalf("a conflict: %s %v, Response %v; want the fallback, conflict, no Response", res.Outcome, res.Err, res.Response)
	}
	if store.fills != 1 {
		t.Errorf("the fallback was filled %d times, want once", store.fills)
	}
	if again := c.send(platform.Call{Digits: ptr("1234#"), Resume: "x", Delivery: "seam-event-3"}); again.Outcome != runtime.Duplicate || string(again.Reply.Body) != string(res.Reply.Body) {
		t.Errorf("the delivery's copy: %s %s; want the fallback kept", again.Outcome, again.Reply.Body)
	}
}

// A store that is a CallStore but not the engine's answer store is asked
// one call at a time.
func TestCallStoreOnlyWithItsAnswers(t *testing.T) {
	store := newRecordingCalls()
	eng := newEngine(t, shipped(t), runtime.WithStore(store), runtime.WithAnswerStore(runtime.NewMemoryAnswers(0)))
	c := newCall8x8(t, eng, "apart", inHours)
	c.start()
	if res := c.press("9"); res.Outcome != runtime.Answered {
		t.Fatalf("press 9: %s %v", res.Outcome, res.Err)
	}
	if store.claimSessions+store.saves != 0 || store.gets != 1 || store.sets != 2 {
		t.Errorf("ClaimSession %d, SaveAndFill %d, Get %d, CompareAndSet %d; want 0, 0, 1, 2", store.claimSessions, store.saves, store.gets, store.sets)
	}
}

func ptr(s string) *string { return &s }
