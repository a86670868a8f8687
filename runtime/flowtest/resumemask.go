package flowtest

import "github.com/callflow/callflow/runtime/internal/tokenmask"

// replyBody is the last reply's body with its resume token masked
// (tokenmask), as golden files and inline `expect json` compare it.
func (t *tester) replyBody() []byte {
	return tokenmask.Mask(t.last.Reply.Body, clientActionID(t.last))
}
