package redisstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

// How a copy of a delivery waits for the answer another copy is making:
// Redis is polled (keyspace notifications are lossy and per node), first
// after firstPoll, then twice as long each time up to maxPoll, until the
// answer is there, the claim expired (then this copy claims it), or ctx
// ends.
const (
	firstPoll = 5 * time.Millisecond
	maxPoll   = 100 * time.Millisecond
)

// Claim claims key for ttl (SET NX PX … GET: one round trip), or returns
// the answer stored under it, polling while another claim is pending; see
// runtime.AnswerStore.
func (s *Store) Claim(ctx context.Context, key string, ttl time.Duration) (runtime.Claim, error) {
	c, _, err := s.claim(ctx, key, ttl, "")
	return c, err
}

// ClaimSession is Claim, with the session under sessionKey read in the
// same round trip (a pipeline: both keys are in the call's slot); see
// runtime.CallStore.
func (s *Store) ClaimSession(ctx context.Context, key string, ttl time.Duration, sessionKey string) (runtime.Claim, runtime.SessionRead, error) {
	return s.claim(ctx, key, ttl, sessionKey)
}

func (s *Store) claim(ctx context.Context, key string, ttl time.Duration, sessionKey string) (runtime.Claim, runtime.SessionRead, error) {
	token, held, get, err := s.claimKey(ctx, s.answerKey(key), ttl, sessionKey)
	if err != nil {
		return runtime.Claim{}, runtime.SessionRead{}, claimError(ctx, err)
	}
	if held == nil {
		return runtime.Claim{Key: key, Token: token}, s.sessionRead(ctx, get), nil
	}
	reply, err := decodeReply(held)
	if err != nil {
		return runtime.Claim{}, runtime.SessionRead{}, storeError(ctx, "claim", err)
	}
	return runtime.Claim{Key: key, Answered: true, Reply: reply}, runtime.SessionRead{}, nil
}

// claimKey claims rkey for ttl under a new token (held is nil), or
// returns what a filled key holds, polling while another claim is
// pending. ctx's end is returned as it is; with runtime.ErrPending when
// it came while waiting for a pending claim (during a pause, or a poll
// after Redis had answered). With a sessionKey, the session is read in
// the claim's round trip (get).
func (s *Store) claimKey(ctx context.Context, rkey string, ttl time.Duration, sessionKey string) (token uint64, held []byte, get *redis.StringCmd, err error) {
	token = newToken()
	mark := marker(token)
	wait := firstPoll
	for polled := false; ; polled = true {
		held, get, err = s.trySet(ctx, rkey, mark, ttl, sessionKey)
		if err == nil && string(held) == mark {
			held = nil // our own SET, sent again by go-redis after its reply was lost: the claim is ours
		}
		if err != nil && polled && ctx.Err() != nil {
			return 0, nil, nil, fmt.Errorf("%w: %w", runtime.ErrPending, ctx.Err())
		}
		if err != nil || held == nil || !bytes.HasPrefix(held, []byte("p ")) {
			return token, held, get, err
		}
		if err := pause(ctx, wait); err != nil {
			return 0, nil, nil, fmt.Errorf("%w: %w", runtime.ErrPending, err)
		}
		wait = min(2*wait, maxPoll)
	}
}

// trySet sets the claim's marker when the key is free, returning nil, or
// returns the key's value; with a sessionKey, the session's GET is
// pipelined with it (returned either way: a value that is the caller's
// own marker is its claim).
func (s *Store) trySet(ctx context.Context, rkey, mark string, ttl time.Duration, sessionKey string) ([]byte, *redis.StringCmd, error) {
	args := []any{"SET", rkey, mark, "NX", "PX", millis(ttl), "GET"}
	var set *redis.Cmd
	var get *redis.StringCmd
	if sessionKey == "" {
		set = s.rdb.Do(ctx, args...)
	} else {
		pipe := s.rdb.Pipeline()
		set = pipe.Do(ctx, args...)
		get = pipe.Get(ctx, s.sessionKey(sessionKey))
		pipe.Exec(ctx) // each command's error is its own (a missing session is redis.Nil)
	}
	v, err := set.Text()
	if errors.Is(err, redis.Nil) {
		return nil, get, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return []byte(v), get, nil
}

// sessionRead is what a pipelined GET of the session found.
func (s *Store) sessionRead(ctx context.Context, get *redis.StringCmd) runtime.SessionRead {
	if get == nil {
		return runtime.SessionRead{Err: runtime.ErrNotFound}
	}
	v, err := get.Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return runtime.SessionRead{Err: runtime.ErrNotFound}
	case err != nil:
		return runtime.SessionRead{Err: storeError(ctx, "get session", err)}
	}
	sess, rev, err := decodeSession(v)
	return runtime.SessionRead{Session: sess, Rev: rev, Err: err}
}

