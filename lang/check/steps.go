package check

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/phone"
	"github.com/callflow/callflow/lang/platform"
)

// checkSteps checks what each step needs beyond types: required options,
// values inside every target platform's limits (when known now), numbers in
// E.164 form, captures with tries.
func (c *checker) checkSteps() {
	for _, d := range c.u.Main.Decls {
		switch d := d.(type) {
		case *ast.Number:
			for _, x := range d.Numbers {
				c.knownNow(x, "a called number")
				c.e164(x, "number")
			}
		case *ast.Lookup:
			c.lookupLimits(d)
		}
	}
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		if p, ok := s.(*ast.Post); ok {
			c.postRules(p)
		}
	})
	targets := c.targets() // the platforms are known: checkPlatforms ran
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		switch s := s.(type) {
		case *ast.Capture:
			c.missingOptions(s, s.Options, captureOptions, "capture")
			c.captureRules(s)
			c.messageValues(s)
			if findOption(s.Options, "tries") == nil {
				c.report(diag.Warningf(diag.MissingTries, s.At, "capture %q has no tries", s.Var.Name).
					Do("Add `tries N` to say how many attempts the caller gets."))
			}
		case *ast.Switch:
			c.caseTypes(s)
		case *ast.On:
			c.onStep(s)
		case *ast.Return:
			c.returnValue(s)
		case *ast.Campaign:
			c.missingOptions(s, s.Options, campaignOptions, "campaign")
			c.campaignRules(s)
		case *ast.MakeCall:
			if s.Kind == nil && !c.emptyString(s.Number) { // an empty one is an error (dialTarget)
				c.e164(s.Number, "makeCall number")
			}
			c.e164(s.From, "makeCall caller ID")
			c.dialRules(s)
		case *ast.Record:
			c.recordRules(s)
		case *ast.Pause:
			c.positive(s.Length, "pause")
		case *ast.Callback:
			for _, l := range s.Legs {
				c.e164(l.To, "leg number")
				c.e164(l.From, "leg caller ID")
			}
		}
		for _, p := range targets {
			c.limits(p, s)
		}
	})
	for _, p := range c.targets() {
		c.fileVoice(p)
	}
}

// fileVoice checks the file's voice and speed against a target that speaks:
// every say and capture without its own uses them.
func (c *checker) fileVoice(p *platform.Platform) {
	if !p.Supports(platform.Say) && !p.Supports(platform.Capture) {
		return
	}
	for _, d := range c.u.Main.Decls {
		switch d := d.(type) {
		case *ast.Voice:
			c.voice(p, d, d.Value)
		case *ast.Speed:
			c.speed(p, d.Value)
		}
	}
}

// e164 warns about a number literal that is not in E.164 form.
func (c *checker) e164(x *ast.Expr, what string) {
	if x == nil {
		return
	}
	if s, ok := c.info.Values[x].(string); ok && !phone.IsE164(s) {
		c.report(diag.Warningf(diag.NotE164, x.At, "%s %q is not in E.164 form", what, s).
			Do("Write numbers as + and the country code, like \"+6512345678\"."))
	}
}

func (c *checker) limits(p *platform.Platform, s ast.Step) {
	l := p.Limits
	switch s := s.(type) {
	case *ast.Say:
		c.text(p, s.Text, "say text")
		c.nonEmpty(p, s.Text, "say text")
		c.voice(p, s, s.Voice)
		c.speed(p, s.Speed)
		c.repeat(p, s.Repeat)
	case *ast.Play:
		c.repeat(p, s.Repeat)
		c.playURL(p, s.URL)
	case *ast.Capture:
		c.captureLimits(p, s)
	case *ast.MakeCall:
		c.dialTarget(p, s)
		if l.E164Dial { // the caller ID, whatever the target
			c.dialable(p, s.From)
		}
		c.durationRange(p, s.Limit, "makeCall limit", l.DialLimit)
		if s.Record && l.NoDialRecord {
			c.limitError(p, s, "makeCall cannot record the call").
				Do("Remove record, or record the call in the platform's own settings.")
		}
	case *ast.Record:
		c.durationRange(p, durationOpt(s.Options, "max"), "record max", l.RecordMax)
		c.durationRange(p, durationOpt(s.Options, "silence"), "record silence", l.RecordSilence)
	case *ast.Agent:
		c.id(p, s.ID, "agent")
	case *ast.IVR:
		c.id(p, s.ID, "ivr")
	case *ast.Callback:
		if l.BothLegs {
			c.legs(p, s)
		}
	case *ast.Campaign:
		c.campaignLimits(p, s)
	}
}

func (c *checker) limitError(p *platform.Platform, at ast.Node, format string, args ...any) *diag.Diagnostic {
	return c.report(diag.Errorf(diag.PlatformLimit, at.Span(), "%s: %s", p.Name, fmt.Sprintf(format, args...)))
}

