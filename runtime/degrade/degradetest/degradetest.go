// Package degradetest is a shared store that fails on demand, for tests of
// degraded mode (runtime/degrade) through the engine and the server: what a
// Redis refusing connections, hanging past every deadline, full (OOM),
// read-only after a failover (READONLY) or holding a corrupted value does
// to its client. It keeps its state in memory and implements
// runtime.CallStore; Split, Outcomes and Bundles give its other faces.
package degradetest

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

// Fault is how a Store misbehaves.
type Fault int32

const (
	Healthy  Fault = iota
	Refused        // every operation: connection refused, at once
	Hanging        // every operation waits until its context ends
	Full           // writes: Redis's OOM error reply; reads work
	ReadOnly       // writes: Redis's READONLY error reply (a failover's replica); reads work
	Corrupt        // a session read finds a value that is not a session
)

// ReplyError is an error reply of a Redis server, as go-redis returns it
// (its RedisError method).
type ReplyError string

// Error is the reply.
func (e ReplyError) Error() string { return string(e) }

// RedisError marks it as a server's reply.
func (ReplyError) RedisError() {}

// Store is a shared store (sessions, answers, both in one round trip,
// dispatch outcomes, bundles) on memory, whose fault the test switches
// with Set. It is safe for concurrent use.
type Store struct {
	mode     atomic.Int32
	ops      atomic.Int64 // operations that reached the store
	sessions *runtime.MemoryStore
	answers  *runtime.MemoryAnswers
	outcomes *dispatch.MemoryOutcomes
	bundles  *runtime.MemoryBundles
}

var _ runtime.CallStore = (*Store)(nil)

// New returns a healthy, empty store.
func New() *Store {
	return &Store{sessions: runtime.NewMemoryStore(), answers: runtime.NewMemoryAnswers(0),
		outcomes: dispatch.NewMemoryOutcomes(0), bundles: runtime.NewMemoryBundles()}
}

// Set makes every operation from now on behave as m says.
func (f *Store) Set(m Fault) { f.mode.Store(int32(m)) }

// Ops is how many operations reached the store, failed or not.
func (f *Store) Ops() int64 { return f.ops.Load() }

// Sessions is how many sessions the store holds.
func (f *Store) Sessions() int { return f.sessions.Len() }

// fail is the fault of one operation, nil when it goes through.
func (f *Store) fail(ctx context.Context, write bool) error {
	f.ops.Add(1)
	switch Fault(f.mode.Load()) {
	case Refused:
		return &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6379},
			Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	case Hanging:
		<-ctx.Done()
		return ctx.Err()
	case Full:
		if write {
			return ReplyError("OOM command not allowed when used memory > 'maxmemory'.")
		}
	case ReadOnly:
		if write {
			return ReplyError("READONLY You can't write against a read only replica.")
		}
	}
	return nil
}

// ErrNotASession is what a Corrupt store's session reads fail with.
var ErrNotASession = errors.New("the value under the session's key is not a session (no revision)")

// Get reads a session (runtime.SessionStore), unless the fault fails it.
func (f *Store) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	if err := f.fail(ctx, false); err != nil {
		return nil, 0, err
	}
	if Fault(f.mode.Load()) == Corrupt {
		return nil, 0, ErrNotASession
	}
	return f.sessions.Get(ctx, key)
}

// CompareAndSet writes a session (runtime.SessionStore), unless the fault
// fails it.
func (f *Store) CompareAndSet(ctx context.Context, key string, rev uint64, s *runtime.Session, ttl time.Duration) (uint64, error) {
	if err := f.fail(ctx, true); err != nil {
		return 0, err
	}
	return f.sessions.CompareAndSet(ctx, key, rev, s, ttl)
}

// Delete removes a session (runtime.SessionStore), unless the fault fails it.
func (f *Store) Delete(ctx context.Context, key string) error {
	if err := f.fail(ctx, true); err != nil {
		return err
	}
	return f.sessions.Delete(ctx, key)
}

// Claim claims a delivery (runtime.AnswerStore), unless the fault fails it.
func (f *Store) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	if err := f.fail(ctx, true); err != nil {
		return runtime.Claim{}, err
	}
	return f.answers.Claim(ctx, key, ttl)
}

// Fill keeps an answer (runtime.AnswerStore), unless the fault fails it.
func (f *Store) Fill(ctx context.Context, c runtime.Claim, reply platform.Reply, ttl time.Duration) error {
	if err := f.fail(ctx, true); err != nil {
		return err
	}
	return f.answers.Fill(ctx, c, reply, ttl)
}

// Release drops a claim (runtime.AnswerStore), unless the fault fails it.
func (f *Store) Release(ctx context.Context, c runtime.Claim) error {
	if err := f.fail(ctx, true); err != nil {
		return err
	}
	return f.answers.Release(ctx, c)
}

// ClaimSession claims and reads in one operation, as Redis's pipeline
// does (runtime.CallStore).
func (f *Store) ClaimSession(ctx context.Context, answerKey string, ttl time.Duration, sessionKey string) (runtime.Claim, runtime.SessionRead, error) {
	if err := f.fail(ctx, true); err != nil {
		return runtime.Claim{}, runtime.SessionRead{}, err
	}
	c, err := f.answers.Claim(ctx, answerKey, ttl)
	if err != nil || c.Answered {
		return c, runtime.SessionRead{}, err
	}
	if Fault(f.mode.Load()) == Corrupt {
		return c, runtime.SessionRead{Err: ErrNotASession}, nil
	}
	s, rev, err := f.sessions.Get(ctx, sessionKey)
	return c, runtime.SessionRead{Session: s, Rev: rev, Err: err}, nil
}

// SaveAndFill writes and fills in one operation, as Redis's script does
// (runtime.CallStore).
func (f *Store) SaveAndFill(ctx context.Context, w runtime.SessionWrite, c runtime.Claim, reply platform.Reply, ttl time.Duration) (uint64, error) {
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

// Split is the store seen only as a SessionStore and an AnswerStore,
// without its CallStore methods: the engine's four round trips.
func (f *Store) Split() runtime.SessionStore { return splitStore{f} }

type splitStore struct{ f *Store }

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

// Outcomes is the store's dispatch outcomes, with its faults.
func (f *Store) Outcomes() dispatch.OutcomeStore { return faultOutcomes{f} }

type faultOutcomes struct{ f *Store }

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

// Bundles is the store's flow-version bundles, with its faults.
func (f *Store) Bundles() runtime.BundleStore { return faultBundles{f} }

type faultBundles struct{ f *Store }

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
