//go:build !unix

package reload

import "os"

// openFlags opens a file for reading.
const openFlags = os.O_RDONLY
