package flowgen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/callflow/callflow/lang/platform"
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

// Targets are the platforms Random writes flows for: every platform
// lang/platform declares (a test keeps them the same).
var Targets = []string{"tencent", "8x8", "callback", "callbot", "jambonz", "twilio", "vonage"}

// Random writes a flow named flowName for target that uses the target's
// steps, each option present or not, with literal values drawn from pools
// that hold each range's edges and the values just past them: what the
// checker accepts must render, what it cannot accept it must reject. Values
// are written directly or through a const, so both reach the checker's
// limits. Which steps a flow holds follows the target's declaration
// (platform.Platform.Steps): a routing platform's agent and ivr, a trigger
// API's callback or campaign, a voice platform's say, play, capture and
// makeCall, and those of language.md §8.6 it supports (now and then one it
// does not, for the checker to reject).
func Random(c Chooser, flowName, target string) string {
	g := &writer{c: c}
	fmt.Fprintf(&g.head, "flow %s\ntarget %s\n", flowName, target)
	p, _ := platform.Lookup(target)
	switch {
	case p == nil:
	case p.Supports(platform.Agent):
		g.tencent()
	case p.Supports(platform.Callback):
		g.callback()
	case p.Supports(platform.Campaign):
		g.callbot()
	default: // each checker keeps its own limits
		g.p = p
		g.voiceApp()
	}
	body := g.body.String()
	if g.c.IntN(4) == 0 { // the steps in a handler main goes to
		return g.head.String() + "\notherwise -> main\n\nhandler main {\n  set via = \"goto\"\n  goto rest\n}\n\nhandler rest {\n" + body + "}\n"
	}
	return g.head.String() + "\notherwise -> main\n\nhandler main {\n" + body + "}\n"
}

type writer struct {
	c          Chooser
	p          *platform.Platform // a voice platform's facts, for the steps of §8.6
	head, body strings.Builder
	consts     int
}

// has reports whether to write a §8.6 step or feature: mostly when the
// platform supports it, and one time in sixteen when it does not.
func (g *writer) has(s platform.Step) bool {
	return g.p != nil && (g.p.Supports(s) || g.c.IntN(16) == 0)
}

func (g *writer) pick(vals ...string) string { return vals[g.c.IntN(len(vals))] }

// value picks from a pool: one of its first good values most of the time,
// else any, so a flow with many options still often passes the checker.
func (g *writer) value(p pool) string {
	if g.c.IntN(8) != 0 {
		return p.vals[g.c.IntN(p.good)]
	}
	return g.pick(p.vals...)
}

// pool is values for one place: the first good ones within every
// platform's range (edges included), the rest just past an edge or odd.
type pool struct {
	good int
	vals []string
}

func mk(good int, vals ...string) pool { return pool{good, vals} }

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
	ids   = mk(3, "1", "388", "9007199254740993", "0", "-1", "-5")
	e164s = mk(2, `"+6587654321"`, `"+84912345678"`, `"12345"`, `""`, `"+84 98 888 8888"`, `"0988888888"`)
	// The repeats are texts only Twilio takes, whose 64 KB answer two of
	// them fill (and 15,000 "&" fill alone, at five bytes each escaped).
	texts     = mk(4, `"Hello."`, `" "`, `"Xin chào ${caller}"`, longText(3000), `""`, longText(3001), `repeat("a", 30000)`, `repeat("&", 15000)`)
	voices8x8 = mk(1, `"en-US-ZiraRUS"`, `""`)
	voices    = mk(5, `"en-US-ZiraRUS"`, `"Polly.Joanna"`, `"en-GB"`, `"google:en-GB-Neural2-A"`, `"en-GB:2"`, `""`, `"nobody:"`, `"en-ZZ"`)
	speeds    = mk(6, "0.5", "1", "1.5", "2", "-3", "3", "-4", "-3.5", "-1", "0", "0.4", "2.1", "3.5", "4")
	repeats   = mk(3, "1", "2", "3", "-1", "0", "4")
)

func longText(n int) string { return `"` + strings.Repeat("a", n) + `"` }

func (g *writer) tencent() {
	g.controls()
	switch g.c.IntN(4) {
	case 0:
		g.step("agent %s", g.lit(g.value(ids)))
	case 1:
		g.step("ivr %s", g.lit(g.value(ids)))
	case 2:
		g.step("hangup")
	}
}

