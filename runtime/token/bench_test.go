package token

import "testing"

// BenchmarkEncode mints the token of a capture, as the engine does for
// every 8x8 step that waits for the caller.
func BenchmarkEncode(b *testing.B) {
	s, tk := signer(b, secret), sample()
	b.ReportAllocs()
	for b.Loop() {
		s.Encode(tk)
	}
}

// BenchmarkDecode verifies one: the engine does when the clientActionId
// is not the one the session keeps.
func BenchmarkDecode(b *testing.B) {
	s := signer(b, secret)
	tok := s.Encode(sample())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Decode(tok, session, t0); err != nil {
			b.Fatal(err)
		}
	}
}
