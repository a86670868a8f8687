package runtime

import (
	"fmt"
	"time"

	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/runtime/platform"
)

// action evaluates a step that becomes a platform action, and says whether
// it ends the handler.
func (c *call) action(in ir.Instr) (platform.Action, bool, error) {
	switch in := in.(type) {
	case *ir.Say:
		return c.say(in)
	case *ir.Play:
		url, err := c.evalString(in.URL, "a URL")
		if err != nil {
			return nil, false, err
		}
		rep, err := c.optInt(in.Repeat)
		return platform.Play{URL: url, Repeat: rep}, false, err
	case *ir.MakeCall:
		return c.makeCall(in)
	case *ir.Pause:
		return platform.Pause{Length: in.Length}, false, nil
	case *ir.Agent:
		id, err := c.evalInt(in.ID)
		return platform.Agent{ID: id}, true, err
	case *ir.IVR:
		id, err := c.evalInt(in.ID)
		return platform.IVR{ID: id}, true, err
	case *ir.Hangup:
		return platform.Hangup{}, true, nil
	case *ir.Callback:
		return c.callback(in)
	case *ir.Campaign:
		return c.campaign(in)
	}
	return nil, false, fmt.Errorf("runtime: instruction %T has no action", in)
}

func (c *call) say(in *ir.Say) (platform.Action, bool, error) {
	t, err := c.evalText(in.Text)
	if err != nil {
		return nil, false, err
	}
	voice, speed, err := c.voice(in.Voice, in.Speed)
	if err != nil {
		return nil, false, err
	}
	rep, err := c.optInt(in.Repeat)
	if err != nil {
		return nil, false, err
	}
	lang, err := c.evalString(in.Language, "a language")
	return platform.Say{Text: t, Voice: voice, Speed: speed, Repeat: rep, Language: lang}, false, err
}

// voice is the step's voice and speed, else the file's, which are
// evaluated now when they are computed from the call.
func (c *call) voice(vx, sx *ir.Expr) (string, float64, error) {
	voice, speed := c.flow.Voice, 0.0
	if c.flow.Speed != nil {
		speed = *c.flow.Speed
	}
	if vx == nil {
		vx = c.flow.VoiceExpr
	}
	if sx == nil {
		sx = c.flow.SpeedExpr
	}
	if vx != nil {
		v, err := c.evalString(vx, "a voice")
		if err != nil {
			return "", 0, err
		}
		voice = v
	}
	if sx != nil {
		s, err := c.evalNumber(sx)
		if err != nil {
			return "", 0, err
		}
		speed = s
	}
	return voice, speed, nil
}

func (c *call) optInt(x *ir.Expr) (int, error) {
	if x == nil {
		return 0, nil
	}
	n, err := c.evalInt(x)
	return int(n), err
}

func (c *call) callback(in *ir.Callback) (platform.Action, bool, error) {
	var cb platform.Callback
	for _, leg := range []struct {
		src *ir.Leg
		dst *platform.Leg
	}{{&in.A, &cb.A}, {&in.B, &cb.B}} {
		var err error
		if leg.dst.To, err = c.evalString(leg.src.To, "a number"); err != nil {
			return nil, false, err
		}
		if leg.dst.From, err = c.evalString(leg.src.From, "a number"); err != nil {
			return nil, false, err
		}
	}
	return cb, false, nil
}

func (c *call) campaign(in *ir.Campaign) (platform.Action, bool, error) {
	p := platform.Campaign{Retry: in.Retry, RetryEvery: in.RetryEvery, Batch: in.Batch, BatchEvery: in.BatchEvery, AutoPause: in.AutoPause}
	var err error
	for _, f := range []struct {
		x   *ir.Expr
		dst *string
	}{{in.Name, &p.Name}, {in.Script, &p.Script}, {in.CID, &p.CID}, {in.Voice, &p.Voice}, {in.Dedupe, &p.Dedupe}} {
		if *f.dst, err = c.evalText(f.x); err != nil {
			return nil, false, err
		}
	}
	if p.Speed, err = c.evalNumber(in.Speed); err != nil {
		return nil, false, err
	}
	if p.SendTime, err = c.sendTime(in.At); err != nil {
		return nil, false, err
	}
	if p.Contacts, err = c.contacts(in); err != nil {
		return nil, false, err
	}
	return p, false, nil
}

func (c *call) sendTime(x *ir.Expr) (*time.Time, error) {
	if x == nil {
		return nil, nil
	}
	v, err := c.eval(x)
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case time.Time:
		return &t, nil
	case string:
		parsed, err := time.Parse(time.RFC3339, t)
		if err != nil {
			return nil, c.typeError(x, "a time such as 2026-11-23T10:00:00+07:00", v)
		}
		return &parsed, nil
	}
	return nil, c.typeError(x, "a time", v)
}

func (c *call) contacts(in *ir.Campaign) ([]platform.Contact, error) {
	var out []platform.Contact
	for _, ct := range in.Contacts {
		var p platform.Contact
		var err error
		for _, f := range []struct {
			x   *ir.Expr
			dst *string
		}{{ct.Phone, &p.Phone}, {ct.Email, &p.Email}, {ct.Code, &p.Code}} {
			if *f.dst, err = c.evalText(f.x); err != nil {
				return nil, err
			}
		}
		v, err := c.eval(ct.Vars)
		if err != nil {
			return nil, err
		}
		p.Vars = textMap(v)
		out = append(out, p)
	}
	for _, x := range in.ContactLists {
		v, err := c.eval(x)
		if err != nil {
			return nil, err
		}
		list, ok := v.([]any)
		if !ok {
			return nil, c.typeError(x, "a list of contacts", v)
		}
		for _, item := range list {
			m, _ := item.(map[string]any)
			out = append(out, platform.Contact{Phone: text(m["phone"]), Email: text(m["email"]), Code: text(m["code"]), Vars: textMap(m["vars"])})
		}
	}
	return out, nil
}

// textMap renders a map's values as text: script variables are strings.
func textMap(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = text(x)
	}
	return out
}
