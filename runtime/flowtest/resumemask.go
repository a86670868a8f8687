package flowtest

import (
	"regexp"
	"strings"
)

// resumeMask stands for the resume token in a golden file or an inline
// `expect json`: the token is signed over the flow's version, so it
// changes with every edit of the flow and with the folder the flows were
// read from, while what a test can say is that the answer carries one where
// the platform will send it back. A string of the answer holding the token
// is the mask; a URL holding it in its query (an actionHook, an eventUrl, a
// Gather's action) keeps its path and has the mask for its query, since the
// rest of that query is derived from the token or the delivery it answers.
const resumeMask = "(the signed resume token: compared for presence only)"

// quoted matches a JSON string, an XML attribute value or an XML
// element's text (Twilio's <Redirect>), with their delimiters: the places
// an answer can carry a token.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|>[^<>]*<`)

// maskResume returns body with every quoted string holding token masked
// (resumeMask). body is returned as is when there is no token.
func maskResume(body []byte, token string) []byte {
	if token == "" || !strings.Contains(string(body), token) {
		return body
	}
	return quoted.ReplaceAllFunc(body, func(q []byte) []byte {
		open, s, end := string(q[:1]), string(q[1:len(q)-1]), string(q[len(q)-1:])
		if !strings.Contains(s, token) {
			return q
		}
		if i := strings.IndexByte(s, '?'); i >= 0 && strings.Contains(s[i:], token) {
			return []byte(open + s[:i+1] + resumeMask + end)
		}
		return []byte(open + resumeMask + end)
	})
}

// replyBody is the last reply's body with its resume token masked.
func (t *tester) replyBody() []byte {
	return maskResume(t.last.Reply.Body, clientActionID(t.last))
}
