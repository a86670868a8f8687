package platform

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// The ids an adapter's Webhook invents for the webhooks it builds (call
// and session ids, event ids), shaped as the platforms' own: UUIDs.

// RandomUUID is a version 4 UUID.
func RandomUUID() string {
	var b [16]byte
	rand.Read(b[:])
	return formatUUID(b)
}

// HashUUID is a UUID-shaped id derived from s: the same s, the same id.
func HashUUID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return formatUUID([16]byte(sum[:16]))
}

func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
