//go:build race

package server

// raceEnabled: the race detector adds allocations and drops sync.Pool
// items at random, so allocation counts mean nothing under it. A test
// that skips for it has Alloc in its name: make test runs those again
// without the race detector.
const raceEnabled = true
