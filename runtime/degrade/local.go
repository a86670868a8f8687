package degrade

import (
	"context"
	"strings"
	"time"

	"github.com/callflow/callflow/runtime"
)

// localMark starts the key of a claim made in this process's memory, so
// that its fill or release goes back there; no key the engine makes starts
// with a NUL byte.
const localMark = "\x00local\x00"

func markLocal(key string) string { return localMark + key }

// unmarkLocal returns key without the mark, and whether it had it.
func unmarkLocal(key string) (string, bool) {
	if !strings.HasPrefix(key, localMark) {
		return key, false
	}
	return key[len(localMark):], true
}

// localSession returns the session held in this process under key; ok is
// false when none is (the common case costs a lock and a lookup).
func (g *Guard) localSession(key string) (*runtime.Session, uint64, bool) {
	if g.local.Len() == 0 {
		return nil, 0, false
	}
	s, rev, err := g.local.Get(context.Background(), key)
	return s, rev, err == nil
}

// holdsCall says whether the call an answer key (runtime.AnswerKey) is
// about is held in this process.
func (g *Guard) holdsCall(answerKey string) bool {
	if g.local.Len() == 0 {
		return false
	}
	p, _, session, _, ok := runtime.SplitAnswerKey(answerKey)
	if !ok {
		return false
	}
	_, _, held := g.localSession(p + "|" + session)
	return held
}

// keepLocally writes a session in this process: a compare-and-set on the
// local revision when the call is held here already, else as a new call
// (its revision in the shared store means nothing here).
func (g *Guard) keepLocally(ctx context.Context, key string, rev uint64, s *runtime.Session, ttl time.Duration) (uint64, error) {
	if _, _, held := g.localSession(key); !held {
		rev = 0
	}
	return g.local.CompareAndSet(ctx, key, rev, s, ttl)
}

// writeLocally does a SessionWrite in this process.
func (g *Guard) writeLocally(ctx context.Context, w runtime.SessionWrite) (uint64, error) {
	if w.Session == nil {
		return 0, g.local.Delete(ctx, w.Key)
	}
	return g.keepLocally(ctx, w.Key, w.Rev, w.Session, w.TTL)
}

// claimLocally claims a delivery in this process's memory.
func (g *Guard) claimLocally(ctx context.Context, key string, ttl time.Duration, reason string) (runtime.Claim, error) {
	c, err := g.localAnswers.Claim(ctx, key, ttl)
	if err != nil {
		return c, err
	}
	if !c.Answered {
		g.degraded.Add(1)
		g.obs.DegradedAnswer(reason)
	}
	c.Key = markLocal(c.Key)
	return c, nil
}
