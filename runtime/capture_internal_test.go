package runtime

import (
	"crypto/subtle"
	"testing"
)

// FuzzSameString: the word-at-a-time comparison of a clientActionId with
// the one its session issued agrees with crypto/subtle's byte-by-byte one
// for any two strings, ones that differ in a single byte included.
func FuzzSameString(f *testing.F) {
	tok := "AQCE2eS9BgQIc3VwcG9ydBBhYmNkZWYwMTIzNDU2Nzg5BW9yZGVyq83vEjRWeJq83vEjRWeJqw"
	f.Add(tok, tok, 0)
	f.Add(tok, tok[:len(tok)-1], 3)
	f.Add("", "", 0)
	f.Add("abcdefgh", "abcdefgi", 7)
	f.Add("abcdefghi", "abcdefghi", 8)
	f.Fuzz(func(t *testing.T, a, b string, flip int) {
		check := func(a, b string) {
			want := subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
			if got := sameString(a, b); got != want {
				t.Fatalf("sameString(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
		check(a, b)
		check(a, a)
		if len(a) > 0 { // the same string but for one byte
			c := []byte(a)
			i := (flip%len(c) + len(c)) % len(c)
			c[i] ^= 1 << (uint(flip) % 8)
			check(a, string(c))
		}
	})
}
