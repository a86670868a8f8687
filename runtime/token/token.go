// Package token encodes the resume tokens the runtime hands to 8x8 as
// clientActionId.
//
// 8x8 echoes the clientActionId of a response back in the next Voice Call
// Action webhook of the same call (reference platforms.md §3.4, §3.8). The
// runtime uses it to say where the call resumes: the flow, the version of the
// flow the call is pinned to, the handler and the instruction of the pending
// capture. Everything else about the call (variables, tries left, lookup
// results) lives in the session store; the token only says where to resume
// and proves that this runtime issued it, for this call, recently.
//
// A token is the base64url (no padding) encoding of
//
//	format(1) | expires uvarint | pc varint | len+flow | len+version | len+handler | mac(16)
//
// where mac is HMAC-SHA256 under the server secret, truncated to 16 bytes,
// over a domain label, the session id and every byte before it. The session
// id is not carried (8x8 sends it in the same webhook) but is bound into the
// MAC, so a token taken from one call is rejected in another. A typical token
// (flow "support", a 16-character version, handler "order") is 72
// characters; TestLength measures it.
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"strings"
	"sync"
	"time"
)

// Token is where a call resumes.
type Token struct {
	Flow, Version string
	Handler       string
	PC            int
	// Session is the call the token belongs to. Encode binds it into the
	// MAC without carrying it; Decode fills it with the session it was
	// asked to check.
	Session string
	// Expires is when the token stops being accepted, kept to the second.
	// The zero time means it never expires.
	Expires time.Time
}

// Errors Decode returns. They are distinct so the engine can log why a
// webhook got the safe fallback.
var (
	// ErrMalformed: not a token this package produces (bad encoding,
	// truncated, unknown format).
	ErrMalformed = errors.New("token: malformed")
	// ErrForged: well formed, but the MAC does not match: another secret,
	// another session, or altered bytes.
	ErrForged = errors.New("token: forged or for another call")
	// ErrExpired: authentic, but past its expiry.
	ErrExpired = errors.New("token: expired")
)

const (
	format    = 1  // the first byte of every token
	macLen    = 16 // bytes of truncated HMAC-SHA256
	minSecret = 16 // bytes of secret NewSigner requires
	// maxEncoded bounds what Decode looks at; real tokens are far shorter.
	maxEncoded = 1024
	label      = "callflow/8x8-resume/v1"
)

var enc = base64.RawURLEncoding.Strict()

// Signer encodes and checks tokens with one secret. It is safe for
// concurrent use.
type Signer struct {
	secret []byte
	macs   sync.Pool // *macState: keying an HMAC costs more than using it
}

// macState is a keyed HMAC, the buffer its input is gathered in and the
// one its sum is written to: one Write of one buffer, and the caller's
// buffers never reach the hash's interface, so they stay on the stack.
type macState struct {
	h   hash.Hash
	buf []byte
	sum []byte
}

// NewSigner returns a Signer for secret, which must be at least 16 bytes
// (32 random bytes are recommended). The secret is copied.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < minSecret {
		return nil, errors.New("token: secret must be at least 16 bytes")
	}
	s := &Signer{secret: append([]byte(nil), secret...)}
	s.macs.New = func() any { return &macState{h: hmac.New(sha256.New, s.secret)} }
	return s, nil
}

// Encode returns the token for t, bound to t.Session.
func (s *Signer) Encode(t Token) string {
	b := appendPayload(make([]byte, 0, 256), t)
	b = s.appendMAC(b, t.Session, b)
	return string(enc.AppendEncode(b[len(b):], b)) // encoded into the same buffer's spare room
}

// Decode checks token str for the call session and returns where to resume,
// with Session set to session. It returns ErrMalformed, ErrForged or
// ErrExpired (an expired token is authentic, and is returned with
// ErrExpired for logging; it must not be resumed). A token expires when now
// reaches its Expires.
func (s *Signer) Decode(str, session string, now time.Time) (Token, error) {
	if len(str) == 0 || len(str) > maxEncoded {
		return Token{}, ErrMalformed
	}
	b, err := enc.DecodeString(str)
	if err != nil || len(b) < 1+macLen || b[0] != format {
		return Token{}, ErrMalformed
	}
	payload, sum := b[:len(b)-macLen], b[len(b)-macLen:]
	var want [macLen]byte
	if !hmac.Equal(sum, s.appendMAC(want[:0], session, payload)) {
		return Token{}, ErrForged
	}
	t, ok := parsePayload(payload)
	if !ok {
		return Token{}, ErrMalformed
	}
	t.Session = session
	if !t.Expires.IsZero() && !now.Before(t.Expires) {
		return t, ErrExpired
	}
	return t, nil
}

// appendMAC appends the truncated HMAC of the label, the session and the
// payload to dst. The session is length-prefixed so no two (session,
// payload) pairs share an input.
func (s *Signer) appendMAC(dst []byte, session string, payload []byte) []byte {
	m := s.macs.Get().(*macState)
	defer s.macs.Put(m)
	m.h.Reset()
	m.buf = append(m.buf[:0], label...)
	m.buf = binary.AppendUvarint(m.buf, uint64(len(session)))
	m.buf = append(m.buf, session...)
	m.buf = append(m.buf, payload...)
	m.h.Write(m.buf)
	m.sum = m.h.Sum(m.sum[:0])
	return append(dst, m.sum[:macLen]...)
}

// appendPayload appends the unsigned part of a token.
func appendPayload(b []byte, t Token) []byte {
	b = append(b, format)
	var exp uint64
	if !t.Expires.IsZero() {
		exp = uint64(max(t.Expires.Unix(), 1)) // before 1970: already expired
	}
	b = binary.AppendUvarint(b, exp)
	b = binary.AppendVarint(b, int64(t.PC))
	for _, f := range [...]string{t.Flow, t.Version, t.Handler} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// parsePayload reads what appendPayload wrote; ok is false for anything
// else, trailing bytes included.
func parsePayload(b []byte) (t Token, ok bool) {
	if len(b) == 0 || b[0] != format {
		return Token{}, false
	}
	b = b[1:]
	exp, n := binary.Uvarint(b)
	if n <= 0 || exp > 1<<62 {
		return Token{}, false
	}
	b = b[n:]
	pc, n := binary.Varint(b)
	if n <= 0 || int64(int(pc)) != pc {
		return Token{}, false
	}
	b = b[n:]
	// The three names are cut from one string: one allocation, not three.
	var text strings.Builder
	text.Grow(len(b))
	var ends [3]int
	for i := range ends {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return Token{}, false
		}
		text.Write(b[n : n+int(l)])
		b, ends[i] = b[n+int(l):], text.Len()
	}
	if len(b) != 0 {
		return Token{}, false
	}
	all := text.String()
	t = Token{Flow: all[:ends[0]], Version: all[ends[0]:ends[1]], Handler: all[ends[1]:ends[2]], PC: int(pc)}
	if exp != 0 {
		t.Expires = time.Unix(int64(exp), 0)
	}
	return t, true
}
