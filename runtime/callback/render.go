package callback

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/callflow/callflow/runtime/platform"
)

type envelope struct {
	Method string  `json:"method"`
	Path   string  `json:"path"`
	Body   request `json:"body"`
}

type request struct {
	LegA leg `json:"leg_A"`
	LegB leg `json:"leg_B"`
}

type leg struct {
	To   string `json:"to"`
	From string `json:"from"`
}

// Render answers 200 with the callback request envelope when r holds a
// Callback action, and 204 with no body when it holds none (the flow
// declined). r may hold at most one action, a Callback whose legs both have
// a To (From may be empty); anything else is an error, which the engine
// answers with Fallback.
func (*Adapter) Render(_ *platform.Event, r *platform.Response) (platform.Reply, error) {
	var cb *platform.Callback
	at := 0 // cb's position in r.Actions
	if r != nil {
		for i, a := range r.Actions {
			c, ok := a.(platform.Callback)
			if !ok {
				return platform.Reply{}, &platform.ActionError{Index: i, Err: fmt.Errorf("callback: cannot %s", platform.ActionName(a))}
			}
			if cb != nil {
				return platform.Reply{}, &platform.ActionError{Index: i, Err: errors.New("callback: more than one callback request")}
			}
			cb, at = &c, i
		}
	}
	if cb == nil {
		return platform.Reply{Status: http.StatusNoContent}, nil
	}
	if cb.A.To == "" || cb.B.To == "" {
		return platform.Reply{}, &platform.ActionError{Index: at,
			Err: fmt.Errorf("callback: leg A to %q, leg B to %q: both legs need a number to call", cb.A.To, cb.B.To)}
	}
	body, err := platform.Marshal(envelope{
		Method: Method,
		Path:   Path,
		Body:   request{LegA: leg(cb.A), LegB: leg(cb.B)},
	})
	if err != nil {
		return platform.Reply{}, fmt.Errorf("callback: %w", err)
	}
	return platform.Reply{Status: http.StatusOK, Body: body}, nil
}

// FallbackCode is the error code of Fallback's answer.
const FallbackCode = "flow_unavailable"

// fallback is built once: it never changes.
var fallback = platform.ErrorBody(FallbackCode, "the call flow could not run for this trigger; no callback was requested")

// Fallback answers 503 with {"error":{"code":"flow_unavailable","message":…}}:
// nothing is sent. The options (8x8's apology) do not apply.
func (*Adapter) Fallback(*platform.Event, platform.FallbackOptions) platform.Reply {
	return platform.Reply{Status: http.StatusServiceUnavailable, Body: append([]byte(nil), fallback...)}
}
