package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/callflow/callflow/runtime"
)

// state is the session store of `callflow run --state FILE`: sessions and
// the key that signs 8x8 resume tokens, kept in a JSON file between runs so
// a multi-step call can be walked one webhook at a time.
type state struct {
	path     string
	mu       sync.Mutex
	Secret   []byte                `json:"secret"`
	Sessions map[string]stateEntry `json:"sessions"`
}

type stateEntry struct {
	Session *runtime.Session `json:"session"`
	Rev     uint64           `json:"rev"`
	Expires time.Time        `json:"expires"`
}

func openState(path string) (*state, error) {
	st := &state{path: path, Sessions: map[string]stateEntry{}}
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			if err := json.Unmarshal(data, st); err != nil {
				return nil, errors.New(path + " is not a callflow state file: " + err.Error())
			}
		case !errors.Is(err, os.ErrNotExist):
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
	return st, nil
}

func (s *state) save() error {
	if s.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(s.path, data, 0o600)
}

func (s *state) Get(_ context.Context, key string) (*runtime.Session, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.Sessions[key]
	if !ok || time.Now().After(e.Expires) {
		return nil, 0, runtime.ErrNotFound
	}
	return e.Session, e.Rev, nil
}

func (s *state) CompareAndSet(_ context.Context, key string, rev uint64, sess *runtime.Session, ttl time.Duration) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Sessions[key].Rev != rev {
		return 0, runtime.ErrConflict
	}
	s.Sessions[key] = stateEntry{Session: sess, Rev: rev + 1, Expires: time.Now().Add(ttl)}
	return rev + 1, nil
}

func (s *state) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	delete(s.Sessions, key)
	s.mu.Unlock()
	return nil
}
