//go:build unix

package reload

import (
	"os"
	"syscall"
)

// openFlags opens a file for reading without waiting for a named pipe's
// writer; regular files ignore O_NONBLOCK.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
