//go:build !linux

package load

import "os/exec"

// orphanProof does nothing here: only Linux kills a child with its parent.
func orphanProof(*exec.Cmd) {}