func (c *checker) text(p *platform.Platform, x *ast.Expr, what string) {
	s, ok := c.info.Values[x].(string)
	if ok && p.Limits.MaxText > 0 && utf8.RuneCountInString(s) > p.Limits.MaxText {
		c.limitError(p, x, "%s is %d characters, over the limit of %d", what, utf8.RuneCountInString(s), p.Limits.MaxText).
			Do("Shorten the text or split it into several say steps.")
	}
}

// nonEmpty reports empty text where the platform needs some.
func (c *checker) nonEmpty(p *platform.Platform, x *ast.Expr, what string) {
	if s, ok := c.info.Values[x].(string); ok && s == "" && p.Limits.TextRequired {
		c.limitError(p, x, "%s is empty", what).Do("Write what the caller should hear.")
	}
}

// id checks an agent or IVR id known now against the platform's range.
func (c *checker) id(p *platform.Platform, x *ast.Expr, step string) {
	r := p.Limits.IDs
	n, ok := c.info.Values[x].(int)
	if !ok || r == [2]int64{} {
		return
	}
	if r[0] != 0 && int64(n) < r[0] || r[1] != 0 && int64(n) > r[1] {
		c.limitError(p, x, "%s id %d must be %s", step, n, idRange(r)).
			Do("Use the id of the %s as the platform's console shows it.", map[string]string{"agent": "AI agent", "ivr": "IVR"}[step])
	}
}

func idRange(r [2]int64) string {
	if r[1] == 0 {
		return fmt.Sprintf("%d or more", r[0])
	}
	return fmt.Sprintf("within %d..%d", r[0], r[1])
}

func (c *checker) voice(p *platform.Platform, at ast.Node, x *ast.Expr) {
	v, known := c.info.Values[x].(string)
	if (x == nil && !c.fileHas("voice") || known && v == "") && p.Limits.NeedsVoice {
		what := stepNameOf(at)
		if x != nil {
			at = x
		}
		c.limitError(p, at, "%s needs a voice profile", what).
			Do("Add `voice \"en-US-ZiraRUS\"` to the step, or a file-wide `voice` declaration.")
	}
	// "" is the platform's default voice where one is not required.
	if known && v != "" && len(p.Limits.Voices) > 0 && !slices.Contains(p.Limits.Voices, v) {
		c.limitError(p, x, "voice %q is not one of %s", v, strings.Join(p.Limits.Voices, ", ")).
			Do("Use one of the platform's voices.")
	}
}

func stepNameOf(n ast.Node) string {
	switch n := n.(type) {
	case ast.Step:
		return ast.Keyword(n)
	case *ast.Voice:
		return "the file's voice"
	}
	return "this step"
}

func (c *checker) fileHas(decl string) bool {
	for _, d := range c.u.Main.Decls {
		if _, ok := d.(*ast.Voice); ok && decl == "voice" {
			return true
		}
	}
	return false
}

func (c *checker) speed(p *platform.Platform, x *ast.Expr) {
	r := p.Limits.Speed
	if v, ok := number(c.info.Values[x]); ok && r != [2]float64{} && (v < r[0] || v > r[1]) {
		c.limitError(p, x, "speed %v is outside %v..%v", v, r[0], r[1]).Do("Use a speed from %v to %v.", r[0], r[1])
	}
}

func (c *checker) repeat(p *platform.Platform, x *ast.Expr) {
	r := p.Limits.Repeat
	v, ok := c.info.Values[x].(int)
	switch {
	case !ok || r == [2]int{}:
	case r[1] == 0 && v < r[0]: // no most
		c.limitError(p, x, "repeat %d is less than %d", v, r[0]).Do("Repeat at least %d times.", r[0])
	case r[1] > 0 && (v < r[0] || v > r[1]):
		c.limitError(p, x, "repeat %d is outside %d..%d", v, r[0], r[1]).Do("Repeat from %d to %d times.", r[0], r[1])
	}
}

func (c *checker) playURL(p *platform.Platform, x *ast.Expr) {
	s, ok := c.info.Values[x].(string)
	if !ok || len(p.Limits.PlayExts) == 0 && !p.Limits.PlayHTTP {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.limitError(p, x, "play URL %q is not an http(s) URL", s).Do("Use an absolute http:// or https:// URL.")
		return
	}
	if len(p.Limits.PlayExts) == 0 {
		return
	}
	if ext := strings.ToLower(path.Ext(u.Path)); !slices.Contains(p.Limits.PlayExts, ext) {
		c.limitError(p, x, "play URL must end in %s", strings.Join(p.Limits.PlayExts, " or ")).
			Do("Convert the audio to %s.", strings.Join(p.Limits.PlayExts, " or "))
	}
}

