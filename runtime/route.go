package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/platform"
)

// Route returns the flow version req would run on, without running it or
// changing anything: for a new call or a trigger, the flow named in
// req.Flow, else the one answering the called number; for a webhook that
// resumes a call, the version its session is pinned to (read from the
// session store). It is nil when no flow would run (the webhook would get
// the fallback, or is an acknowledgement); the error is the decoder's for
// a webhook that is not understood, or the store's. Tools use it to check
// what they give a request (`callflow run --given`) before it runs.
func (e *Engine) Route(ctx context.Context, req *Request) (*ir.Flow, error) {
	ad, ok := e.adapters[req.Platform]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownPlatform, req.Platform)
	}
	ev, err := ad.Decode(req.Body, req.Header)
	if err != nil {
		return nil, err
	}
	switch ev.Kind {
	case platform.CallEnded, platform.Status:
		return nil, nil
	case platform.Input:
		sess, _, err := e.store.Get(ctx, ev.Platform+"|"+ev.Session)
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if v, ok := e.versions.Load(sess.Flow + "@" + sess.Version); ok {
			return v.(*pinned).flow, nil
		}
		return e.Program().Flow(sess.Flow), nil // a version not loaded here: its flow's name is all there is
	}
	f, _ := pick(e.cur.Load().prog, req.Flow, ev)
	if f == nil || !f.Targets(ev.Platform) {
		return nil, nil
	}
	return f, nil
}

// pick is the flow a new call or a trigger runs: the one named in the
// URL (flow), else the one answering the called number; nil, with the
// no-flow error, when there is none.
func pick(prog *ir.Program, flow string, ev *platform.Event) (*ir.Flow, error) {
	if flow != "" {
		if f := prog.Flow(flow); f != nil {
			return f, nil
		}
		return nil, &Error{Code: "no-flow", Msg: fmt.Sprintf("no flow named %q is loaded", platform.Clip(flow))}
	}
	if f := prog.ForNumber(ev.Platform, ev.Callee); f != nil {
		return f, nil
	}
	return nil, &Error{Code: "no-flow", Msg: fmt.Sprintf("no flow answers %s on %s", platform.Clip(ev.Callee), ev.Platform)}
}
