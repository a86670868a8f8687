package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// OutcomeStore keeps the outcome of every trigger dispatched, by [Key], so
// that a trigger is sent once across every replica sharing the store. It
// works by claim, then fill, as runtime.AnswerStore does for webhooks:
//
//   - Claim is called before anything is sent. The first copy of a trigger
//     claims its key: a pending marker that expires after the ttl given
//     (the dispatch's own bound, plus a margin). A copy that arrives while
//     the claim is pending, on any replica, waits until ctx ends for the
//     outcome and gets it; it never sends. A claim that is never filled
//     (its replica died mid-dispatch) expires, and the next copy claims
//     the key and sends.
//   - Fill stores the outcome, kept for the ttl given: the client keeps an
//     accepted dispatch for [OutcomeTTL] (24 h) and a failed one for
//     [FailedOutcomeTTL] (1 minute), after which the trigger may be tried
//     again. Fill wakes the copies waiting.
//   - Release drops a claim without an outcome, when nothing can have
//     reached the platform (no connection was made, ctx ended before
//     sending): the next copy claims the key and tries again at once.
//
// Fill and Release act only while the key still holds the claim given
// (its Token): a claim that expired and was taken over by another copy
// changes nothing. Every entry, pending or filled, has a TTL set in the
// same atomic step as the write.
//
// [MemoryOutcomes] is the default. A store shared by several replicas
// (Redis) implements Claim with an atomic set-if-absent of the pending
// marker and waits by polling; Fill and Release compare the claim's token
// and write (or delete) in one step. runtime/storetest.Dispatch is the
// conformance suite every implementation passes.
type OutcomeStore interface {
	// Claim claims key for ttl, or returns the outcome stored under it
	// (Claim.Settled), waiting while another claim is pending. It returns
	// ctx's error when ctx ends first.
	Claim(ctx context.Context, key string, ttl time.Duration) (Claim, error)
	// Fill stores o as the outcome of c's dispatch, kept for ttl.
	Fill(ctx context.Context, c Claim, o Outcome, ttl time.Duration) error
	// Release drops c without an outcome; the next copy claims the key.
	Release(ctx context.Context, c Claim) error
}

// Claim is what OutcomeStore.Claim returns: the outcome of an earlier
// dispatch of the trigger, or the caller's claim on it, to fill or
// release.
type Claim struct {
	Key string
	// Token tells this claim from a later one on the same key (after this
	// one expired); Fill and Release act only while the key holds it.
	Token uint64
	// Settled says Outcome is the stored outcome: return it, send nothing.
	Settled bool
	Outcome Outcome
}

// Outcome is a dispatch as remembered: its Result, and its error if it
// failed. A store that serialises it uses its JSON methods, which keep
// the Result with its attempts and the error with its cause as text
// (never Result.Replayed, which the client sets).
type Outcome struct {
	Result Result `json:"result"`
	Err    *Error `json:"error,omitempty"`
}

// How long outcomes are kept.
const (
	// OutcomeTTL is how long an accepted dispatch is replayed to copies of
	// its trigger.
	OutcomeTTL = 24 * time.Hour
	// FailedOutcomeTTL is how long a failed dispatch (refused, or no
	// answer after every retry) is replayed; a copy that comes later sends
	// again.
	FailedOutcomeTTL = time.Minute
)

// ttl is how long o is kept.
func (o Outcome) ttl() time.Duration {
	if o.Err != nil {
		return FailedOutcomeTTL
	}
	return OutcomeTTL
}

// outcomeWire is an Outcome as JSON: the Result's JSON form (the server's
// answer) and the fields it leaves out that a replay needs: the attempts,
// and the error's cause as text, so that a failure replayed from a shared
// store says what the original said.
type outcomeWire struct {
	Result   Result `json:"result"`
	Attempts int    `json:"attempts,omitempty"`
	Err      *Error `json:"error,omitempty"`
	Cause    string `json:"cause,omitempty"`
}

// MarshalJSON encodes o for a store.
func (o Outcome) MarshalJSON() ([]byte, error) {
	w := outcomeWire{Result: o.Result, Attempts: o.Result.Attempts, Err: o.Err}
	if o.Err != nil && o.Err.Err != nil {
		w.Cause = o.Err.Err.Error()
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes what MarshalJSON encoded; the error's cause comes
// back as an error with the same text (errors.Is no longer finds what it
// wrapped).
func (o *Outcome) UnmarshalJSON(b []byte) error {
	var w outcomeWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*o = Outcome{Result: w.Result, Err: w.Err}
	o.Result.Attempts = w.Attempts
	if w.Cause != "" && o.Err != nil {
		o.Err.Err = errors.New(w.Cause)
	}
	return nil
}
