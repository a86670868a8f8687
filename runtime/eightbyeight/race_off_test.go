//go:build !race

package eightbyeight

const raceEnabled = false
