//go:build !race

package server

// raceEnabled: the race detector adds allocations and drops sync.Pool
// items at random, so allocation counts mean nothing under it.
const raceEnabled = false
