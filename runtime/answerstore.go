package runtime

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// AnswerStore keeps the answer given to each delivery (a tencent SessionId,
// an 8x8 eventId, a trigger id), so that a retried or concurrent copy of a
// webhook gets the identical answer and the flow, its lookups and its
// posts run once per delivery. It works by claim, then fill:
//
//   - Claim is called when a delivery arrives. The first copy claims the
//     key: a pending marker that expires after the ttl given (the
//     platform's answer budget). A copy that arrives while the claim is
//     pending waits, until ctx ends, for the answer and gets it; a claim
//     that is never filled (its process died) expires, and the next copy
//     claims the key and runs the flow.
//   - Fill stores the reply actually sent, status and body, and wakes the
//     copies waiting; Release drops the claim without an answer, for a
//     reply that must not be replayed (4xx: not understood or not
//     routable; 5xx: try again), so a retry after the cause is fixed runs
//     normally. Both act only while the key still holds the claim.
//
// [MemoryAnswers] is the default. A store shared by several replicas
// (Redis) implements Claim with an atomic set-if-absent of the pending
// marker and waits by polling; Fill and Release compare the claim's token
// and write (or delete) in one step.
//
// The contract every implementation keeps (runtime/storetest.Answers
// checks it): of any number of concurrent Claims of a key exactly one
// claims it, with a non-zero Token unlike any earlier claim's on the key;
// the others wait, each until its ctx ends, and get the filled reply byte
// for byte (a body-less reply may come back with nil or an empty body).
// Fill and Release of a claim the key no
// longer holds (expired, taken over, released) change nothing. Release
// wakes the copies waiting, one of which claims the key. An answer is
// kept for the ttl Fill is given. The pending marker's TTL is set with it,
// in one step. Whether a reply is stored at all is the engine's choice: it
// releases 4xx and 5xx replies rather than filling them.
type AnswerStore interface {
	// Claim claims key for ttl, or returns the answer stored under it
	// (Claim.Answered), waiting while another claim is pending. It returns
	// ctx's error when ctx ends first.
	Claim(ctx context.Context, key string, ttl time.Duration) (Claim, error)
	// Fill stores reply as the answer to c's delivery, kept for ttl.
	Fill(ctx context.Context, c Claim, reply platform.Reply, ttl time.Duration) error
	// Release drops c without an answer; the next copy claims the key.
	Release(ctx context.Context, c Claim) error
}

// ErrPending may be wrapped, with ctx's error, in the error of a Claim
// whose ctx ended while another copy's claim was still pending: the store
// answered, the answer was not ready. A store on the network (Redis)
// wraps it, so that a store wrapping it (a circuit breaker) tells a slow
// copy from a store that did not answer in time.
var ErrPending = errors.New("another copy of the delivery is still being answered")

// Claim is what AnswerStore.Claim returns: the answer already given to the
// delivery, or the caller's claim on it, to fill or release.
type Claim struct {
	Key string
	// Token tells this claim from a later one on the same key (after this
	// one expired); Fill and Release act only while the key holds it.
	Token uint64
	// Answered says Reply is the stored answer: send it, fill nothing.
	Answered bool
	Reply    platform.Reply
}

// WithAnswerStore sets where the answers to deliveries are kept; the
// default is a MemoryAnswers of DefaultAnswers answers.
func WithAnswerStore(s AnswerStore) Option { return func(e *Engine) { e.answers = s } }

// keepAnswer says whether a reply is replayed to the delivery's copies:
// not a 4xx (the webhook was not understood or not routable: a retry after
// the cause is fixed must run normally) nor a 5xx (it asks to try again).
func keepAnswer(r platform.Reply) bool { return r.Status < 400 }

// answerMargin is kept from the budget of a copy that waits for another's
// answer, to answer the fallback in time when none comes.
const answerMargin = 100 * time.Millisecond

// claim claims the webhook's delivery for its answer budget, or gets its
// answer, waiting for a copy being answered until the budget (less a
// margin) is spent: that wait is the only error. A store that fails
// otherwise leaves the delivery unclaimed (no Key): it is answered anyway,
// and its answer is not kept.
//
// With a CallStore, the claim of a capture's answer reads the call's
// session in the same round trip (pre); else pre is nil.
//
// A delivery is keyed by platform, the flow named in the URL (flow; ""
// when routed by number) and its id: an id reused on another flow's route
// is another delivery.
func (e *Engine) claim(ctx context.Context, ev *platform.Event, flow string, arrived, deadline time.Time) (cl Claim, pre *SessionRead, err error) {
	ttl := deadline.Sub(arrived)
	until := deadline.Add(-answerMargin)
	if m := e.memAnswers; m != nil {
		cl, err = m.claim(ctx, ev.Platform+"|"+escapeKeyPart(flow)+"|"+ev.Delivery, ttl, arrived, until)
		return cl, nil, err
	}
	key := AnswerKey(ev.Platform, flow, ev.Session, ev.Delivery)
	wctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	if e.calls != nil && ev.Kind == platform.Input {
		var read SessionRead
		cl, read, err = e.calls.ClaimSession(wctx, key, ttl, ev.Platform+"|"+ev.Session)
		if err == nil && !cl.Answered {
			pre = &read
		}
	} else {
		cl, err = e.answers.Claim(wctx, key, ttl)
	}
	if err != nil && wctx.Err() == nil {
		e.log.LogAttrs(ctx, slog.LevelWarn, "answer store failed; the delivery is answered without a claim",
			attrString("platform", ev.Platform), attrString("error", err.Error()))
		return Claim{}, nil, nil
	}
	return cl, pre, err
}

// settle fills the claim with the reply sent, or releases it when the
// reply must not be replayed. A shared store is given until the end of
// the webhook's budget: the answer waits for it, and must still be in time.
func (e *Engine) settle(ctx context.Context, cl Claim, res *Result, arrived, deadline time.Time) {
	if cl.Key == "" || res.filled {
		return
	}
	if !keepAnswer(res.Reply) {
		e.release(ctx, cl, deadline)
		return
	}
	if m := e.memAnswers; m != nil {
		m.fill(cl, res.Reply, answersTTL, m.at(arrived))
		return
	}
	fctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	if err := e.answers.Fill(fctx, cl, res.Reply, answersTTL); err != nil {
		e.log.LogAttrs(ctx, slog.LevelWarn, "answer store failed to keep an answer",
			attrString("platform", res.Event.Platform), attrString("error", err.Error()))
	}
}

// release drops a claim without an answer.
func (e *Engine) release(ctx context.Context, cl Claim, deadline time.Time) {
	if cl.Key == "" {
		return
	}
	if m := e.memAnswers; m != nil {
		m.Release(ctx, cl)
		return
	}
	rctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	if err := e.answers.Release(rctx, cl); err != nil {
		e.log.LogAttrs(ctx, slog.LevelWarn, "answer store failed to release a claim", attrString("error", err.Error()))
	}
}
