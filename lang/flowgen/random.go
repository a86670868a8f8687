package flowgen

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
var Targets = []string{"tencent", "8x8", "callback", "callbot", "jambonz"}

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
	case "8x8", "jambonz": // the same steps; each checker keeps its own limits
		g.eightByEight()
	case "callback":
		g.callback()
	case "callbot":
		g.callbot()
	}
	body := g.body.String()
	if g.c.IntN(4) == 0 { // the steps in a handler main goes to
		return g.head.String() + "\notherwise -> main\n\nhandler main {\n  set via = \"goto\"\n  goto rest\n}\n\nhandler rest {\n" + body + "}\n"
	}
	return g.head.String() + "\notherwise -> main\n\nhandler main {\n" + body + "}\n"
}

type writer struct {
	c          Chooser
	head, body strings.Builder
	consts     int
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
	ids       = mk(3, "1", "388", "9007199254740993", "0", "-1", "-5")
	e164s     = mk(2, `"+6587654321"`, `"+84912345678"`, `"12345"`, `""`, `"+84 98 888 8888"`, `"0988888888"`)
	texts     = mk(4, `"Hello."`, `" "`, `"Xin chào ${caller}"`, longText(3000), `""`, longText(3001))
	voices8x8 = mk(1, `"en-US-ZiraRUS"`, `""`)
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

func (g *writer) eightByEight() {
	if g.c.IntN(4) != 0 {
		fmt.Fprintf(&g.head, "voice %s\n", g.value(voices8x8))
	}
	if g.maybe() {
		fmt.Fprintf(&g.head, "speed %s\n", g.value(speeds))
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
			from = " from " + g.lit(g.value(e164s))
		}
		rec := ""
		if g.maybe() {
			rec = " record"
		}
		g.step("makeCall %s%s%s", g.lit(g.value(e164s)), from, rec)
	case 1:
		g.step("hangup")
	}
}

func (g *writer) say() {
	var b strings.Builder
	b.WriteString("say " + g.lit(g.value(texts)))
	if g.maybe() {
		b.WriteString(" voice " + g.lit(g.value(voices8x8)))
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
	{"voice", voices8x8},
	{"speed", speeds},
}

func (g *writer) capture() {
	g.step("capture c {")
	g.step("  prompt %s", g.perTry())
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
