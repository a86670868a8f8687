package main

import (
	"fmt"
	"math"
	"strconv"
)

// Cmp is how a measured value must compare with its target.
type Cmp int

const (
	AtMost  Cmp = iota // the value must be ≤ the target
	AtLeast            // the value must be ≥ the target
)

// Holds reports whether v meets target.
func (c Cmp) Holds(v, target float64) bool {
	if c == AtLeast {
		return v >= target
	}
	return v <= target
}

func (c Cmp) String() string {
	if c == AtLeast {
		return "≥"
	}
	return "≤"
}

// A Unit prints a metric's value: the value times Scale, then Suffix.
type Unit struct {
	Scale  float64
	Suffix string
}

// The units of the figures table.
var (
	times      = Unit{1, "×"}
	count      = Unit{1, ""}
	seconds    = Unit{1, " s"}
	millis     = Unit{1, " ms"}
	micros     = Unit{1e-3, " µs"} // from ns
	nanoMillis = Unit{1e-6, " ms"} // from ns
	kib        = Unit{1.0 / (1 << 10), " KiB"}
	mib        = Unit{1, " MiB"}
	perInput   = Unit{1.0 / (1 << 20), "× input"} // from bytes per MiB of input
)

// Format prints v in u with three significant digits at most, and no
// exponent: 0.853, 12.6, 832.
func (u Unit) Format(v float64) string {
	v *= u.Scale
	var s string
	switch a := math.Abs(v); {
	case v == math.Trunc(v) && a < 1e6:
		s = fmt.Sprintf("%.0f", v)
	case a >= 100:
		s = fmt.Sprintf("%.0f", v)
	case a >= 10:
		s = fmt.Sprintf("%.1f", v)
	case a >= 1:
		s = fmt.Sprintf("%.2f", v)
	default:
		s = fmt.Sprintf("%.3f", v)
	}
	return s + u.Suffix
}

// FormatTarget prints a target in u as it is declared, without padding
// digits: 1.3×, 0.9×, 10 µs.
func (u Unit) FormatTarget(v float64) string {
	v = math.Round(v*u.Scale*1e6) / 1e6
	return strconv.FormatFloat(v, 'f', -1, 64) + u.Suffix
}
