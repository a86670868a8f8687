package platform

import "errors"

// ActionError is a response an adapter cannot render because of one of its
// actions. The engine maps Index back to the .flow step that made the
// action, so its log line names that step rather than the last one run.
type ActionError struct {
	Index int // position in Response.Actions
	Err   error
}

// Error is the adapter's own message.
func (e *ActionError) Error() string { return e.Err.Error() }

// Unwrap returns the adapter's own error.
func (e *ActionError) Unwrap() error { return e.Err }

// ActionIndex is the position of the action the error is about.
func (e *ActionError) ActionIndex() int { return e.Index }

// FailedAction returns the position in Response.Actions of the action a
// Render error is about, when the error names one: an *ActionError, or any
// error in its chain with an ActionIndex() int method.
func FailedAction(err error) (int, bool) {
	var ia interface{ ActionIndex() int }
	if errors.As(err, &ia) {
		return ia.ActionIndex(), true
	}
	return 0, false
}
