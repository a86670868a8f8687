package degrade

import "time"

// Observer is told what a Guard does, for metrics. Its methods must return
// quickly: they run on the webhook's goroutine, and BreakerState under the
// breaker's lock.
type Observer interface {
	// StoreOp is one operation on the shared store, as long as it took; err
	// is nil when the store answered (a missing session and a revision
	// conflict are answers), else its failure or timeout.
	StoreOp(operation string, took time.Duration, err error)
	// BreakerState is the breaker's new state (and its first, Closed).
	BreakerState(State)
	// DegradedAnswer is a delivery claimed in this process's memory:
	// reason is Unreachable (the store could not be used) or HeldHere (the
	// call's session is held here, since it started while degraded).
	DegradedAnswer(reason string)
	// DuplicateWaited is a delivery whose answer another copy gave, through
	// the shared store, and how long its claim waited for it (a stored
	// answer comes in one round trip).
	DuplicateWaited(took time.Duration)
	// BundleFetched is a read of a flow-version bundle from the shared
	// store: result is ok, missing or error.
	BundleFetched(result string)
}

// Reasons of DegradedAnswer.
const (
	Unreachable = "unreachable"
	HeldHere    = "held_here"
)

// Results of BundleFetched.
const (
	BundleOK      = "ok"
	BundleMissing = "missing"
	BundleError   = "error"
)

type nopObserver struct{}

func (nopObserver) StoreOp(string, time.Duration, error) {}
func (nopObserver) BreakerState(State)                   {}
func (nopObserver) DegradedAnswer(string)                {}
func (nopObserver) DuplicateWaited(time.Duration)        {}
func (nopObserver) BundleFetched(string)                 {}
