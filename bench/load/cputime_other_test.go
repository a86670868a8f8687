//go:build !unix

package load

import (
	"testing"
	"time"
)

// processCPU is not measured here: 0.
func processCPU(*testing.B) time.Duration { return 0 }