// voiceApp writes a voice platform's flow: say, play, capture, makeCall
// and hangup, with the steps of §8.6 the platform has among them.
func (g *writer) voiceApp() {
	if g.c.IntN(4) != 0 {
		fmt.Fprintf(&g.head, "voice %s\n", g.value(g.voicePool()))
	}
	if g.maybe() {
		fmt.Fprintf(&g.head, "speed %s\n", g.value(speeds))
	}
	g.controls()
	for range 1 + g.c.IntN(3) {
		switch g.c.IntN(5) {
		case 0:
			g.say()
		case 1:
			g.play()
		case 2:
			g.controls()
		case 3:
			if g.has(platform.Pause) {
				g.step("pause %s", g.value(pauses))
			}
		case 4:
			if g.has(platform.Record) {
				g.record()
			}
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
		g.makeCall()
	case 1:
		g.step("hangup")
	}
}

// voicePool is the voices a flow for the platform may name: 8x8's one
// profile or none, or voices in every platform's manner.
func (g *writer) voicePool() pool {
	if g.p == nil || g.p.Limits.NeedsVoice {
		return voices8x8
	}
	return voices
}

var (
	pauses  = mk(4, "1s", "500ms", "2s", "10s", "11s", "1h", "0s", "0ms")
	records = []struct {
		name string
		vals pool
	}{
		{"max", mk(4, "2m", "3s", "1s", "2h", "0s", "3h")},
		{"silence", mk(4, "5s", "3s", "10s", "2s", "0s", "11s", "1h")},
		{"end", mk(3, `"#"`, `"*"`, `"1"`, `""`, `"##"`, `"a"`)},
		{"beep", mk(1, "")},
	}
	dialTargets = mk(5, "", `sip "sip:desk@pbx.example.com"`, `user "alice"`, `queue "support"`, `sip "sip:${caller}@pbx.example.com"`,
		`sip "desk@pbx.example.com"`, `user ""`, `sip ""`)
	dialTimes = mk(4, "20s", "1s", "1h", "30m", "0s", "3h", "24h")
)

// record writes a record step with some of its options.
func (g *writer) record() {
	g.step("record m {")
	for _, o := range records {
		if g.maybe() {
			g.step("  %s %s", o.name, g.value(o.vals))
		}
	}
	g.step("}")
	if g.maybe() {
		g.step("say \"Saved ${m}.\"")
	}
}

// makeCall writes a makeCall: to a number, or to a SIP address, user or
// queue where the platform has them, with timeout, limit and outcome
// blocks where it has those.
func (g *writer) makeCall() {
	var b strings.Builder
	b.WriteString("makeCall ")
	target := ""
	if g.has(platform.DialSIP) || g.has(platform.DialUser) || g.has(platform.DialQueue) {
		target = g.value(dialTargets)
	}
	words := map[string]platform.Step{"sip": platform.DialSIP, "user": platform.DialUser, "queue": platform.DialQueue}
	if w, _, _ := strings.Cut(target, " "); target != "" && !g.has(words[w]) {
		target = ""
	}
	if target == "" {
		target = g.lit(g.value(e164s))
	}
	b.WriteString(target)
	if g.maybe() {
		b.WriteString(" from " + g.lit(g.value(e164s)))
	}
	if g.maybe() && (g.p == nil || !g.p.Limits.NoDialRecord || g.c.IntN(8) == 0) {
		b.WriteString(" record")
	}
	if g.has(platform.DialTimeout) && g.maybe() {
		b.WriteString(" timeout " + g.value(dialTimes))
	}
	if g.has(platform.DialLimit) && g.maybe() {
		b.WriteString(" limit " + g.value(dialTimes))
	}
	if !g.has(platform.DialOutcomeBlocks) || !g.maybe() {
		g.step("%s", b.String())
		return
	}
	b.WriteString(" {")
	g.step("%s", b.String())
	for _, o := range platform.DialOutcomes() {
		switch g.c.IntN(4) {
		case 0:
			g.step("  on %s { say \"The call was %s.\" }", o, o)
		case 1:
			g.step("  on %s { hangup }", o)
		case 2:
			g.step("  on %s {}", o)
		}
	}
	g.step("}")
	if g.maybe() {
		g.say()
	}
}

func (g *writer) say() {
	var b strings.Builder
	b.WriteString("say " + g.lit(g.value(texts)))
	if g.maybe() {
		b.WriteString(" voice " + g.lit(g.value(g.voicePool())))
	}
	if g.has(platform.SayLanguage) && g.maybe() {
		b.WriteString(" language " + g.lit(g.value(mk(2, `"en-GB"`, `"vi-VN"`, `""`, `"english"`))))
	}
	if g.maybe() {
		b.WriteString(" speed " + g.lit(g.value(speeds)))
	}
	if g.maybe() {
		b.WriteString(" repeat " + g.lit(g.value(repeats)))
	}
	g.step("%s", b.String())
}

func (g *writer) play() {
	url := g.value(mk(3, `"https://cdn.example.com/a.wav"`, `"http://cdn.example.com/a.MP3?x=1"`, `"https://cdn.example.com/a b.mp3"`,
		`"https://cdn.example.com/a.ogg"`, `"ftp://cdn.example.com/a.wav"`, `""`))
	rep := ""
	if g.maybe() {
		rep = " repeat " + g.lit(g.value(repeats))
	}
	g.step("play %s%s", g.lit(url), rep)
}

// perTry is one to three values of a message said per try (prompt,
// noinput, nomatch), each a literal or a const.
func (g *writer) perTry() string {
	vals := []string{g.lit(g.value(texts))}
	for range g.c.IntN(3) {
		vals = append(vals, g.lit(g.value(texts)))
	}
	return strings.Join(vals, ", ")
}

// captureOptions are a capture's optional lines and their values.
var captureOptions = []struct {
	name string
	vals pool
}{
	{"digits", mk(5, "1", "4", "25", "1..25", "4..10", "0", "26", "0..5", "4..30", "-1")},
	{"end", mk(1, `"#"`, `"*"`, `""`, `"1"`, `"##"`)},
	{"timeout", mk(5, "2ms", "10ms", "5s", "10s", "24h", "0s", "0ms", "1ms")},
	{"digit_timeout", mk(3, "1ms", "2ms", "4s", "0s", "5s", "10s")},
	{"tries", mk(3, "1", "3", "10", "-1", "0")},
	{"accept", mk(3, `"1"`, `"1", "2"`, `"*"`, `"12345"`, `""`, `"a"`, `"1#"`)},
	{"success", mk(2, `"Thanks."`, `""`)},
	{"failure", mk(2, `"Sorry."`, `""`, longText(3001))},
	{"speed", speeds},
}

func (g *writer) capture() {
	g.step("capture c {")
	if g.has(platform.PromptAudio) && g.c.IntN(3) == 0 {
		g.step("  prompt play %s", g.lit(g.value(mk(2, `"https://cdn.example.com/menu.mp3"`, `"https://cdn.example.com/menu.wav"`,
			`"ftp://cdn.example.com/menu.mp3"`, `""`))))
	} else {
		g.step("  prompt %s", g.perTry())
	}
	if g.has(platform.BargeIn) && g.maybe() {
		g.step("  bargein")
	}
	for _, word := range []string{"noinput", "nomatch"} {
		if g.maybe() {
			g.step("  %s %s", word, g.perTry())
		}
	}
	for _, outcome := range []string{"noinput", "nomatch"} {
		if g.c.IntN(4) == 0 {
			g.step("  on %s {", outcome)
			if g.maybe() {
				g.say()
			}
			if g.maybe() {
				g.step("    hangup")
			}
			g.step("  }")
		}
	}
	for _, o := range captureOptions {
		if g.maybe() {
			v := g.value(o.vals)
			if o.name != "digits" && o.name != "timeout" && o.name != "digit_timeout" && o.name != "accept" {
				v = g.lit(v)
			}
			g.step("  %s %s", o.name, v)
		}
	}
	if g.maybe() {
		g.step("  voice %s", g.lit(g.value(g.voicePool())))
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
		g.step("  leg %s to %s from %s", leg, g.lit(g.value(e164s)), g.lit(g.value(e164s)))
	}
	g.step("}")
}

// campaignOptions are a campaign's optional lines and their values.
var campaignOptions = []struct {
	name string
	vals pool
}{
	{"cid", mk(2, `"842499950291"`, `""`)},
	{"voice", mk(3, `"northern_female_ngocanh"`, `"southern_male_tienhuy"`, `""`, `"northern_female"`)},
	{"speed", speeds},
	{"retry", mk(3, "0 every 0s", "2 every 10m", "2 every 1500ms", "-1 every 10m")},
	{"batch", mk(2, "15 every 30s", "1 every 500ms", "-1 every 30s", "0 every 30s", "15 every 0s")},
	{"at", mk(2, `"2026-11-23T10:00:00+07:00"`, `now`, `"tomorrow"`, `"0001-01-01T00:00:00Z"`, `5`)},
	{"dedupe", mk(3, `session`, `"crm-42"`, `""`)},
	{"auto_pause", mk(1, "")},
}

func (g *writer) callbot() {
	g.controls()
	if g.c.IntN(4) == 0 {
		return // declines
	}
	g.step("campaign %s {", g.lit(g.value(mk(2, `"Nhắc lịch hẹn"`, `""`))))
	g.step("  script %s", g.lit(g.value(mk(1, `"653b155db0f794aa"`, `""`))))
	for _, o := range campaignOptions {
		if g.maybe() {
			v := g.value(o.vals)
			if o.name == "cid" || o.name == "voice" || o.name == "speed" {
				v = g.lit(v)
			}
			g.step("  %s %s", o.name, v)
		}
	}
	for range g.c.IntN(3) {
		if g.maybe() {
			g.step("  contact %s { email %s; code %s; vars %s }", g.lit(g.value(mk(4, "caller", `"+84912345678"`, `"0988888888"`, `"+84 98 888 8888"`, `""`))),
				g.pick(`"a@example.vn"`, `""`), g.pick(`"CRM-1"`, `42`, `""`), g.pick(`{}`, `{"tên": "A", n: 9.5}`, `{a: [1], b: {c: 1}, d: nil}`))
		} else {
			g.step("  contacts %s", g.lit(g.value(mk(2, `[{phone: "0988888888"}]`, `[{phone: "+84912345678", vars: {a: 1}}]`,
				`[]`, `[{phone: ""}]`, `[{email: "x"}]`, `["0988888888"]`))))
		}
	}
	g.step("}")
}
