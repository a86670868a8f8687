package check

import (
	"fmt"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/platform"
)

// checkPlatforms decides which platforms the flow compiles for and rejects
// steps a target cannot express. Without `target`, the flow compiles for
// every platform that can run all its steps, and must fit at least one.
func (c *checker) checkPlatforms() {
	used := map[platform.Step]ast.Step{}
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		if _, misplaced := s.(*ast.On); misplaced {
			return // on-outside-capture, not a step of its own
		}
		k := platform.Step(ast.Keyword(s))
		if _, ok := used[k]; !ok {
			used[k] = s
		}
	})
	if c.targetsAt != nil {
		c.forSteps(func(_ *ast.Handler, s ast.Step) { c.supported(s) })
		return
	}
	for _, p := range platform.All() {
		fits := true
		for k := range used {
			fits = fits && p.Supports(k)
		}
		if fits {
			c.info.Platforms = append(c.info.Platforms, p.Name)
		}
	}
	if len(c.info.Platforms) == 0 {
		var kinds []string
		for _, k := range []platform.Step{platform.Say, platform.Play, platform.Capture, platform.MakeCall,
			platform.Agent, platform.IVR, platform.Callback, platform.Campaign} {
			if _, ok := used[k]; ok {
				kinds = append(kinds, fmt.Sprintf("%s (%s)", k, strings.Join(platform.Supporting(k), ", ")))
			}
		}
		c.report(diag.Errorf(diag.NoPlatform, c.u.Main.Flow.At, "no platform can run every step of flow %q", c.u.Main.Flow.Name).
			Do("The steps used need different platforms: %s. Split the flow, or declare target to see each conflict.", strings.Join(kinds, "; ")))
	}
}

func (c *checker) supported(s ast.Step) {
	if _, misplaced := s.(*ast.On); misplaced {
		return // on-outside-capture, not a step of its own
	}
	k := platform.Step(ast.Keyword(s))
	for _, name := range c.info.Platforms {
		p, _ := platform.Lookup(name)
		if p.Supports(k) {
			continue
		}
		c.report(diag.Errorf(diag.Unsupported, s.Span(), "%s cannot be used with target %s", k, name).
			Do("%s (%s) supports %s; remove the step or the target.", name, p.Vendor, stepList(p.Steps)))
	}
}

func stepList(steps []platform.Step) string {
	ss := make([]string, len(steps))
	for i, s := range steps {
		ss[i] = string(s)
	}
	return strings.Join(ss, ", ")
}

// targets returns the platforms the flow compiles for.
func (c *checker) targets() []*platform.Platform {
	var out []*platform.Platform
	for _, name := range c.info.Platforms {
		p, _ := platform.Lookup(name)
		out = append(out, p)
	}
	return out
}
