// Package tokenmask hides the resume token in a platform's answer, for
// golden files: `callflow test`'s `expect json` and the runtime's golden
// transcripts. The token is signed over the flow's version, so it changes
// with every edit of the flow and with the folder the flows were read
// from; what a golden answer can say is that the answer carries one where
// the platform will send it back.
package tokenmask

import (
	"regexp"
	"strings"
)

// Text stands for the token. A string of the answer holding the token is
// Text; a URL holding it in its query (an actionHook, an eventUrl, a
// Gather's action) keeps its path and has Text for its query, since the
// rest of that query is derived from the token or the delivery it answers.
const Text = "(the signed resume token: compared for presence only)"

// quoted matches a JSON string, an XML attribute value or an XML
// element's text (Twilio's <Redirect>), with their delimiters: the places
// an answer can carry a token.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|>[^<>]*<`)

// Mask returns body with every quoted string or element text holding
// token masked. body is returned as is when token is "" or absent.
func Mask(body []byte, token string) []byte {
	if token == "" || !strings.Contains(string(body), token) {
		return body
	}
	return quoted.ReplaceAllFunc(body, func(q []byte) []byte {
		open, s, end := string(q[:1]), string(q[1:len(q)-1]), string(q[len(q)-1:])
		if !strings.Contains(s, token) {
			return q
		}
		if i := strings.IndexByte(s, '?'); i >= 0 && strings.Contains(s[i:], token) {
			return []byte(open + s[:i+1] + Text + end)
		}
		return []byte(open + Text + end)
	})
}
