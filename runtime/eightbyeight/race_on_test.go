//go:build race

package eightbyeight

// raceEnabled: the race detector adds allocations and drops sync.Pool
// items at random, so allocation counts mean nothing under it.
const raceEnabled = true
