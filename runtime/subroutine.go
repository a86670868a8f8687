package runtime

import (
	"fmt"
	"strconv"

	"github.com/callflow/callflow/lang/ir"
)

// pushFrame pushes the return point of a do at pc: the instruction after it.
// A call nested ir.MaxFrames deep is a runtime error: the safe fallback,
// logged at the do.
func (c *call) pushFrame(in *ir.Do, pc int) error {
	if len(c.sess.Frames) >= ir.MaxFrames {
		return &Error{Code: "do-depth", Msg: "do " + in.Handler + " would nest more than " + strconv.Itoa(ir.MaxFrames) + " do frames",
			At: in.At, Flow: c.flow.Name, Handler: c.handler}
	}
	c.sess.Frames = append(c.sess.Frames, Frame{Handler: c.handler, PC: pc + 1})
	return nil
}

// checkFrames checks a session's return points against its flow version:
// at most ir.MaxFrames, each in a handler the version has, at one of its
// instructions or its end.
func checkFrames(f *ir.Flow, frames []Frame) error {
	if len(frames) > ir.MaxFrames {
		return &SessionError{"do", fmt.Sprintf("%d frames, over the limit of %d", len(frames), ir.MaxFrames)}
	}
	for i, fr := range frames {
		h := f.Handlers[fr.Handler]
		if h == nil {
			return &SessionError{"do", fmt.Sprintf("frame %d: flow %s (version %s) has no handler %q", i, f.Name, f.Version, fr.Handler)}
		}
		if fr.PC < 0 || fr.PC > len(h.Code) {
			return &SessionError{"do", fmt.Sprintf("frame %d: instruction %d is out of range: handler %s has %d", i, fr.PC, fr.Handler, len(h.Code))}
		}
	}
	return nil
}
