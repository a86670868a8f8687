package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/lockedfile"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
)

// state is the store of `callflow run --state FILE`: the sessions, the
// answers given to each delivery (so a duplicate replayed by hand gets the
// same answer), the outcomes of dispatched triggers and the key that signs
// 8x8 resume tokens, kept in a JSON file between runs so a multi-step call
// can be walked one webhook at a time. It implements the same store
// interfaces as memory and Redis, and passes their conformance suite
// (runtime/storetest); statestore.go holds them.
//
// A run holds FILE.lock (an OS file lock) from reading the file to
// writing it back, and writes it atomically (a temporary file renamed
// over it), so concurrent runs on one file never lose each other's
// sessions and a reader never sees half a file. Runs are serialised by
// the lock, so a claimed delivery is never pending for another run.
type state struct {
	path   string
	unlock func()
	now    func() time.Time // the store's clock: the machine's, or a test's

	mu      sync.Mutex
	waiters map[string]chan struct{} // by key: copies waiting on a pending claim of this process

	Secret     []byte                  `json:"secret"`
	Sessions   map[string]stateEntry   `json:"sessions"`
	Answers    map[string]stateAnswer  `json:"answers,omitempty"`
	Dispatches map[string]stateOutcome `json:"dispatches,omitempty"`
	Clock      stateClock              `json:"clock,omitzero"`
}

// stateClock is the call's clock: the time the last run gave the call
// (its --at, or this clock) and the machine's time at that run. A run
// without --at continues it, the call's time having moved on as much as
// the machine's, so the clientActionId a step was given at the call's
// time is still valid at the next one.
type stateClock struct {
	At      time.Time `json:"at"`
	Machine time.Time `json:"machine"`
}

// Now is the call's time when the machine's is machine; zero when no run
// gave the call a time.
func (c *stateClock) Now(machine time.Time) time.Time {
	if c.At.IsZero() {
		return time.Time{}
	}
	return c.At.Add(machine.Sub(c.Machine))
}

// callTime is the call's time for this run: at (--at), else the time the
// clock kept by an earlier run has reached; the clock is set to it.
func (s *state) callTime(at time.Time) time.Time {
	if at.IsZero() {
		at = s.Clock.Now(s.now())
	}
	s.Clock.Set(at, s.now())
	return at
}

// Set keeps at as the call's time at the machine's time machine; a zero
// at (the machine's clock) keeps nothing.
func (c *stateClock) Set(at, machine time.Time) {
	if !at.IsZero() {
		c.At, c.Machine = at, machine.Round(0)
	}
}

type stateEntry struct {
	Session *runtime.Session `json:"session"`
	Rev     uint64           `json:"rev"`
	Expires time.Time        `json:"expires"`
}

// stateAnswer is the reply given to a delivery, or a pending claim on it
// (never saved: a run fills or releases its claims before it saves).
type stateAnswer struct {
	Status  int       `json:"status"`
	Body    string    `json:"body,omitempty"` // text: the adapters answer JSON, so valid UTF-8
	Expires time.Time `json:"expires"`
	// Flow, Version and Handler gave the answer (platform.Reply.By).
	Flow    string `json:"flow,omitempty"`
	Version string `json:"version,omitempty"`
	Handler string `json:"handler,omitempty"`
	Pending bool   `json:"-"`
	Token   uint64 `json:"-"`
}

// stateOutcome is the outcome of a dispatched trigger, or a pending claim
// on it (never saved).
type stateOutcome struct {
	Outcome dispatch.Outcome `json:"outcome"`
	Expires time.Time        `json:"expires"`
	Pending bool             `json:"-"`
	Token   uint64           `json:"-"`
}

var (
	_ runtime.SessionStore = (*state)(nil)
	_ runtime.AnswerStore  = (*state)(nil)
)

// openState locks and reads the state file; close unlocks it. Without a
// path, the state lives in memory for one run.
func openState(path string) (*state, error) {
	st := &state{path: path, unlock: func() {}, now: time.Now, waiters: map[string]chan struct{}{}}
	if path != "" {
		unlock, err := lockedfile.MutexAt(path + ".lock").Lock()
		if err != nil {
			return nil, fmt.Errorf("cannot lock %s: %w", path, err)
		}
		st.unlock = unlock
		if err := st.read(); err != nil {
			unlock()
			return nil, err
		}
	}
	if len(st.Secret) == 0 {
		st.Secret = make([]byte, 32)
		rand.Read(st.Secret)
	}
	if st.Sessions == nil {
		st.Sessions = map[string]stateEntry{}
	}
	if st.Answers == nil {
		st.Answers = map[string]stateAnswer{}
	}
	if st.Dispatches == nil {
		st.Dispatches = map[string]stateOutcome{}
	}
	return st, nil
}

func (s *state) read() error {
	data, err := os.ReadFile(s.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(bytes.TrimSpace(data)) == 0:
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return fmt.Errorf("%s is not a callflow state file: %v", s.path, err)
	}
	return nil
}

// close releases the file lock.
func (s *state) close() { s.unlock() }

// check validates what was read against the flows: every session must be
// there, and name a pending capture its flow version has; every answer an
// HTTP status. Sessions of flows or versions not loaded are left for the
// engine, which answers them with the fallback when they resume.
func (s *state) check(prog *ir.Program) error {
	if len(s.Secret) < 16 {
		return fmt.Errorf("%s: secret: %d bytes, too short to sign resume tokens (at least 16); delete it to have one made", s.path, len(s.Secret))
	}
	if s.Clock.At.IsZero() != s.Clock.Machine.IsZero() {
		return fmt.Errorf("%s: clock: needs both at and machine; delete it, and give --at", s.path)
	}
	for _, key := range slices.Sorted(maps.Keys(s.Sessions)) { // the first problem, the same every run
		e := s.Sessions[key]
		field := fmt.Sprintf("%s: sessions[%q].session", s.path, key)
		if e.Session == nil {
			return fmt.Errorf("%s: is null; delete the entry, or the file to start afresh", field)
		}
		f := prog.Flow(e.Session.Flow)
		if f == nil || f.Version != e.Session.Version {
			continue
		}
		var se *runtime.SessionError
		if err := runtime.CheckSession(f, e.Session); errors.As(err, &se) {
			return fmt.Errorf("%s.%s: %s; delete the entry, or the file to start afresh", field, se.Field, se.Msg)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(s.Answers)) {
		a := s.Answers[key]
		if a.Status < 100 || a.Status > 599 {
			return fmt.Errorf("%s: answers[%q].status: %d is not an HTTP status; delete the entry", s.path, key, a.Status)
		}
	}
	return nil
}

// save writes the state back, without what has expired nor pending
// claims: to a temporary file in the same folder, renamed over the state
// file.
func (s *state) save() error {
	if s.path == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, e := range s.Sessions {
		if !now.Before(e.Expires) {
			delete(s.Sessions, k)
		}
	}
	for k, a := range s.Answers {
		if a.Pending || !now.Before(a.Expires) {
			delete(s.Answers, k)
		}
	}
	for k, o := range s.Dispatches {
		if o.Pending || !now.Before(o.Expires) {
			delete(s.Dispatches, k)
		}
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomically(s.path, data)
}

// writeAtomically replaces path with data: a reader sees the old file or
// the new one, never part of either. The file keeps its mode; a new one is
// made 0600 (os.CreateTemp). fmt -w and run --state both write with it.
func writeAtomically(path string, data []byte) (err error) {
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil { // else a crash may leave an empty file renamed
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
