package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/callflow/callflow/lang/source"
)

// Error is a failure while running a flow for a webhook that was understood;
// the engine answers the platform's safe fallback and logs it with the .flow
// position.
type Error struct {
	Code    string // no-flow, no-session, bad-session, bad-token, bad-event, expr, memory, step-limit, render, conflict, timeout
	Msg     string
	At      source.Span
	Flow    string
	Handler string
	Err     error
}

func (e *Error) Error() string {
	if e.At.IsValid() {
		return fmt.Sprintf("%s: runtime error[%s]: %s", e.At, e.Code, e.Msg)
	}
	return fmt.Sprintf("runtime error[%s]: %s", e.Code, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// levelFor logs a missing flow or session as a warning (the platform or an
// operator caused it) and everything else as an error.
func levelFor(err error) slog.Level {
	var re *Error
	if errors.As(err, &re) && (re.Code == "no-flow" || re.Code == "no-session") {
		return slog.LevelWarn
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return slog.LevelWarn
	}
	return slog.LevelError
}

func attrString(k, v string) slog.Attr { return slog.String(k, v) }
