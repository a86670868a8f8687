package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Chooser picks the generator's choices: i in [0, n).
type Chooser interface {
	IntN(n int) int
}

// Seeded is a Chooser drawing from a PCG stream: one flow per seed, the same
// on every run.
func Seeded(seed uint64) Chooser { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// Bytes is a Chooser reading its choices from b, one byte each, and 0 once b
// is spent: a fuzzer's mutations of b become different flows.
type Bytes []byte

// IntN implements Chooser.
func (b *Bytes) IntN(n int) int {
	if len(*b) == 0 {
		return 0
	}
	v := int((*b)[0])
	*b = (*b)[1:]
	return v % n
}

// Targets are the platforms Random writes flows for, in the order its
// target argument indexes them.
var Targets = []string{"tencent", "8x8", "callback", "callbot"}

// Random writes a flow named flowName for target that uses the target's
// steps, each option present or not, with literal values drawn from pools
// that hold each range's edges and the values just past them: what the
// checker accepts must render, what it cannot accept it must reject. Values
// are written directly or through a const, so both reach the checker's
// limits.
func Random(c Chooser, flowName, target string) string {
	g := &writer{c: c}
	fmt.Fprintf(&g.head, "flow %s\ntarget %s\n", flowName, target)
	switch target {
	case "tencent":
		g.tencent()
	case "8x8":
		g.eightByEight()
	case "callback":
		g.callback()
	case "callbot":
		g.callbot()
	}
	return g.head.String() + "\notherwise -> main\n\nhandler main {\n" + g.body.String() + "}\n"
}

type writer struct {
	c          Chooser
	head, body strings.Builder
	consts     int
}

func (g *writer) pick(vals ...string) string { return vals[g.c.IntN(len(vals))] }

func (g *writer) maybe() bool { return g.c.IntN(2) == 0 }

// lit writes a literal as it is, or declares a const holding it and writes
// the const's name.
func (g *writer) lit(v string) string {
	if g.c.IntN(4) != 0 {
		return v
	}
	g.consts++
	name := fmt.Sprintf("k%d", g.consts)
	fmt.Fprintf(&g.head, "const %s = %s\n", name, v)
	return name
}

func (g *writer) step(format string, args ...any) {
	fmt.Fprintf(&g.body, "  "+format+"\n", args...)
}

// controls writes some set, if and switch steps over literal values.
func (g *writer) controls() {
	for range g.c.IntN(3) {
		switch g.c.IntN(3) {
		case 0:
			g.step("set v%d = %s", g.c.IntN(3), g.pick(`"1"`, `1`, `1.5`, `true`, `"text"`, `[1, 2]`, `{a: 1}`, `nil`))
		case 1:
			g.step("set s = %s", g.pick(`"1"`, `"01"`, `"a"`, `1`))
			g.step("if s == %s { set hit = true } else { set hit = false }", g.pick(`"1"`, `"a"`))
		case 2:
			g.step("set s = %s", g.pick(`"1"`, `"a"`, `2`))
			g.step("switch s {\n    case %s { set hit = 1 }\n    case %s { set hit = 2 }\n    else { set hit = 0 }\n  }",
				g.pick(`"1"`, `1`, `"a"`), g.pick(`"2"`, `2`, `1.5`, `true`))
		}
	}
}

var (
	ids       = []string{"-5", "-1", "0", "1", "388", "9007199254740993"}
	e164s     = []string{`"+6587654321"`, `"+84912345678"`, `"12345"`, `""`, `"+84 98 888 8888"`, `"0988888888"`}
	texts     = []string{`"Hello."`, `""`, `" "`, `"Xin chào ${caller}"`, longText(3000), longText(3001)}
	voices8x8 = []string{`"en-US-ZiraRUS"`, `""`}
	speeds    = []string{"-4", "-3", "-3.5", "-1", "0", "0.4", "0.5", "1", "1.5", "2", "2.1", "3", "3.5", "4"}
	repeats   = []string{"-1", "0", "1", "2", "3", "4"}
)

func longText(n int) string { return `"` + strings.Repeat("a", n) + `"` }

func (g *writer) tencent() {
	g.controls()
	switch g.c.IntN(4) {
	case 0:
		g.step("agent %s", g.lit(g.pick(ids...)))
	case 1:
		g.step("ivr %s", g.lit(g.pick(ids...)))
	case 2:
		g.step("hangup")
	}
}

func (g *writer) eightByEight() {
	if g.c.IntN(4) != 0 {
		fmt.Fprintf(&g.head, "voice %s\n", g.pick(voices8x8...))
	}
	if g.maybe() {
		fmt.Fprintf(&g.head, "speed %s\n", g.pick(speeds...))
	}
	g.controls()
	for range 1 + g.c.IntN(3) {
		switch g.c.IntN(3) {
		case 0:
			g.say()
		case 1:
			g.play()
		case 2:
			g.controls()
		}
	}
	if g.maybe() {
		g.capture()
		if g.maybe() {
			g.say()
		}
	}
	switch g.c.IntN(3) {
	case 0:
		from := ""
		if g.maybe() {
			from = " from " + g.lit(g.pick(e164s...))
		}
		rec := ""
		if g.maybe() {
			rec = " record"
		}
		g.step("makeCall %s%s%s", g.lit(g.pick(e164s...)), from, rec)
	case 1:
		g.step("hangup")
	}
}

func (g *writer) say() {
	var b strings.Builder
	b.WriteString("say " + g.lit(g.pick(texts...)))
	if g.maybe() {
		b.WriteString(" voice " + g.lit(g.pick(voices8x8...)))
	}
	if g.maybe() {
		b.WriteString(" speed " + g.lit(g.pick(speeds...)))
	}
	if g.maybe() {
		b.WriteString(" repeat " + g.lit(g.pick(repeats...)))
	}
	g.step("%s", b.String())
}

func (g *writer) play() {
	url := g.pick(`"https://cdn.example.com/a.wav"`, `"http://cdn.example.com/a.MP3?x=1"`, `"https://cdn.example.com/a.ogg"`,
		`"ftp://cdn.example.com/a.wav"`, `""`, `"https://cdn.example.com/a b.mp3"`)
	rep := ""
	if g.maybe() {
		rep = " repeat " + g.lit(g.pick(repeats...))
	}
	g.step("play %s%s", g.lit(url), rep)
}

// captureOptions are a capture's optional lines and their values.
var captureOptions = []struct {
	name string
	vals []string
}{
	{"digits", []string{"0", "1", "4", "25", "26", "1..25", "0..5", "4..10", "4..30", "-1"}},
	{"end", []string{`"#"`, `"*"`, `""`, `"1"`, `"##"`}},
	{"timeout", []string{"0s", "0ms", "1ms", "2ms", "10ms", "5s", "10s", "24h"}},
	{"digit_timeout", []string{"0s", "1ms", "2ms", "4s", "5s", "10s"}},
	{"tries", []string{"-1", "0", "1", "3", "10"}},
	{"accept", []string{`"1"`, `"1", "2"`, `"12345"`, `""`, `"a"`, `"*"`, `"1#"`}},
	{"success", []string{`"Thanks."`, `""`}},
	{"failure", []string{`"Sorry."`, `""`, longText(3001)}},
	{"voice", []string{`"en-US-ZiraRUS"`, `""`}},
	{"speed", speeds},
}

func (g *writer) capture() {
	g.step("capture c {")
	g.step("  prompt %s", g.lit(g.pick(texts...)))
	for _, o := range captureOptions {
		if g.maybe() {
			v := g.pick(o.vals...)
			if o.name != "digits" && o.name != "timeout" && o.name != "digit_timeout" && o.name != "accept" {
				v = g.lit(v)
			}
			g.step("  %s %s", o.name, v)
		}
	}
	g.step("}")
}

func (g *writer) callback() {
	g.controls()
	if g.c.IntN(4) == 0 {
		return // declines
	}
	g.step("callback {")
	for _, leg := range []string{"A", "B"} {
		g.step("  leg %s to %s from %s", leg, g.lit(g.pick(e164s...)), g.lit(g.pick(e164s...)))
	}
	g.step("}")
}

// campaignOptions are a campaign's optional lines and their values.
var campaignOptions = []struct {
	name string
	vals []string
}{
	{"cid", []string{`"842499950291"`, `""`}},
	{"voice", []string{`"northern_female_ngocanh"`, `"southern_male_tienhuy"`, `""`, `"northern_female"`}},
	{"speed", speeds},
	{"retry", []string{"-1 every 10m", "0 every 0s", "2 every 10m", "2 every 1500ms"}},
	{"batch", []string{"-1 every 30s", "0 every 30s", "15 every 30s", "15 every 0s", "1 every 500ms"}},
	{"at", []string{`"2026-11-23T10:00:00+07:00"`, `"tomorrow"`, `"0001-01-01T00:00:00Z"`, `now`, `5`}},
	{"dedupe", []string{`session`, `"crm-42"`, `""`}},
	{"auto_pause", []string{""}},
}

func (g *writer) callbot() {
	g.controls()
	if g.c.IntN(4) == 0 {
		return // declines
	}
	g.step("campaign %s {", g.lit(g.pick(`"Nhắc lịch hẹn"`, `""`)))
	g.step("  script %s", g.lit(g.pick(`"653b155db0f794aa"`, `""`)))
	for _, o := range campaignOptions {
		if g.maybe() {
			v := g.pick(o.vals...)
			if o.name == "cid" || o.name == "voice" || o.name == "speed" {
				v = g.lit(v)
			}
			g.step("  %s %s", o.name, v)
		}
	}
	for range g.c.IntN(3) {
		if g.maybe() {
			g.step("  contact %s { email %s }", g.lit(g.pick(append(e164s, "caller")...)), g.pick(`"a@example.vn"`, `""`))
		} else {
			g.step("  contacts %s", g.lit(g.pick(`[]`, `[{phone: "0988888888"}]`, `[{phone: ""}]`, `[{email: "x"}]`,
				`[{phone: "+84912345678", vars: {a: 1}}]`, `["0988888888"]`)))
		}
	}
	g.step("}")
}
