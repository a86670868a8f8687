package check

import (
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/platform"
)

// need is one thing a step asks of a platform: its kind, or a feature of
// language.md §8.6 (a SIP target, outcome blocks, an audio prompt), with
// the node that asks for it, where unsupported-step points.
type need struct {
	step platform.Step
	at   ast.Node
}

// needs appends to out, and returns, what s asks of a platform, its own
// kind first: callers pass the same room for every step of a flow. A
// misplaced on block asks nothing: it is on-outside-capture, not a step
// of its own.
func needs(out []need, s ast.Step) []need {
	if _, misplaced := s.(*ast.On); misplaced {
		return out
	}
	out = append(out, need{platform.Step(ast.Keyword(s)), s})
	switch s := s.(type) {
	case *ast.Say:
		out = addNeed(out, s.Language != nil, platform.SayLanguage, s.Language)
	case *ast.MakeCall:
		out = dialNeeds(out, s)
	case *ast.Capture:
		for _, o := range s.Options {
			out = addNeed(out, o.Name.Name == "bargein" && o.Body == nil, platform.BargeIn, o.Name)
			for _, a := range o.Args {
				audio, ok := a.(*ast.Audio)
				out = addNeed(out, ok, platform.PromptAudio, audio)
			}
		}
	}
	return out
}

func dialNeeds(out []need, s *ast.MakeCall) []need {
	if s.Kind != nil {
		out = append(out, need{platform.Step("makeCall " + s.Kind.Name), s.Kind})
	}
	out = addNeed(out, s.Timeout != nil, platform.DialTimeout, s.Timeout)
	out = addNeed(out, s.Limit != nil, platform.DialLimit, s.Limit)
	return addNeed(out, s.Outcomes != nil, platform.DialOutcomeBlocks, s.Outcomes)
}

func addNeed(out []need, ok bool, k platform.Step, at ast.Node) []need {
	if !ok {
		return out
	}
	return append(out, need{k, at})
}

// supporters names the platforms that can express k, for a hint.
func supporters(k platform.Step) string {
	names := platform.Supporting(k)
	if len(names) == 0 {
		return "no platform this build declares can"
	}
	return strings.Join(names, ", ") + " can"
}
