package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"hash"
	"log/slog"
)

// Secret is a shared secret a request must present. Only its SHA-256 digest
// is kept, compared in constant time, so neither its value nor its length
// leaks through timing, and it cannot end up in a log: it prints as
// "[secret]".
type Secret struct {
	sum [sha256.Size]byte
	set bool
	key []byte // the value, for MAC; never printed
}

// NewSecret makes a secret of v; an empty v is no secret (the route is
// open).
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{sum: sha256.Sum256([]byte(v)), set: true, key: []byte(v)}
}

// MAC is the HMAC of the parts, in order, keyed with the secret, for a
// platform that signs its webhooks (the value itself never leaves the
// Secret); nil when the secret is not set. Compare it with hmac.Equal.
func (s Secret) MAC(h func() hash.Hash, parts ...[]byte) []byte {
	if !s.set {
		return nil
	}
	m := hmac.New(h, s.key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// IsSet reports whether the secret is configured.
func (s Secret) IsSet() bool { return s.set }

// Matches reports, in constant time, whether v is the secret. Anything
// matches a secret that is not set.
func (s Secret) Matches(v string) bool {
	if !s.set {
		return true
	}
	got := sha256.Sum256([]byte(v))
	return subtle.ConstantTimeCompare(got[:], s.sum[:]) == 1
}

// String hides the secret.
func (s Secret) String() string { return "[secret]" }

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return "server.Secret{[secret]}" }

// LogValue hides the secret from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue("[secret]") }
