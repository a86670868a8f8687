package runtime

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/callflow/callflow/runtime/platform"
)

// maxReason bounds the reason a trigger's sender is told, so an error
// holding a long value cannot grow the answer.
const maxReason = 512

// triggerFailure is the answer to a trigger whose flow could not run. Its
// sender is a program, not a caller on the line, so it is told why, with a
// status that says whether to send it again: 404 unknown_flow when the
// flow it names is not loaded; 422 flow_failed, with the .flow position
// and message, when the flow failed on the trigger's data (the same data
// fails the same way: sending it again cannot help); and the adapter's
// fallback, 503 flow_unavailable, for what a retry can fix (time ran out,
// a store failed).
func triggerFailure(err error, fallback platform.Reply) platform.Reply {
	var re *Error
	switch {
	case !errors.As(err, &re) || retryable(err):
		return fallback
	case re.Code == "no-flow":
		return errorReply(http.StatusNotFound, "unknown_flow", re.Msg)
	}
	reason, _, _ := strings.Cut(re.Error(), "\n") // not expr's drawing of the expression
	if len(reason) > maxReason {
		reason = strings.ToValidUTF8(reason[:maxReason], "") + "…"
	}
	return errorReply(http.StatusUnprocessableEntity, "flow_failed", reason)
}

// retryable says whether a flow's failure may not happen again: time ran
// out, or another webhook for the call or a store got in the way.
func retryable(err error) bool {
	var re *Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, ErrConflict) {
		return true
	}
	return errors.As(err, &re) && (re.Code == "timeout" || re.Code == "conflict")
}
