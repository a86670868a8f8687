package runtime

import (
	"slices"

	"github.com/callflow/callflow/lang/ir"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// waits reports whether a call can wait at in for the platform's next
// webhook: a capture, a record, a makeCall with outcome blocks.
func waits(in ir.Instr) bool {
	switch in := in.(type) {
	case *ir.Capture, *ir.Record:
		return true
	case *ir.MakeCall:
		return in.Continues()
	}
	return false
}

// prompt is a capture's prompt for try n: text to say, or the URL of audio
// to play (`prompt play URL`).
func (c *call) prompt(in *ir.Capture, n int) (string, bool, error) {
	x := ir.Nth(in.Prompts, n)
	i := min(max(n, 1), len(in.Prompts)) - 1
	if i >= 0 && i < len(in.PromptAudio) && in.PromptAudio[i] {
		url, err := c.evalString(x, "a URL")
		return url, true, err
	}
	t, err := c.evalText(x)
	return t, false, err
}

// record asks the platform to record the caller and waits for the
// recording's URL.
func (c *call) record(in *ir.Record, pc int) {
	c.emit(in, platform.Record{Max: in.Max, Silence: in.Silence, End: in.End, Beep: in.Beep})
	c.suspend(pc, 0)
}

// recorded continues after a record: its variable holds the recording's
// URL ("" when nothing was recorded).
func (c *call) recorded(in *ir.Record) error {
	if c.trace != nil {
		c.traceNote(in.At, "record "+in.Var+" = "+quote(c.ev.RecordingURL))
	}
	if err := c.mem.Keep(c.ev.RecordingURL); err != nil {
		return err
	}
	c.setVar(in.Var, detach(c.ev.Body, c.ev.RecordingURL))
	return c.run(c.sess.Handler, c.sess.PC+1)
}

// dial bridges the call and, with outcome blocks, waits for how the
// bridged call ends.
func (c *call) dial(in *ir.MakeCall, pc int) error {
	a, ends, err := c.makeCall(in)
	if err != nil {
		return err
	}
	c.emit(in, a)
	if !in.Continues() {
		c.ended = ends
		return nil
	}
	c.suspend(pc, 0)
	return nil
}

func (c *call) makeCall(in *ir.MakeCall) (platform.Action, bool, error) {
	n, err := c.evalString(in.Number, "a number")
	if err != nil {
		return nil, true, err
	}
	from, err := c.evalString(in.From, "a number")
	return platform.MakeCall{Number: n, From: from, Record: in.Record, Target: in.Kind,
		Timeout: in.Timeout, Limit: in.Limit, Continues: in.Continues()}, !in.Continues(), err
}

// dialed continues after a makeCall with outcome blocks, in the block of
// the outcome the platform reported, or after the blocks when it has none.
func (c *call) dialed(in *ir.MakeCall) error {
	o := c.ev.DialOutcome
	if !slices.Contains(lplatform.DialOutcomes(), o) {
		msg := "the platform reported no outcome of the bridged call"
		if o != "" {
			msg = "the platform reported an unknown outcome of the bridged call: " + quote(string(o))
		}
		return &Error{Code: "bad-event", Msg: msg, At: in.At, Flow: c.flow.Name, Handler: c.handler}
	}
	if c.trace != nil {
		c.traceNote(in.At, "makeCall ended: "+string(o))
	}
	return c.run(c.sess.Handler, in.Resume(o, c.sess.PC+1))
}
