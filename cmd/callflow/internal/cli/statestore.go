package cli

import (
	"context"
	"encoding/json"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/platform"
)

// The state file's stores. Runs are serialised by the file lock, so only
// the copies of a delivery inside one process can find a claim pending;
// they wait for it as they would on any store.

// Get returns a copy of the session: decoded from its JSON, as the next
// run would read it, so the types a flow sees never depend on whether the
// call stayed in one run.
func (s *state) Get(_ context.Context, key string) (*runtime.Session, uint64, error) {
	s.mu.Lock()
	e, ok := s.Sessions[key]
	s.mu.Unlock()
	if !ok || e.Session == nil || !s.now().Before(e.Expires) {
		return nil, 0, runtime.ErrNotFound
	}
	data, err := json.Marshal(e.Session)
	if err != nil {
		return nil, 0, err
	}
	var sess runtime.Session
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, 0, err
	}
	return &sess, e.Rev, nil
}

// CompareAndSet stores sess when the stored revision is rev; an expired
// session counts as none.
func (s *state) CompareAndSet(_ context.Context, key string, rev uint64, sess *runtime.Session, ttl time.Duration) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, ok := s.Sessions[key]
	if ok && !now.Before(e.Expires) {
		ok = false
	}
	if (ok && e.Rev != rev) || (!ok && rev != 0) {
		return 0, runtime.ErrConflict
	}
	// The revision goes on from an expired or deleted session's: a writer
	// that read the old one cannot take the new one for it.
	next := max(e.Rev, rev) + 1
	s.Sessions[key] = stateEntry{Session: sess, Rev: next, Expires: now.Add(ttl)}
	return next, nil
}

// Delete removes a session.
func (s *state) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	delete(s.Sessions, key)
	s.mu.Unlock()
	return nil
}

// Claim returns the answer given to key, or claims it, waiting while a
// copy in this run holds a claim.
func (s *state) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	for {
		s.mu.Lock()
		now := s.now()
		a, ok := s.Answers[key]
		switch {
		case ok && now.Before(a.Expires) && a.Pending:
			wait, left := s.waiter(key), a.Expires.Sub(now)
			s.mu.Unlock()
			if err := waitFor(ctx, wait, left); err != nil {
				return runtime.Claim{}, err
			}
			continue
		case ok && now.Before(a.Expires):
			s.mu.Unlock()
			r := platform.Reply{Status: a.Status}
			if a.Body != "" {
				r.Body = []byte(a.Body)
			}
			if a.Flow != "" {
				r.By = &platform.Answerer{Flow: a.Flow, Version: a.Version, Handler: a.Handler}
			}
			return runtime.Claim{Key: key, Answered: true, Reply: r}, nil
		}
		token := s.token(a.Token)
		s.Answers[key] = stateAnswer{Pending: true, Token: token, Expires: now.Add(ttl)}
		s.wake(key) // copies of an expired claim
		s.mu.Unlock()
		return runtime.Claim{Key: key, Token: token}, nil
	}
}

// Fill stores r as the answer to c's delivery, while c holds it.
func (s *state) Fill(_ context.Context, c runtime.Claim, r platform.Reply, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.Answers[c.Key]; ok && a.Pending && a.Token == c.Token {
		a := stateAnswer{Status: r.Status, Body: string(r.Body), Expires: s.now().Add(ttl), Token: c.Token}
		if r.By != nil {
			a.Flow, a.Version, a.Handler = r.By.Flow, r.By.Version, r.By.Handler
		}
		s.Answers[c.Key] = a
		s.wake(c.Key)
	}
	return nil
}

// Release drops c, while it holds its key.
func (s *state) Release(_ context.Context, c runtime.Claim) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.Answers[c.Key]; ok && a.Pending && a.Token == c.Token {
		// Kept as an expired entry, so the next claim's token differs.
		s.Answers[c.Key] = stateAnswer{Token: c.Token}
		s.wake(c.Key)
	}
	return nil
}

// stateOutcomes is the state file's dispatch.OutcomeStore: the outcomes
// of dispatched triggers, kept in the file between runs.
type stateOutcomes struct{ s *state }

var _ dispatch.OutcomeStore = stateOutcomes{}

// outcomes is the state's dispatch.OutcomeStore.
func (s *state) outcomes() stateOutcomes { return stateOutcomes{s} }

// waitKey is the waiters' key of a trigger: apart from deliveries'.
func (stateOutcomes) waitKey(key string) string { return "dispatch\x00" + key }

// Claim returns the outcome of key's trigger, or claims it, waiting while
// a copy in this run holds a claim.
func (d stateOutcomes) Claim(ctx context.Context, key string, ttl time.Duration) (dispatch.Claim, error) {
	s := d.s
	for {
		s.mu.Lock()
		now := s.now()
		o, ok := s.Dispatches[key]
		switch {
		case ok && now.Before(o.Expires) && o.Pending:
			wait, left := s.waiter(d.waitKey(key)), o.Expires.Sub(now)
			s.mu.Unlock()
			if err := waitFor(ctx, wait, left); err != nil {
				return dispatch.Claim{}, err
			}
			continue
		case ok && now.Before(o.Expires):
			s.mu.Unlock()
			out, err := roundTrip(o.Outcome)
			if err != nil {
				return dispatch.Claim{}, err
			}
			return dispatch.Claim{Key: key, Settled: true, Outcome: out}, nil
		}
		token := s.token(o.Token)
		s.Dispatches[key] = stateOutcome{Pending: true, Token: token, Expires: now.Add(ttl)}
		s.wake(d.waitKey(key))
		s.mu.Unlock()
		return dispatch.Claim{Key: key, Token: token}, nil
	}
}

// Fill stores o as the outcome of c's trigger, while c holds it.
func (d stateOutcomes) Fill(_ context.Context, c dispatch.Claim, o dispatch.Outcome, ttl time.Duration) error {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.Dispatches[c.Key]; ok && e.Pending && e.Token == c.Token {
		s.Dispatches[c.Key] = stateOutcome{Outcome: o, Expires: s.now().Add(ttl), Token: c.Token}
		s.wake(d.waitKey(c.Key))
	}
	return nil
}

// Release drops c, while it holds its key.
func (d stateOutcomes) Release(_ context.Context, c dispatch.Claim) error {
	s := d.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.Dispatches[c.Key]; ok && e.Pending && e.Token == c.Token {
		s.Dispatches[c.Key] = stateOutcome{Token: c.Token}
		s.wake(d.waitKey(c.Key))
	}
	return nil
}

// roundTrip is o as the next run reads it from the file.
func roundTrip(o dispatch.Outcome) (dispatch.Outcome, error) {
	var back dispatch.Outcome
	data, err := json.Marshal(o)
	if err == nil {
		err = json.Unmarshal(data, &back)
	}
	return back, err
}

// token is a claim's token, after the one a key last had. s.mu is held.
func (s *state) token(last uint64) uint64 { return last + 1 }

// waiter is the channel closed when key's pending claim ends. s.mu is held.
func (s *state) waiter(key string) chan struct{} {
	ch, ok := s.waiters[key]
	if !ok {
		ch = make(chan struct{})
		s.waiters[key] = ch
	}
	return ch
}

// wake wakes the copies waiting on key. s.mu is held.
func (s *state) wake(key string) {
	if ch, ok := s.waiters[key]; ok {
		close(ch)
		delete(s.waiters, key)
	}
}

// waitFor waits for done, for d, or for ctx to end; only ctx's end is an
// error.
func waitFor(ctx context.Context, done <-chan struct{}, d time.Duration) error {
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}