// dialTarget checks a makeCall target known now: something to call, a
// number in E.164 where the platform dials only those, and a sip: URI
// where it needs one.
func (c *checker) dialTarget(p *platform.Platform, s *ast.MakeCall) {
	kind := platform.TargetNumber
	if s.Kind != nil {
		kind = platform.DialTarget(s.Kind.Name)
	}
	if c.emptyString(s.Number) {
		t, ok := emptyTargets[kind]
		if !ok { // a kind the platform check reports
			t.noun, t.example = "target", `"+6587654321"`
		}
		c.limitError(p, s.Number, "makeCall has nothing to call: the %s is empty", t.noun).
			Do("Write the %s to call, such as %s.", t.noun, t.example)
		return
	}
	switch {
	case kind == platform.TargetNumber && p.Limits.E164Dial:
		c.dialable(p, s.Number)
	case kind == platform.TargetSIP && p.Limits.SIPURIs:
		c.sipURI(p, s.Number)
	}
}

// emptyString reports whether x is known now to be "".
func (c *checker) emptyString(x *ast.Expr) bool {
	v, ok := c.info.Values[x].(string)
	return ok && v == ""
}

// emptyTargets name each kind of makeCall target, with an example, for
// the error on an empty one.
var emptyTargets = map[platform.DialTarget]struct{ noun, example string }{
	platform.TargetNumber: {"number", `"+6587654321"`},
	platform.TargetSIP:    {"SIP address", `"sip:desk@pbx.example.com"`},
	platform.TargetUser:   {"user", `"alice"`},
	platform.TargetQueue:  {"queue", `"support"`},
}

// sipURI checks a makeCall sip target known now: a sip: or sips: URI.
func (c *checker) sipURI(p *platform.Platform, x *ast.Expr) {
	s, ok := c.info.Values[x].(string)
	if ok && !strings.HasPrefix(s, "sip:") && !strings.HasPrefix(s, "sips:") {
		c.limitError(p, x, "%q is not a sip: or sips: URI", s).Do("Write the address as sip:user@host, such as \"sip:desk@pbx.example.com\".")
	}
}

func (c *checker) dialable(p *platform.Platform, x *ast.Expr) {
	if s, ok := c.info.Values[x].(string); ok && !phone.IsE164(s) {
		c.limitError(p, x, "%q is not an E.164 number", s).Do("Write the number as + and the country code.")
	}
}

func (c *checker) legs(p *platform.Platform, s *ast.Callback) {
	seen := map[string]*ast.Leg{}
	for _, l := range s.Legs {
		if l.Name.Name != "A" && l.Name.Name != "B" {
			c.report(diag.Errorf(diag.Syntax, l.Name.At, "leg %q: legs are named A and B", l.Name.Name).Do("Write `leg A` or `leg B`."))
			continue
		}
		if first, dup := seen[l.Name.Name]; dup {
			c.report(diag.Errorf(diag.DuplicateOption, l.Name.At, "leg %s is given twice", l.Name.Name).
				Do("Keep one leg %s.", l.Name.Name).Also(first.Name.At, "first given here"))
		}
		seen[l.Name.Name] = l
	}
	for _, l := range s.Legs {
		if v, ok := c.info.Values[l.To].(string); ok && v == "" {
			c.limitError(p, l.To, "leg %s has no number to call", l.Name.Name).
				Do("Write the number leg %s dials, such as \"+6512345678\".", l.Name.Name)
		}
	}
	for _, name := range []string{"A", "B"} {
		if seen[name] == nil {
			c.limitError(p, s, "callback needs leg %s", name).
				Do("A two-leg call needs both: `leg A to NUMBER from NUMBER` and `leg B to NUMBER from NUMBER`.")
		}
	}
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// lookupLimits checks a lookup's URL scheme and that its timeout fits every
// target's answer budget, which the lookup shares.
func (c *checker) lookupLimits(l *ast.Lookup) {
	if u := strings.TrimLeft(l.URL.Text, "\"`"); !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		c.report(diag.Errorf(diag.BadLookup, l.URL.At, "lookup %q must use an http:// or https:// URL", l.Name.Name).
			Do("Write the URL as a string starting with https://."))
	}
	c.httpTimeout(diag.BadLookup, "lookup", l.Timeout, l.Name)
	if l.Cache != nil && l.Cache.Millis == 0 {
		c.report(diag.Errorf(diag.BadLookup, l.Cache.At, "lookup cache must be more than 0").
			Do("Use a duration such as 5m, or remove cache to fetch every call's answer."))
	}
}

// httpTimeout checks that the timeout of a lookup or post (at, when it
// is not written: the default 1s) fits every target's answer budget,
// which the request shares.
func (c *checker) httpTimeout(code diag.Code, what string, t *ast.Duration, at ast.Node) {
	timeout := int64(1000)
	if t != nil {
		timeout, at = t.Millis, t
	}
	if timeout < 0 {
		return // too long: the parser reported it
	}
	if timeout == 0 {
		c.report(diag.Errorf(code, at.Span(), "%s timeout must be more than 0", what).Do("Use a timeout such as 1500ms."))
	}
	for _, p := range c.targets() {
		if budget := p.Budget.Milliseconds(); timeout > budget {
			c.report(diag.Errorf(code, at.Span(), "%s timeout %dms is over the %s answer budget of %dms", what, timeout, p.Name, budget).
				Do("Use a timeout under %dms: the %s and the answer share the budget.", budget, what))
		}
	}
}
