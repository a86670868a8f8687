package jsonscan

import (
	"bytes"
	"fmt"
	"testing"
)

// testNames are the names the MemberOf tests know: short and long, one
// the start of another, and one too long to be matched whole.
var testNames = NewNames("a", "source", "sourceFormat", "eventId", "bc", "nameOfTwentyTwoLetters", "nameOfTwentyThreeLetter")

// TestMemberOf walks objects with MemberOf and with Member, Raw and
// Index, which it replaces: guesses that hold and guesses that miss,
// names out of order, unknown, escaped, spaced or near the end.
func TestMemberOf(t *testing.T) {
	for _, body := range []string{
		`{}`, ` { } `, `{"a":1}`, `{"a":"x","source":"y","sourceFormat":"z","eventId":"w"}`,
		`{"eventId":"w","sourceFormat":"z","source":"y","a":"x"}`, `{"sourceFormat":1,"source":{"a":[]}}`,
		`{"source" :"y"}`, `{ "source" : "y" , "a" : true }`, `{"sourc":"y","sourceX":"z","sourceFormat2":3}`,
		`{"nameOfTwentyTwoLetters":1,"nameOfTwentyThreeLetter":2}`, `{"bc":"","a":"bc"}`,
		`{"so\u0075rce":"y"}`, `{"source":"y\"}`, `{"source":"y`, `{"source"`, `{"source":`, `{"source":}`,
		`{"a":1,}`, `{"a":1 "source":2}`, `{"a":1}}`, `{"a"}`, `{"source":"0123456789abcdefghijkl"}`,
		`{"a":1,"sourceFormat":2,"bc":"0123456789abcdef"}`, `{"a":1,"source2":2,"bc":"0123456789abcdef"}`,
		`{"a":1,"sourc":2,"bc":"0123456789abcdef"}`, `{"a0000000000000000000000`,
		"{\"nameOfTwentyTwoLetters\":1,\x00\"nameOfTwentyThreeLetter\":\"0123456789abcdef\"}",
		"{\"source\":\"\x7f\x80\"}", "{\"source\":\"\x1f\"}", `{"source":"y","source":"z"}`,
	} {
		got, gotOK := walkMemberOf([]byte(body))
		want, wantOK := walkMember([]byte(body))
		if got != want || gotOK != wantOK {
			t.Errorf("%s: MemberOf %q %v, Member %q %v", body, got, gotOK, want, wantOK)
		}
	}
}

// walkMemberOf reads the object body is with MemberOf, guessing as the
// adapters do, and lists each member's index and value.
func walkMemberOf(body []byte) (string, bool) {
	s := New(body)
	if !s.Open(1) {
		return "", false
	}
	var out bytes.Buffer
	for first, k := true, -1; ; first = false {
		var str []byte
		var done, ok bool
		k, str, done, ok = s.MemberOf(first, testNames, k+1)
		if !ok || done {
			return out.String(), ok && s.End()
		}
		if str == nil {
			if str, ok = s.Raw(2); !ok {
				return out.String(), false
			}
		}
		fmt.Fprintf(&out, "%d=%s;", k, str)
	}
}

// walkMember is walkMemberOf by Member, Raw and Index.
func walkMember(body []byte) (string, bool) {
	s := New(body)
	if !s.Open(1) {
		return "", false
	}
	var out bytes.Buffer
	for first := true; ; first = false {
		name, done, ok := s.Member(first)
		if !ok || done {
			return out.String(), ok && s.End()
		}
		v, ok := s.Raw(2)
		if !ok {
			return out.String(), false
		}
		fmt.Fprintf(&out, "%d=%s;", testNames.Index(name), v)
	}
}
