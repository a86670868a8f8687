package flowgen_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/flowgen"
	"github.com/callflow/callflow/lang/platform"
)

// Flow makes one flow as large as asked, never larger, that checks clean.
func TestFlowChecksClean(t *testing.T) {
	for _, size := range []int{16 << 10, 64 << 10} {
		src := flowgen.Flow(size)
		if len(src) > size || len(src) < size*8/10 {
			t.Errorf("Flow(%d) is %d bytes", size, len(src))
		}
		if _, ds := lang.CompileFile("big.flow", []byte(src)); len(ds) > 0 {
			t.Errorf("Flow(%d) does not check clean:\n%s", size, ds)
		}
	}
}

// Random writes flows for every platform lang/platform declares, so a new
// platform's steps reach the property that what check accepts renders.
func TestRandomCoversEveryPlatform(t *testing.T) {
	targets, names := slices.Sorted(slices.Values(flowgen.Targets)), slices.Sorted(slices.Values(platform.Names()))
	if !slices.Equal(targets, names) {
		t.Errorf("flowgen.Targets %v, the platforms %v", targets, names)
	}
}

// A voice platform's random flows use the steps of language.md §8.6 it
// declares: a pause, a recording, each makeCall target word, timeout,
// limit and outcome blocks, an audio prompt, bargein, say language.
func TestRandomWritesTheStepsAPlatformHas(t *testing.T) {
	words := map[platform.Step]string{
		platform.Pause: "\n  pause ", platform.Record: "record m {", platform.DialSIP: "makeCall sip ",
		platform.DialUser: "makeCall user ", platform.DialQueue: "makeCall queue ", platform.DialTimeout: " timeout ",
		platform.DialLimit: " limit ", platform.DialOutcomeBlocks: "  on busy", platform.PromptAudio: "prompt play ",
		platform.BargeIn: "  bargein\n", platform.SayLanguage: " language ",
	}
	for _, target := range []string{"twilio", "vonage", "jambonz"} {
		p, _ := platform.Lookup(target)
		var all strings.Builder
		for seed := range uint64(300) {
			all.WriteString(flowgen.Random(flowgen.Seeded(seed), "g", target))
		}
		for step, word := range words {
			if p.Supports(step) && !strings.Contains(all.String(), word) {
				t.Errorf("%s supports %s, but 300 random flows never write %q", target, step, word)
			}
		}
	}
}
