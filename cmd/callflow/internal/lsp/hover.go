package lsp

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/platform"
)

// Hover describes the name, step keyword, option word or function under the
// cursor; nothing (null) anywhere else.
func (s *server) Hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	a := s.analysis(d)
	off := s.offset(a.file, p.Position)
	text, start, end := "", off, off
	if o := a.namesOf().at(d.name, off); o != nil {
		text, start, end = s.describeName(a, o), o.start, o.end
	} else if w, ok := wordAt(a.file.Src, off); ok {
		text, start, end = s.describeWord(a, w, off), w.start, w.end
	}
	if text == "" {
		return nil, nil
	}
	r := s.rangeOf(a.file, start, end)
	return &protocol.Hover{Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: text}, Range: &r}, nil
}

// describeName is a name's kind, what it holds and where it is declared.
func (s *server) describeName(a *analysis, o *occurrence) string {
	if o.kind == kindBuiltin {
		return fmt.Sprintf("**%s** — built-in\n\n%s", o.name, builtinMeaning[o.name])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** — %s", o.name, o.kind)
	def := a.namesOf().definition(o)
	info := a.info()
	switch decl := declOf(def).(type) {
	case *ast.Const:
		fmt.Fprintf(&b, "\n\n```flow\nconst %s = %s\n```", o.name, decl.Value.Text)
		if info != nil {
			if v, ok := info.Consts[o.name]; ok {
				fmt.Fprintf(&b, "\nValue: `%s` (%T)", exprs.Text(v), v)
			}
		}
	case *ast.Table:
		fmt.Fprintf(&b, "\n\nFrom %s.", decl.Path.Text)
		if info != nil && info.Tables[o.name] != nil {
			t := info.Tables[o.name]
			fmt.Fprintf(&b, " Columns: %s; %d rows.", strings.Join(t.Columns, ", "), len(t.Rows))
		}
	case *ast.Lookup:
		fmt.Fprintf(&b, "\n\nGET %s", decl.URL.Text)
		if decl.Timeout != nil {
			fmt.Fprintf(&b, ", timeout %s", decl.Timeout.Text)
		}
		if decl.Else != nil {
			fmt.Fprintf(&b, "\n\nElse: `%s`", decl.Else.Text)
		}
	case *ast.Hours:
		fmt.Fprintf(&b, "\n\n%s, tz %s", decl.Spec.Text, decl.TZ.Text)
		if info != nil && info.Hours[o.name] != nil {
			now := s.now()
			state := "closed"
			if info.Hours[o.name].Open(now) {
				state = "open"
			}
			fmt.Fprintf(&b, "\n\nNow (%s): **%s**", now.In(info.Hours[o.name].Location()).Format(time.DateTime), state)
		}
	case *ast.Handler:
		fmt.Fprintf(&b, "\n\n%d steps.", len(decl.Body.Steps))
	}
	if o.kind == kindVar && info != nil && info.Env != nil {
		if t := info.Env.TypeOf(o.name); t != nil {
			fmt.Fprintf(&b, " (%s)", t)
		}
	}
	if def != nil {
		if f, _, ok := a.fileOf(def.file); ok {
			fmt.Fprintf(&b, "\n\nDeclared at %s:%d.", def.file, f.Pos(def.start).Line)
		}
	}
	return b.String()
}

func declOf(o *occurrence) ast.Node {
	if o == nil {
		return nil
	}
	return o.decl
}

// describeWord explains a step keyword with the limits of each target
// platform, an option word with its default, or a function's signature.
func (s *server) describeWord(a *analysis, w word, off int) string {
	if w.call {
		if sig, ok := functionSignature[w.text]; ok {
			return "```\n" + sig + "\n```"
		}
		return ""
	}
	if block, opt := optionAt(a.tree, off); opt != nil && opt.Name.Name == w.text {
		m, ok := optionMeaning[block][w.text]
		if !ok {
			return ""
		}
		text := fmt.Sprintf("**%s** — %s option\n\n%s", w.text, block, m)
		step := platform.Step(block)
		if block == "contact" {
			step = platform.Campaign
		}
		for _, p := range targets(a) {
			for _, l := range limits(step, p.Limits) {
				if optionLimited(w.text, l) {
					text += fmt.Sprintf("\n\n- **%s**: %s", p.Name, l)
				}
			}
		}
		return text
	}
	m, ok := stepMeaning[w.text]
	if !ok || !lexer.IsKeyword(w.text) {
		return ""
	}
	var b strings.Builder
	b.WriteString(m)
	for _, p := range targets(a) {
		if !p.Supports(platform.Step(w.text)) {
			fmt.Fprintf(&b, "\n\n- **%s**: not supported", p.Name)
			continue
		}
		if lim := limits(platform.Step(w.text), p.Limits); len(lim) > 0 {
			fmt.Fprintf(&b, "\n\n- **%s**: %s", p.Name, strings.Join(lim, "; "))
		}
	}
	return b.String()
}

// targets are the platforms the flow compiles for: its target line, else
// those that can run every step, else all.
func targets(a *analysis) []*platform.Platform {
	var names []string
	if info := a.info(); info != nil {
		names = info.Platforms
	}
	if len(names) == 0 && a.tree != nil {
		for _, d := range a.tree.Decls {
			if t, ok := d.(*ast.Target); ok {
				for _, id := range t.Platforms {
					names = append(names, id.Name)
				}
			}
		}
	}
	var out []*platform.Platform
	for _, p := range platform.All() {
		if len(names) == 0 || slices.Contains(names, p.Name) {
			out = append(out, p)
		}
	}
	return out
}

// limits lists the platform limits that bear on a step.
func limits(step platform.Step, l platform.Limits) []string {
	var out []string
	add := func(ok bool, format string, args ...any) {
		if ok {
			out = append(out, fmt.Sprintf(format, args...))
		}
	}
	switch step {
	case platform.Say, platform.Capture:
		add(l.MaxText > 0, "text at most %d characters", l.MaxText)
		add(l.TextRequired, "text not empty")
		add(l.NeedsVoice, "a voice is required")
		add(l.Speed != [2]float64{}, "speed %g..%g", l.Speed[0], l.Speed[1])
	}
	if step == platform.Say {
		add(l.Repeat != [2]int{}, "repeat %d..%d", l.Repeat[0], l.Repeat[1])
	}
	switch step {
	case platform.Capture:
		add(l.Digits != [2]int{}, "digits %d..%d", l.Digits[0], l.Digits[1])
		add(l.Timeout[0] > 0, "timeout at least %s", l.Timeout[0])
		add(l.DigitTimeout[0] > 0, "digit_timeout at least %s", l.DigitTimeout[0])
		add(l.EndKeys != nil, "end key %s only", strings.Join(l.EndKeys, ", "))
	case platform.Play:
		add(l.Repeat != [2]int{}, "repeat %d..%d", l.Repeat[0], l.Repeat[1])
		add(l.PlayExts != nil, "audio %s", strings.Join(l.PlayExts, ", "))
	case platform.MakeCall:
		add(l.E164Dial, "numbers in E.164 form")
	case platform.Agent, platform.IVR:
		add(l.IDs[0] > 0, "ids from %d", l.IDs[0])
	case platform.Callback:
		add(l.BothLegs, "legs A and B, each with a number")
	case platform.Campaign:
		add(l.NeedsContact, "at least one contact")
		add(l.Voices != nil, "voices %s", strings.Join(l.Voices, ", "))
		add(l.Speed != [2]float64{}, "speed %g..%g", l.Speed[0], l.Speed[1])
		add(l.NationalRegion != "", "%s numbers sent in national form", l.NationalRegion)
	}
	return out
}

// wordAt is the name written at off, if any.
func wordAt(src []byte, off int) (word, bool) {
	start, end := off, off
	for start > 0 && isNameByte(src[start-1]) {
		start--
	}
	for end < len(src) && isNameByte(src[end]) {
		end++
	}
	if start == end {
		return word{}, false
	}
	w := word{text: string(src[start:end]), start: start, end: end}
	rest := end
	for rest < len(src) && (src[rest] == ' ' || src[rest] == '\t') {
		rest++
	}
	w.call = rest < len(src) && src[rest] == '('
	w.field = start > 0 && src[start-1] == '.'
	return w, true
}

// isNameByte reports whether c can be part of a name (ASCII letters,
// digits and _).
func isNameByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// optionAt is the option whose word is at off, and the block holding it:
// "capture", "campaign", "contact", "post" or "lookup".
func optionAt(tree *ast.File, off int) (string, *ast.Option) {
	if tree == nil {
		return "", nil
	}
	block, found := "", (*ast.Option)(nil)
	var visit func(b string, opts []*ast.Option)
	visit = func(b string, opts []*ast.Option) {
		for _, o := range opts {
			if o.Name != nil && o.Name.At.Start.Offset <= off && off <= o.Name.At.End.Offset {
				block, found = b, o
			}
			visit("contact", o.Block)
		}
	}
	inspect(tree, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.Capture:
			visit("capture", n.Options)
		case *ast.Campaign:
			visit("campaign", n.Options)
		case *ast.Post:
			visit("post", n.Options)
		case *ast.Record:
			visit("record", n.Options)
		case *ast.Lookup:
			visit("lookup", n.Options)
		}
	})
	return block, found
}

// optionLimited reports whether a platform limit, as limits words it, bears
// on an option.
func optionLimited(option, limit string) bool {
	prefixes := map[string][]string{
		"prompt": {"text"}, "success": {"text"}, "failure": {"text"},
		"digits": {"digits "}, "timeout": {"timeout "}, "digit_timeout": {"digit_timeout "}, "end": {"end key"},
		"voice": {"a voice", "voices"}, "speed": {"speed "}, "contact": {"at least one contact", "numbers"}, "contacts": {"at least one contact"},
	}
	for _, p := range prefixes[option] {
		if strings.HasPrefix(limit, p) {
			return true
		}
	}
	return false
}
