package redisstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callflow/callflow/runtime"
)

// Get returns the session under key and its revision, or
// runtime.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	v, err := s.rdb.Get(ctx, s.sessionKey(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, 0, runtime.ErrNotFound
	}
	if err != nil {
		return nil, 0, storeError(ctx, "get session", err)
	}
	return decodeSession(v)
}

// CompareAndSet stores sess under key for ttl when the stored revision is
// rev (0: none is stored), in one script, and returns the new revision;
// else runtime.ErrConflict.
func (s *Store) CompareAndSet(ctx context.Context, key string, rev uint64, sess *runtime.Session, ttl time.Duration) (uint64, error) {
	b, err := sess.MarshalJSON()
	if err != nil {
		return 0, fmt.Errorf("redisstore: encoding the session: %w", err)
	}
	n, err := casScript.Run(ctx, s.rdb, []string{s.sessionKey(key)}, rev, b, millis(ttl)).Int64()
	if err != nil {
		return 0, storeError(ctx, "compare-and-set session", err)
	}
	if n < 0 {
		return 0, runtime.ErrConflict
	}
	return uint64(n), nil
}

// Delete removes the session under key.
func (s *Store) Delete(ctx context.Context, key string) error {
	return storeError(ctx, "delete session", s.rdb.Del(ctx, s.sessionKey(key)).Err())
}

// decodeSession reads "REVISION JSON".
func decodeSession(v []byte) (*runtime.Session, uint64, error) {
	r, js, ok := bytes.Cut(v, []byte(" "))
	rev, err := strconv.ParseUint(string(r), 10, 64)
	if !ok || err != nil || rev == 0 {
		return nil, 0, errors.New("redisstore: the value under the session's key is not a session (no revision)")
	}
	sess := new(runtime.Session)
	if err := sess.UnmarshalJSON(js); err != nil {
		return nil, 0, fmt.Errorf("redisstore: the value under the session's key is not a session: %w", err)
	}
	return sess, rev, nil
}

// millis is a TTL in whole milliseconds, at least 1 (PX 0 is an error).
func millis(d time.Duration) int64 { return max(d.Milliseconds(), 1) }