// claimError is ctx's error when ctx ended (a claim's waiting is bounded
// by it, whatever go-redis made of the deadline), with runtime.ErrPending
// when it ended during a wait; else err with its operation.
func claimError(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, runtime.ErrPending):
		return err
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return storeError(ctx, "claim", err)
}

// pause waits d, or until ctx ends (its error).
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Fill stores reply as the answer to c's delivery for ttl, while the key
// still holds c's marker.
func (s *Store) Fill(ctx context.Context, c runtime.Claim, reply platform.Reply, ttl time.Duration) error {
	err := fillScript.Run(ctx, s.rdb, []string{s.answerKey(c.Key)}, marker(c.Token), encodeReply(reply), millis(ttl)).Err()
	return storeError(ctx, "fill answer", err)
}

// Release drops c's claim, while the key still holds it.
func (s *Store) Release(ctx context.Context, c runtime.Claim) error {
	err := releaseScript.Run(ctx, s.rdb, []string{s.answerKey(c.Key)}, marker(c.Token)).Err()
	return storeError(ctx, "release claim", err)
}

// SaveAndFill writes the session and fills c's answer in one script; see
// runtime.CallStore.
func (s *Store) SaveAndFill(ctx context.Context, w runtime.SessionWrite, c runtime.Claim, reply platform.Reply, answerTTL time.Duration) (uint64, error) {
	var js []byte
	if w.Session != nil {
		var err error
		if js, err = w.Session.MarshalJSON(); err != nil {
			return 0, fmt.Errorf("redisstore: encoding the session: %w", err)
		}
	}
	keys := []string{s.sessionKey(w.Key), s.answerKey(c.Key)}
	res, err := saveFillScript.Run(ctx, s.rdb, keys, w.Rev, js, millis(w.TTL), marker(c.Token), encodeReply(reply), millis(answerTTL)).Int64Slice()
	if err != nil {
		return 0, storeError(ctx, "save session and fill answer", err)
	}
	if len(res) != 2 || res[0] < 0 {
		return 0, runtime.ErrConflict
	}
	return uint64(res[0]), nil
}

// newToken is a claim's token: random, so two replicas never make the
// same one, and never 0 (no claim).
func newToken() uint64 {
	for {
		if t := rand.Uint64(); t != 0 {
			return t
		}
	}
}

// marker is the value a claimed answer key holds.
func marker(token uint64) string { return "p " + strconv.FormatUint(token, 10) }

// encodeReply is a reply as stored: 'a' (a body) or 'n' (none, nil), the
// status, a space, the body byte for byte. A reply a flow gave is 'A' or
// 'N', the status, and its flow, version and handler (names without
// spaces; the handler may be empty), each followed by a space, before the
// body.
func encodeReply(r platform.Reply) []byte {
	kind := byte('a')
	if r.Body == nil {
		kind = 'n'
	}
	size := len(r.Body) + 6
	if r.By != nil {
		kind -= 'a' - 'A'
		size += len(r.By.Flow) + len(r.By.Version) + len(r.By.Handler) + 3
	}
	b := make([]byte, 0, size)
	b = append(b, kind)
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = append(b, ' ')
	if r.By != nil {
		b = append(append(append(b, r.By.Flow...), ' '), r.By.Version...)
		b = append(append(append(b, ' '), r.By.Handler...), ' ')
	}
	return append(b, r.Body...)
}

// decodeReply reads what encodeReply wrote.
func decodeReply(v []byte) (platform.Reply, error) {
	if len(v) == 0 || !bytes.ContainsRune([]byte("anAN"), rune(v[0])) {
		return platform.Reply{}, errors.New("the value under the answer's key is not an answer")
	}
	st, body, ok := bytes.Cut(v[1:], []byte(" "))
	status, err := strconv.Atoi(string(st))
	if !ok || err != nil || status < 100 || status > 599 {
		return platform.Reply{}, errors.New("the value under the answer's key is not an answer (no status)")
	}
	r := platform.Reply{Status: status}
	if v[0] == 'A' || v[0] == 'N' {
		var by [3][]byte
		for i := range by {
			if by[i], body, ok = bytes.Cut(body, []byte(" ")); !ok {
				return platform.Reply{}, errors.New("the value under the answer's key is not an answer (no flow, version and handler)")
			}
		}
		r.By = &platform.Answerer{Flow: string(by[0]), Version: string(by[1]), Handler: string(by[2])}
	}
	if v[0] == 'a' || v[0] == 'A' {
		r.Body = bytes.Clone(body)
	}
	return r, nil
}
