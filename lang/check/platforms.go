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
	used := map[platform.Step]ast.Node{}
	var room []need
	c.forSteps(func(_ *ast.Handler, s ast.Step) {
		room = needs(room[:0], s)
		for _, n := range room {
			if _, ok := used[n.step]; !ok {
				used[n.step] = n.at
			}
		}
	})
	if c.targetsAt != nil {
		var room []need
		c.forSteps(func(_ *ast.Handler, s ast.Step) { room = c.supported(room[:0], s) })
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
		for _, k := range platformBound {
			if _, ok := used[k]; ok {
				kinds = append(kinds, fmt.Sprintf("%s (%s)", k, strings.Join(platform.Supporting(k), ", ")))
			}
		}
		c.report(diag.Errorf(diag.NoPlatform, c.u.Main.Flow.At, "no platform can run every step of flow %q", c.u.Main.Flow.Name).
			Do("The steps used need different platforms: %s. Split the flow, or declare target to see each conflict.", strings.Join(kinds, "; ")))
	}
}

// platformBound are the steps and features that tie a flow to the
// platforms that have them, in the order a no-platform hint names them.
var platformBound = []platform.Step{platform.Say, platform.Play, platform.Capture, platform.MakeCall,
	platform.Agent, platform.IVR, platform.Callback, platform.Campaign,
	platform.Pause, platform.Record, platform.DialOutcomeBlocks, platform.DialTimeout, platform.DialLimit,
	platform.DialSIP, platform.DialUser, platform.DialQueue, platform.PromptAudio, platform.BargeIn, platform.SayLanguage}

// supported reports what s needs that a target lacks; room is for needs,
// returned to be passed again.
func (c *checker) supported(room []need, s ast.Step) []need {
	room = needs(room, s)
	for _, n := range room {
		for _, name := range c.info.Platforms {
			p, _ := platform.Lookup(name)
			if p.Supports(n.step) {
				continue
			}
			c.report(diag.Errorf(diag.Unsupported, n.at.Span(), "%s cannot be used with target %s", n.step, name).
				Do("%s (%s) supports %s; %s. Remove the step or the target.", name, p.Vendor, stepList(p.Steps), supporters(n.step)))
		}
	}
	return room
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
