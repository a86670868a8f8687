package degrade_test

import (
	"context"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/platform"
)

// fault is how a faultStore misbehaves.
type fault int32

const (
	healthy  fault = iota
	refused        // every operation: connection refused, at once
	hanging        // every operation waits until its context ends
	full           // writes: Redis's OOM error reply; reads work
	readOnly       // writes: Redis's READONLY error reply (a failover's replica); reads work
	corrupt        // a session read finds a value that is not a session
)

// replyError is an error reply of a Redis server, as go-redis returns it.
type replyError string

func (e replyError) Error() string { return string(e) }
func (replyError) RedisError()     {}

// faultStore is a shared store (sessions, answers, both in one round trip,
// dispatch outcomes, bundles) on memory, whose faults are switched by the
// test: what a Redis refusing, hanging, full, read-only or holding a
// corrupted value does to its client.
type faultStore struct {
	mode     atomic.Int32
	ops      atomic.Int64 // operations that reached the store
	sessions *runtime.MemoryStore
	answers  *runtime.MemoryAnswers
	outcomes *dispatch.MemoryOutcomes
	bundles  *runtime.MemoryBundles
}

var _ runtime.CallStore = (*faultStore)(nil)

func newFaultStore() *faultStore {
	return &faultStore{sessions: runtime.NewMemoryStore(), answers: runtime.NewMemoryAnswers(0),
		outcomes: dispatch.NewMemoryOutcomes(0), bundles: runtime.NewMemoryBundles()}
}

func (f *faultStore) set(m fault) { f.mode.Store(int32(m)) }

// fail is the fault of one operation, nil when it goes through.
func (f *faultStore) fail(ctx context.Context, write bool) error {
	f.ops.Add(1)
	switch fault(f.mode.Load()) {
	case refused:
		return &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6379},
			Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	case hanging:
		<-ctx.Done()
		return ctx.Err()
	case full:
		if write {
			return replyError("OOM command not allowed when used memory > 'maxmemory'.")
		}
	case readOnly:
		if write {
			return replyError("READONLY You can't write against a read only replica.")
		}
	}
	return nil
}

var errNotASession = errors.New("the value under the session's key is not a session (no revision)")

func (f *faultStore) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	if err := f.fail(ctx, false); err != nil {
		return nil, 0, err
	}
	if fault(f.mode.Load()) == corrupt {
		return nil, 0, errNotASession
	}
	return f.sessions.Get(ctx, key)
}

func (f *faultStore) CompareAndSet(ctx context.Context, key string, rev uint64, s *runtime.Session, ttl time.Duration) (uint64, error) {
	if err := f.fail(ctx, true); err != nil {
		return 0, err
	}
	return f.sessions.CompareAndSet(ctx, key, rev, s, ttl)
}

func (f *faultStore) Delete(ctx context.Context, key string) error {
	if err := f.fail(ctx, true); err != nil {
		return err
	}
	return f.sessions.Delete(ctx, key)
}

func (f *faultStore) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	if err := f.fail(ctx, true); err != nil {
		return runtime.Claim{}, err
	}
	return f.answers.Claim(ctx, key, ttl)
}

func (f *faultStore) Fill(ctx context.Context, c runtime.Claim, reply platform.Reply, ttl time.Duration) error {
	if err := f.fail(ctx, true); err != nil {
		return err
	}
	return f.answers.Fill(ctx, c, reply, ttl)
}

func (f *faultStore) Release(ctx context.Context, c runtime.Claim) error {
	if err := f.fail(ctx, true); err != nil {
		return err
	}
	return f.answers.Release(ctx, c)
}

// ClaimSession claims and reads in one operation, as Redis's pipeline does.
func (f *faultStore) ClaimSession(ctx context.Context, answerKey string, ttl time.Duration, sessionKey string) (runtime.Claim, runtime.SessionRead, error) {
	if err := f.fail(ctx, true); err != nil {
		return runtime.Claim{}, runtime.SessionRead{}, err
	}
	c, err := f.answers.Claim(ctx, answerKey, ttl)
	if err != nil || c.Answered {
		return c, runtime.SessionRead{}, err
	}
	if fault(f.mode.Load()) == corrupt {
		return c, runtime.SessionRead{Err: errNotASession}, nil
	}
	s, rev, err := f.sessions.Get(ctx, sessionKey)
	return c, runtime.SessionRead{Session: s, Rev: rev, Err: err}, nil
}

// SaveAndFill writes and fills in one operation, as Redis's script does.
func (f *faultStore) SaveAndFill(ctx context.Context, w runtime.SessionWrite, c runtime.Claim, reply platform.Reply, ttl time.Duration) (uint64, error) {
	if err := f.fail(ctx, true); err != nil {
		return 0, err
	}
	var rev uint64
	if w.Session == nil {
		f.sessions.Delete(ctx, w.Key)
	} else {
		var err error
		if rev, err = f.sessions.CompareAndSet(ctx, w.Key, w.Rev, w.Session, w.TTL); err != nil {
			return 0, err
		}
	}
	return rev, f.answers.Fill(ctx, c, reply, ttl)
}

// splitStore is the same store seen only as a SessionStore and an
// AnswerStore: the engine's four round trips.
type splitStore struct{ f *faultStore }

func (s splitStore) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	return s.f.Get(ctx, key)
}

func (s splitStore) CompareAndSet(ctx context.Context, key string, rev uint64, sess *runtime.Session, ttl time.Duration) (uint64, error) {
	return s.f.CompareAndSet(ctx, key, rev, sess, ttl)
}

func (s splitStore) Delete(ctx context.Context, key string) error { return s.f.Delete(ctx, key) }

func (s splitStore) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	return s.f.Claim(ctx, key, ttl)
}

func (s splitStore) Fill(ctx context.Context, c runtime.Claim, reply platform.Reply, ttl time.Duration) error {
	return s.f.Fill(ctx, c, reply, ttl)
}

func (s splitStore) Release(ctx context.Context, c runtime.Claim) error { return s.f.Release(ctx, c) }

// faultOutcomes is the store's dispatch outcomes.
type faultOutcomes struct{ f *faultStore }

func (o faultOutcomes) Claim(ctx context.Context, key string, ttl time.Duration) (dispatch.Claim, error) {
	if err := o.f.fail(ctx, true); err != nil {
		return dispatch.Claim{}, err
	}
	return o.f.outcomes.Claim(ctx, key, ttl)
}

func (o faultOutcomes) Fill(ctx context.Context, c dispatch.Claim, out dispatch.Outcome, ttl time.Duration) error {
	if err := o.f.fail(ctx, true); err != nil {
		return err
	}
	return o.f.outcomes.Fill(ctx, c, out, ttl)
}

func (o faultOutcomes) Release(ctx context.Context, c dispatch.Claim) error {
	if err := o.f.fail(ctx, true); err != nil {
		return err
	}
	return o.f.outcomes.Release(ctx, c)
}

// faultBundles is the store's bundles.
type faultBundles struct{ f *faultStore }

func (b faultBundles) Put(ctx context.Context, version string, data []byte, ttl time.Duration) error {
	if err := b.f.fail(ctx, true); err != nil {
		return err
	}
	return b.f.bundles.Put(ctx, version, data, ttl)
}

func (b faultBundles) Get(ctx context.Context, version string) ([]byte, error) {
	if err := b.f.fail(ctx, false); err != nil {
		return nil, err
	}
	return b.f.bundles.Get(ctx, version)
}
