package platform

import (
	"encoding/xml"
	"unicode/utf8"
)

// AnswerLimit bounds one answer's document, where a platform does: Twilio
// takes at most 64 KB of TwiML. Everything a call says between two waits
// (a capture, a record, a makeCall with outcomes) is one answer, so the
// texts of those steps add up; the checker adds up the ones it knows.
type AnswerLimit struct {
	Max     int              // bytes of one document; 0: no bound
	Frame   int              // bytes every document has around what it holds
	Element int              // bytes around each text, at the least (Twilio's <Say></Say>)
	Text    func(string) int // bytes a text takes in the document, escaped as its markup needs
}

// xmlTextBytes is the length of s as encoding/xml writes it in character
// data (the escapes the twilio adapter's encoder writes): five bytes for
// &amp; and each character reference, four for &lt; and &gt;, three for
// the U+FFFD that replaces what XML cannot hold.
func xmlTextBytes(s string) int {
	if !needsEscape(s) {
		return len(s)
	}
	var n byteCount
	xml.EscapeText(&n, []byte(s)) // a byteCount never fails
	return int(n)
}

// needsEscape reports whether XML character data must escape or replace
// anything in s: most texts are plain and are their own length.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' || c < 0x20 || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// byteCount is an io.Writer that only counts.
type byteCount int

func (n *byteCount) Write(p []byte) (int, error) {
	*n += byteCount(len(p))
	return len(p), nil
}
