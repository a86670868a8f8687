package compile_test

import (
	"strings"
	"testing"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/platform"
)

// voiceTest is a platform that exists only in this test: it can express
// every step of language.md 8.6.
var voiceTest = &platform.Platform{
	Name: "voicetest", Vendor: "a test platform", End: platform.EndHangup,
	Steps: []platform.Step{platform.Say, platform.Play, platform.Capture, platform.MakeCall, platform.Hangup,
		platform.Set, platform.Goto, platform.If, platform.Switch, platform.Do, platform.Return, platform.Post,
		platform.Pause, platform.Record, platform.DialOutcomeBlocks, platform.DialTimeout, platform.DialLimit,
		platform.DialSIP, platform.DialUser, platform.DialQueue, platform.PromptAudio, platform.BargeIn, platform.SayLanguage},
	Budget: 5 * time.Second, MaxBudget: 10 * time.Second,
}

func addVoiceTest(t *testing.T) {
	t.Helper()
	remove, ok := platform.Add(voiceTest)
	if !ok {
		t.Fatal("voicetest is declared already")
	}
	t.Cleanup(remove)
}

const steps86Flow = `flow f
target voicetest

otherwise -> main

handler main {
  set queue = "vip"
  say "Hello." language "en-GB"
  pause 1500ms
  capture choice {
    prompt "Press a key.", play "https://example.com/again.wav"
    bargein
    tries 2
  }
  record message {
    max 60s
    silence 5s
    end "#"
    beep
  }
  makeCall sip "sip:desk@example.com" timeout 20s limit 1h {
    on busy { say "Busy." }
    on completed { hangup }
  }
  say "After: ${message}"
  makeCall queue queue
}
`

// A flow using every step of 8.6 compiles for a platform that has them:
// a record keeps its options, a makeCall its target kind, its durations
// and where each outcome resumes (an outcome without a block resumes
// after the blocks), a capture which prompts are audio.
func TestSteps86IR(t *testing.T) {
	addVoiceTest(t)
	prog, ds := lang.CompileFile("f.flow", []byte(steps86Flow))
	if ds.HasErrors() || prog == nil {
		t.Fatalf("does not compile: %v", ds)
	}
	code := prog.Flow("f").Handlers["main"].Code
	at := func(i int) ir.Instr {
		t.Helper()
		if i < 0 || i >= len(code) {
			t.Fatalf("instruction %d of %d", i, len(code))
		}
		return code[i]
	}
	if say := at(1).(*ir.Say); say.Language == nil || say.Language.Const != "en-GB" {
		t.Errorf("say language = %+v, want en-GB", say.Language)
	}
	if p := at(2).(*ir.Pause); p.Length != 1500*time.Millisecond {
		t.Errorf("pause = %v, want 1.5s", p.Length)
	}
	c := at(3).(*ir.Capture)
	if len(c.PromptAudio) != 2 || c.PromptAudio[0] || !c.PromptAudio[1] || !c.BargeIn {
		t.Errorf("capture PromptAudio = %v BargeIn = %v, want [false true] true", c.PromptAudio, c.BargeIn)
	}
	r := at(4).(*ir.Record)
	if want := (ir.Record{Pos: r.Pos, Var: "message", Max: time.Minute, Silence: 5 * time.Second, End: "#", Beep: true}); *r != want {
		t.Errorf("record = %+v, want %+v", *r, want)
	}
	m := at(5).(*ir.MakeCall)
	if m.Kind != platform.TargetSIP || m.Timeout != 20*time.Second || m.Limit != time.Hour || !m.Continues() {
		t.Errorf("makeCall = %+v", *m)
	}
	next := 6
	busy, ok := at(m.Resume(platform.DialBusy, next)).(*ir.Say)
	if !ok || busy.Text.Const != "Busy." {
		t.Errorf("busy resumes at %T, want say \"Busy.\"", at(m.Resume(platform.DialBusy, next)))
	}
	if _, ok := at(m.Resume(platform.DialCompleted, next)).(*ir.Hangup); !ok {
		t.Errorf("completed resumes at %T, want hangup", at(m.Resume(platform.DialCompleted, next)))
	}
	// noanswer has no block: it resumes at the jump past the blocks, which
	// lands on the say after the makeCall, where busy's block goes too.
	j, ok := at(m.Resume(platform.DialNoAnswer, next)).(*ir.Jump)
	if !ok {
		t.Fatalf("noanswer resumes at %T, want the jump past the blocks", at(m.Resume(platform.DialNoAnswer, next)))
	}
	if after, ok := at(j.To).(*ir.Say); !ok || after.Text.Const != nil {
		t.Errorf("after the blocks comes %T, want the interpolated say", at(j.To))
	}
	if q := at(len(code) - 1).(*ir.MakeCall); q.Kind != platform.TargetQueue || q.Continues() {
		t.Errorf("last makeCall = %+v, want a queue that ends the handler", *q)
	}
}

// On a target that cannot express a step of 8.6, unsupported-step names
// the platforms that can.
func TestUnsupportedNamesWhereItWorks(t *testing.T) {
	addVoiceTest(t)
	src := "flow f\ntarget 8x8\notherwise -> main\nhandler main {\n  pause 1s\n  hangup\n}\n"
	_, ds := lang.CompileFile("f.flow", []byte(src))
	for _, d := range ds {
		if d.Code == "unsupported-step" {
			if !strings.Contains(d.Detail, "voicetest can") {
				t.Errorf("hint %q does not name voicetest", d.Detail)
			}
			return
		}
	}
	t.Fatalf("no unsupported-step: %v", ds)
}
