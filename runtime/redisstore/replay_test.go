package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/redisstore"
)

// replayer sends every command and pipeline twice, as go-redis does when
// the reply to the first send is lost (a read timeout, a reset
// connection) and it retries: Redis has done the first, the caller sees
// the second's reply.
type replayer struct{}

func (replayer) DialHook(next redis.DialHook) redis.DialHook { return next }

func (replayer) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name != "hello" && name != "client" {
			next(ctx, cmd)
		}
		return next(ctx, cmd)
	}
}

func (replayer) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if name := cmds[0].Name(); name != "hello" && name != "client" {
			next(ctx, cmds)
		}
		return next(ctx, cmds)
	}
}

// A claim whose reply was lost and whose SET was sent again finds its
// own marker: it holds the claim, rather than waiting for itself until
// the webhook's budget is spent.
func TestClaimReplayedIsHeld(t *testing.T) {
	s, _ := open(t, redisstore.WithHook(replayer{}))
	claims := map[string]func(context.Context) (uint64, bool, error){
		"claim": func(ctx context.Context) (uint64, bool, error) {
			c, err := s.Claim(ctx, runtime.AnswerKey("tencent", "", "replayed", "replayed"), time.Minute)
			return c.Token, c.Answered, err
		},
		"claim with session": func(ctx context.Context) (uint64, bool, error) {
			c, read, err := s.ClaimSession(ctx, runtime.AnswerKey("8x8", "", "replayed", "e1"), time.Minute, "8x8|replayed")
			if read.Err != runtime.ErrNotFound {
				t.Errorf("session read with the claim: %v, want ErrNotFound", read.Err)
			}
			return c.Token, c.Answered, err
		},
		"outcome claim": func(ctx context.Context) (uint64, bool, error) {
			c, err := s.Outcomes().Claim(ctx, "callback:replayed", time.Minute)
			return c.Token, c.Settled, err
		},
	}
	for name, claim := range claims {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		start := time.Now()
		token, answered, err := claim(ctx)
		cancel()
		if err != nil || answered || token == 0 {
			t.Errorf("%s, replayed: token %d, answered %v, %v after %v; want the claim held at once", name, token, answered, err, time.Since(start))
		}
	}
}

// A session write and fill whose reply was lost and whose script was sent
// again finds what its first run wrote: the webhook is answered, not told
// that another webhook of its call won.
func TestSaveAndFillReplayedSucceeds(t *testing.T) {
	s, _ := open(t, redisstore.WithHook(replayer{}))
	ctx := ctxFor(t)
	reply := platform.Reply{Status: 200, Body: []byte(`{"menu":1}`)}
	c, _, err := s.ClaimSession(ctx, runtime.AnswerKey("8x8", "", "replayed", "e1"), time.Minute, "8x8|replayed")
	if err != nil {
		t.Fatal(err)
	}
	w := runtime.SessionWrite{Key: "8x8|replayed", Session: session("replayed"), TTL: time.Hour}
	rev, err := s.SaveAndFill(ctx, w, c, reply, time.Hour)
	if err != nil || rev != 1 {
		t.Fatalf("write replayed: revision %d, %v; want 1", rev, err)
	}
	if d, _ := s.Claim(ctx, c.Key, time.Minute); !d.Answered || string(d.Reply.Body) != string(reply.Body) {
		t.Fatalf("the answer after a replayed write: %+v", d)
	}
	// The call ends at its next step: the session is deleted at revision 1.
	c, _, err = s.ClaimSession(ctx, runtime.AnswerKey("8x8", "", "replayed", "e2"), time.Minute, "8x8|replayed")
	if err != nil {
		t.Fatal(err)
	}
	if rev, err := s.SaveAndFill(ctx, runtime.SessionWrite{Key: "8x8|replayed", Rev: 1}, c, reply, time.Hour); err != nil || rev != 0 {
		t.Fatalf("deletion replayed: revision %d, %v; want 0", rev, err)
	}
	// A real conflict is still one: nothing written by this claim.
	c, _, _ = s.ClaimSession(ctx, runtime.AnswerKey("8x8", "", "other", "e1"), time.Minute, "8x8|other")
	if _, err := s.SaveAndFill(ctx, runtime.SessionWrite{Key: "8x8|other", Rev: 4, Session: session("other"), TTL: time.Hour}, c, reply, time.Hour); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("write at a revision that is not stored: %v, want ErrConflict", err)
	}
}

// A value of another type under the answer's key makes the script fail
// before it writes anything: the session is not left written without its
// answer (Redis keeps what a script wrote before an error).
func TestSaveAndFillFailsBeforeWriting(t *testing.T) {
	s, _ := open(t)
	ctx := ctxFor(t)
	if err := s.Client().RPush(ctx, "callflow:{8x8:typed}:a:e1", "not a string").Err(); err != nil {
		t.Fatal(err)
	}
	c := runtime.Claim{Key: runtime.AnswerKey("8x8", "", "typed", "e1"), Token: 7}
	w := runtime.SessionWrite{Key: "8x8|typed", Session: session("typed"), TTL: time.Hour}
	if _, err := s.SaveAndFill(ctx, w, c, platform.Reply{Status: 200, Body: []byte("{}")}, time.Hour); err == nil {
		t.Fatal("SaveAndFill over a list: no error")
	}
	if _, _, err := s.Get(ctx, "8x8|typed"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("the session after the script failed: %v, want none written", err)
	}
}
