package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime"
)

// corruptingStore hands out sessions changed by corrupt, as a stale or
// corrupted entry of any store would be.
type corruptingStore struct {
	runtime.SessionStore
	corrupt func(*runtime.Session) *runtime.Session
}

func (s corruptingStore) Get(ctx context.Context, key string) (*runtime.Session, uint64, error) {
	sess, rev, err := s.SessionStore.Get(ctx, key)
	if err == nil {
		sess = s.corrupt(sess)
	}
	return sess, rev, err
}

// A session that does not fit its flow is answered with the fallback and
// a bad-session error naming the field; it used to panic (an unknown
// handler, an instruction out of range) or be taken for a bad token.
func TestSessionThatDoesNotFitItsFlow(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(*runtime.Session) *runtime.Session
		field   string
	}{
		{"unknown handler", func(s *runtime.Session) *runtime.Session { s.Handler = "nope"; return s }, "h"},
		{"instruction out of range", func(s *runtime.Session) *runtime.Session { s.PC = 1 << 20; return s }, "pc"},
		{"negative instruction", func(s *runtime.Session) *runtime.Session { s.PC = -1; return s }, "pc"},
		{"not a capture", func(s *runtime.Session) *runtime.Session { s.PC = 0; return s }, "pc"},
		{"no session", func(*runtime.Session) *runtime.Session { return nil }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := corruptingStore{runtime.NewMemoryStore(), tc.corrupt}
			eng := newEngine(t, shipped(t), runtime.WithStore(store))
			c := newCall8x8(t, eng, "corrupt-"+strings.ReplaceAll(tc.name, " ", "-"), inHours)
			if res := c.start(); res.Outcome != runtime.Answered || c.resume == "" {
				t.Fatalf("start: %s %s", res.Outcome, res.Reply.Body)
			}
			res := c.press("1")
			if res.Outcome != runtime.Fallback || string(res.Reply.Body) != fallbackHangup || errCode(res.Err) != "bad-session" {
				t.Fatalf("%s %s err %v, want the fallback with bad-session", res.Outcome, res.Reply.Body, res.Err)
			}
			var se *runtime.SessionError
			if tc.field != "" && (!errors.As(res.Err, &se) || se.Field != tc.field) {
				t.Errorf("err %v, want a SessionError on field %s", res.Err, tc.field)
			}
		})
	}
}
