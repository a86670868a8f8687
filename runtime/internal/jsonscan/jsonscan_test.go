package jsonscan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// TestSpecial checks the eight-byte test against a byte-by-byte one: for
// every byte value at every position, with and without another byte after
// it, the lowest mark is the first byte that ends a plain string.
func TestSpecial(t *testing.T) {
	ends := func(c byte) bool { return c < 0x20 || c >= 0x80 || c == '"' || c == '\\' }
	var word [8]byte
	for p := range 8 {
		for c := range 256 {
			for _, after := range []byte{'a', 0x00, '"', 0xff} {
				for i := range word {
					word[i] = 'a'
				}
				word[p] = byte(c)
				if p < 7 {
					word[7] = after
				}
				want := 8
				for i, b := range word {
					if ends(b) {
						want = i
						break
					}
				}
				got := 8
				if m := special(binary.LittleEndian.Uint64(word[:])); m != 0 {
					got = bits.TrailingZeros64(m) / 8
				}
				if got != want {
					t.Fatalf("%q: first special byte at %d, want %d", word, got, want)
				}
			}
		}
	}
}

// TestPlain checks that the strings an encoder may copy between quotes are exactly
// those jsontext would leave unchanged (apart from quotes), whatever the
// length and wherever the odd byte is.
func TestPlain(t *testing.T) {
	for n := range 20 {
		for p := range n + 1 {
			for _, c := range []byte{'a', '"', '\\', 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xff, '<', '&'} {
				s := []byte(strings.Repeat("x", n))
				if p < n {
					s[p] = c
				}
				quoted, _ := jsontext.AppendQuote(nil, s)
				want := string(quoted) == `"`+string(s)+`"` && utf8.Valid(s) && !bytes.ContainsAny(s, "\x80\xc3\xff")
				if got := Plain(string(s)); got != want {
					t.Errorf("Plain(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}

// FuzzValue checks a scan of a whole body against encoding/json: what it
// accepts is valid JSON, and a valid body in the subset it takes (no
// backslash, no byte outside printable ASCII but space, nesting within
// MaxDepth) it accepts. stringEnd is checked against a byte-by-byte read
// from every quote, and an object's walk by MemberOf against its walk by
// Member.
func FuzzValue(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":[1,-0.5e+7,true,false,null,{"b":[]}],"c":"x"}`, ` { "a" : "b" , "c" : [ 1 , 2 ] } `,
		`{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`, `{"a":tru}`, `[1,]`, `{"a":1,}`, `{"a":1}x`, `{"a" 1}`,
		`"abcdefghijklmnopq"`, `"abcdefgh\"`, "\"abcdefghij\x7f\"", "\"abc\x1f\"", `"0123456789abcdef`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"a":"x","source":"y","sourceFormat":{"eventId":[1]},"eventId":"w","bc":null}`, `{"source" : "y"}`,
		`{"nameOfTwentyTwoLetters":"12345678901234567890","sourceFormat":"z"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := New(body)
		scanned := s.Value(1) && s.End()
		valid := json.Valid(body)
		if scanned && !valid {
			t.Fatalf("scan accepted %q, which is not valid JSON", body)
		}
		if valid && !scanned && inSubset(body) {
			t.Fatalf("scan refused %q, valid JSON in the subset it takes", body)
		}
		if bytes.HasPrefix(body, []byte("{")) {
			got, ok := walkMemberOf(body)
			if want, wantOK := walkMember(body); got != want || ok != wantOK {
				t.Fatalf("%q: MemberOf read %q %v, Member %q %v", body, got, ok, want, wantOK)
			}
		}
		for i, c := range body {
			if c == '"' {
				if got, want := stringEnd(body, i), stringEndBytewise(body, i+1); got != want {
					t.Fatalf("stringEnd(%q, %d) = %d, want %d", body, i, got, want)
				}
			}
		}
	})
}

// inSubset reports whether body uses only what a scan takes: printable
// ASCII and JSON's space, no backslash, nesting within MaxDepth.
func inSubset(body []byte) bool {
	depth := 0
	for _, c := range body {
		switch {
		case c == '\\' || c >= 0x80 || c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r':
			return false
		case c == '{' || c == '[':
			depth++ // brackets inside strings count too: a bound, not the depth
		}
	}
	return depth <= MaxDepth
}
