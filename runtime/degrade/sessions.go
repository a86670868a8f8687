package degrade

import (
	"context"
	"log/slog"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// Sessions wraps the shared session store s. What it returns is also a
// runtime.AnswerStore when s is one (give it to runtime.WithStore alone,
// and the engine keeps its answers in it too), and a runtime.CallStore
// when s is one, so a webhook still costs two round trips.
func (g *Guard) Sessions(s runtime.SessionStore) runtime.SessionStore {
	ss := &sessionStore{g: g, s: s}
	a, ok := s.(runtime.AnswerStore)
	if !ok {
		return ss
	}
	sa := &sharedStore{sessionStore: ss, answerStore: &answerStore{g: g, a: a}}
	if cs, ok := s.(runtime.CallStore); ok {
		return &callStore{sharedStore: sa, cs: cs}
	}
	return sa
}

// Answers wraps a shared answer store given to runtime.WithAnswerStore on
// its own.
func (g *Guard) Answers(a runtime.AnswerStore) runtime.AnswerStore { return &answerStore{g: g, a: a} }

// sessionStore is a guarded runtime.SessionStore. A session held in this
// process is read and written here; others go to the shared store, and a
// write it cannot take is kept here.
type sessionStore struct {
	g *Guard
	s runtime.SessionStore
}

func (w *sessionStore) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	if s, rev, ok := w.g.localSession(key); ok {
		return s, rev, nil
	}
	var s *runtime.Session
	var rev uint64
	_, err := w.g.run(ctx, "get", true, func(ctx context.Context) (err error) {
		s, rev, err = w.s.Get(ctx, key)
		return err
	})
	return s, rev, err
}

func (w *sessionStore) CompareAndSet(ctx context.Context, key string, rev uint64, s *runtime.Session, ttl time.Duration) (uint64, error) {
	if _, _, ok := w.g.localSession(key); ok {
		return w.g.local.CompareAndSet(ctx, key, rev, s, ttl)
	}
	var next uint64
	out, err := w.g.run(ctx, "compare_and_set", true, func(ctx context.Context) (err error) {
		next, err = w.s.CompareAndSet(ctx, key, rev, s, ttl)
		return err
	})
	if out != unavailable {
		return next, err
	}
	return w.g.keepLocally(ctx, key, rev, s, ttl)
}

func (w *sessionStore) Delete(ctx context.Context, key string) error {
	if _, _, ok := w.g.localSession(key); ok {
		return w.g.local.Delete(ctx, key)
	}
	_, err := w.g.run(ctx, "delete", true, func(ctx context.Context) error { return w.s.Delete(ctx, key) })
	return err // a session left in the store expires with its TTL
}

// answerStore is a guarded runtime.AnswerStore. A delivery of a call held
// in this process, or one the shared store cannot claim, is claimed in
// this process's memory (its key marked, so its fill or release goes back
// there).
type answerStore struct {
	g *Guard
	a runtime.AnswerStore
}

func (w *answerStore) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	if w.g.holdsCall(key) {
		return w.g.claimLocally(ctx, key, ttl, HeldHere)
	}
	var c runtime.Claim
	start := time.Now()
	out, err := w.g.run(ctx, "claim", false, func(ctx context.Context) (err error) {
		c, err = w.a.Claim(ctx, key, ttl)
		return err
	})
	switch {
	case out == unavailable:
		return w.g.claimLocally(ctx, key, ttl, Unreachable)
	case err == nil && c.Answered:
		w.g.obs.DuplicateWaited(time.Since(start))
	}
	return c, err
}

func (w *answerStore) Fill(ctx context.Context, c runtime.Claim, reply platform.Reply, ttl time.Duration) error {
	if key, local := unmarkLocal(c.Key); local {
		c.Key = key
		return w.g.localAnswers.Fill(ctx, c, reply, ttl)
	}
	_, err := w.g.run(ctx, "fill", true, func(ctx context.Context) error { return w.a.Fill(ctx, c, reply, ttl) })
	return err // the claim expires with its TTL
}

func (w *answerStore) Release(ctx context.Context, c runtime.Claim) error {
	if key, local := unmarkLocal(c.Key); local {
		c.Key = key
		return w.g.localAnswers.Release(ctx, c)
	}
	_, err := w.g.run(ctx, "release", true, func(ctx context.Context) error { return w.a.Release(ctx, c) })
	return err
}

// sharedStore is a guarded store of both sessions and answers.
type sharedStore struct {
	*sessionStore
	*answerStore
}

// callStore is a guarded runtime.CallStore: the two round trips of a
// webhook stay two.
type callStore struct {
	*sharedStore
	cs runtime.CallStore
}

func (w *callStore) ClaimSession(ctx context.Context, answerKey string, ttl time.Duration, sessionKey string) (runtime.Claim, runtime.SessionRead, error) {
	g := w.sessionStore.g
	if s, rev, ok := g.localSession(sessionKey); ok {
		c, err := g.claimLocally(ctx, answerKey, ttl, HeldHere)
		return c, runtime.SessionRead{Session: s, Rev: rev}, err
	}
	var c runtime.Claim
	var read runtime.SessionRead
	start := time.Now()
	out, err := g.run(ctx, "claim_session", false, func(ctx context.Context) (err error) {
		c, read, err = w.cs.ClaimSession(ctx, answerKey, ttl, sessionKey)
		return err
	})
	switch {
	case out == unavailable:
		c, cerr := g.claimLocally(ctx, answerKey, ttl, Unreachable)
		return c, runtime.SessionRead{Err: err}, cerr
	case err == nil && c.Answered:
		g.obs.DuplicateWaited(time.Since(start))
	case err == nil && read.Err != nil && !answered(read.Err): // the claim went through: the store is there
		g.obs.StoreOp("get", 0, read.Err)
		g.log.Warn("the shared store holds a value that cannot be read as the call's session; the call gets the safe fallback",
			slog.String("session", sessionKey), slog.String("error", read.Err.Error()))
	}
	return c, read, err
}

func (w *callStore) SaveAndFill(ctx context.Context, sw runtime.SessionWrite, c runtime.Claim, reply platform.Reply, answerTTL time.Duration) (uint64, error) {
	g := w.sessionStore.g
	if key, local := unmarkLocal(c.Key); local {
		rev, err := g.writeLocally(ctx, sw)
		if err == nil {
			c.Key = key
			g.localAnswers.Fill(ctx, c, reply, answerTTL)
		}
		return rev, err
	}
	if _, _, ok := g.localSession(sw.Key); ok {
		return g.writeLocally(ctx, sw)
	}
	var rev uint64
	out, err := g.run(ctx, "save_and_fill", true, func(ctx context.Context) (err error) {
		rev, err = w.cs.SaveAndFill(ctx, sw, c, reply, answerTTL)
		return err
	})
	if out != unavailable {
		return rev, err
	}
	return g.writeLocally(ctx, sw) // the answer is not kept: the claim expires with its TTL
}
