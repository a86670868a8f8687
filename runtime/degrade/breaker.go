package degrade

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/callflow/callflow/runtime"
)

// State is the breaker's state.
type State string

// The breaker's states.
const (
	Closed   State = "closed"    // the store is used
	Open     State = "open"      // the store is not used: degraded
	HalfOpen State = "half-open" // one operation probes the store; the others are degraded
)

func stateOf(s gobreaker.State) State {
	switch s {
	case gobreaker.StateOpen:
		return Open
	case gobreaker.StateHalfOpen:
		return HalfOpen
	}
	return Closed
}

// ErrUnavailable is in the error of an operation the shared store could
// not do: the breaker is open, or the store failed or did not answer in
// time. A session held only in the shared store cannot be read then.
var ErrUnavailable = errors.New("the shared store is unavailable")

// errExcluded is reported to the breaker for an operation that tells
// nothing of the store: its caller gave up (the platform hung up).
var errExcluded = errors.New("excluded")

// outcome is how an operation on the shared store went.
type outcome int

const (
	served      outcome = iota // the store answered: its error is nil or one of the contract's (not found, conflict)
	unavailable                // not tried (breaker open, no time left) or failed: fall back to this process
	ended                      // the caller's context ended: return its error, fall back to nothing
)

// run runs op on the shared store when the breaker lets it through, with
// ctx bounded (bounded: the caller's deadline less the margin; else the
// caller's deadline alone, for claims that wait), and reports it to the
// breaker and the observer.
func (g *Guard) run(ctx context.Context, op string, bounded bool, fn func(context.Context) error) (outcome, error) {
	if err := ctx.Err(); err != nil {
		return ended, err
	}
	octx, cancel, ok := g.bound(ctx, bounded)
	if !ok {
		return unavailable, fmt.Errorf("%w: no time left for %s within the webhook's deadline", ErrUnavailable, op)
	}
	defer cancel()
	done, err := g.cb.Allow()
	if err != nil {
		return unavailable, fmt.Errorf("%w: the breaker is open (%s)", ErrUnavailable, g.lastError())
	}
	start := time.Now()
	err = fn(octx)
	took := time.Since(start)
	switch {
	case answered(err):
		done(nil)
		g.obs.StoreOp(op, took, nil)
		return served, err
	case errors.Is(ctx.Err(), context.Canceled):
		done(errExcluded)
		return ended, ctx.Err()
	}
	if octx.Err() != nil && err != octx.Err() && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w (%v)", octx.Err(), err) // the store's own words for a timeout vary
	}
	g.failed(op, err)
	done(err)
	g.obs.StoreOp(op, took, err)
	if ctx.Err() != nil {
		return ended, ctx.Err()
	}
	return unavailable, fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}

// answered says err is the store answering: nothing, or one of the
// contract's answers, or a claim still pending at the caller's deadline
// (another copy is slow; the store answered every poll).
func answered(err error) bool {
	return err == nil || errors.Is(err, runtime.ErrNotFound) || errors.Is(err, runtime.ErrConflict) ||
		errors.Is(err, runtime.ErrNoBundle) || errors.Is(err, runtime.ErrPending)
}

// bound is ctx for one operation: until the caller's deadline less the
// margin when bounded, else the caller's deadline; DefaultOpTimeout's
// when ctx has none. ok is false when no time is left.
func (g *Guard) bound(ctx context.Context, bounded bool) (context.Context, context.CancelFunc, bool) {
	dl, has := ctx.Deadline()
	if !has {
		c, cancel := context.WithTimeout(ctx, g.opTimeout)
		return c, cancel, true
	}
	if !bounded {
		return ctx, func() {}, true
	}
	until := dl.Add(-g.margin)
	if !time.Now().Before(until) {
		return nil, nil, false
	}
	c, cancel := context.WithDeadline(ctx, until)
	return c, cancel, true
}

// failed remembers a failure for the transition log and Status, and logs
// it while the breaker is closed.
func (g *Guard) failed(op string, err error) {
	msg := op + ": " + err.Error()
	g.mu.Lock()
	g.lastErr, g.lastErrAt = msg, time.Now()
	closed := g.state == gobreaker.StateClosed
	g.mu.Unlock()
	level := slog.LevelDebug
	if closed { // a few lines before the breaker opens; none while it is open
		level = slog.LevelWarn
	}
	g.log.Log(context.Background(), level, "shared store operation failed",
		slog.String("operation", op), slog.String("error", err.Error()))
}

func (g *Guard) lastError() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lastErr == "" {
		return "no failure recorded"
	}
	return g.lastErr
}

// changed is the breaker's OnStateChange: it runs under the breaker's
// lock, so it logs and meters, and never calls the breaker.
func (g *Guard) changed(_ string, from, to gobreaker.State) {
	now := time.Now()
	g.mu.Lock()
	g.state, g.since = to, now
	if from == gobreaker.StateClosed {
		g.degradedSince = now
	}
	began, last, back := g.degradedSince, g.lastErr, g.onBack
	g.mu.Unlock()
	g.obs.BreakerState(stateOf(to))
	switch {
	case from == gobreaker.StateClosed:
		g.log.Warn("shared store unavailable: serving degraded; new calls keep their sessions and answers in this process, and calls held only in the store get the safe fallback, until a probe succeeds",
			slog.String("error", last), slog.Int("local_sessions", g.local.Len()))
	case to == gobreaker.StateClosed:
		for _, fn := range back {
			go fn()
		}
		g.log.Info("shared store back: new calls use it again; calls started while degraded finish in this process",
			slog.Duration("degraded_for", now.Sub(began)), slog.Int("local_sessions", g.local.Len()),
			slog.Uint64("degraded_answers", g.degraded.Load()))
	default:
		g.log.Debug("store breaker", slog.String("from", from.String()), slog.String("to", to.String()))
	}
}
