package format

import (
	"sort"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/lexer"
)

// Alignment keys: consecutive lines with the same key and indentation align
// their cells in columns.
const (
	keyConst  = "const"
	keyRule   = "rule"
	keyOption = "option"
	keyLeg    = "leg"
)

// line is one output line before alignment: its cells are joined with
// padding when the line is part of an aligned run, with one space otherwise.
type line struct {
	indent  int
	cells   []string
	key     string // alignment key, "" for none
	comment string // end-of-line comment, "" for none
	blank   bool   // a blank line comes before this one
	isNote  bool   // the line is a comment of its own
}

// printer walks a file in source order and collects its lines. Every token
// it prints comes after the ones before it in the source, so comments are
// placed by position: before printing what starts at offset p, the comments
// before p are flushed, on lines of their own or at the end of the last line.
type printer struct {
	src      []byte
	comments []*ast.Comment
	skip     []bool // comments inside an expression, printed with its text, or placed early
	next     int    // the next comment to place
	opens    []int  // offsets of the `{` tokens, in order
	closeOf  map[int]int
	newlines []int // offsets of the newlines in src
	lines    []*line
	inline   int  // > 0 while printing a block kept on one line
	noBlank  bool // the next line starts a block or the file: no blank line
	blankNow bool // the next line must have a blank line before it
}

func newPrinter(f *ast.File, src []byte) *printer {
	p := &printer{src: src, comments: f.Comments, closeOf: map[int]int{}, noBlank: true}
	p.skip = make([]bool, len(f.Comments))
	if len(f.Comments) > 0 {
		// Expressions never nest, so their spans are disjoint.
		var spans [][2]int
		ast.Inspect(f, func(n ast.Node) bool {
			if e, ok := n.(*ast.Expr); ok {
				spans = append(spans, [2]int{e.At.Start.Offset, e.At.End.Offset})
			}
			return true
		})
		sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
		for i, c := range f.Comments {
			off := c.At.Start.Offset
			k := sort.Search(len(spans), func(k int) bool { return spans[k][0] >= off }) - 1
			p.skip[i] = k >= 0 && off < spans[k][1]
		}
	}
	for i, c := range src {
		if c == '\n' {
			p.newlines = append(p.newlines, i)
		}
	}
	// Brace pairs, from the tokens: capture, campaign, switch and callback
	// blocks record no span of their own.
	toks, _ := lexer.Tokens(f.Name, src)
	var stack []int
	for _, t := range toks {
		if t.Type != lexer.Punct {
			continue
		}
		switch t.Value {
		case "{":
			p.opens = append(p.opens, t.Pos.Offset)
			stack = append(stack, t.Pos.Offset)
		case "}":
			if n := len(stack); n > 0 {
				p.closeOf[stack[n-1]] = t.Pos.Offset
				stack = stack[:n-1]
			}
		}
	}
	return p
}

// braces returns the offsets of the first `{` at or after off and of the
// `}` that closes it.
func (p *printer) braces(off int) (open, close int) {
	i := sort.SearchInts(p.opens, off)
	if i == len(p.opens) {
		return -1, -1
	}
	open = p.opens[i]
	c, ok := p.closeOf[open]
	if !ok {
		return open, -1
	}
	return open, c
}

// sameLine reports whether no newline lies between the offsets a and b.
func (p *printer) sameLine(a, b int) bool {
	if a < 0 || b < 0 || a > b {
		return false
	}
	i := sort.SearchInts(p.newlines, a)
	return i == len(p.newlines) || p.newlines[i] >= b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == ';' }

func (p *printer) lineStart(off int) int {
	for off > 0 && p.src[off-1] != '\n' {
		off--
	}
	return off
}

// endOfLine reports whether a token comes before off on its line.
func (p *printer) endOfLine(off int) bool {
	for i := off - 1; i >= 0 && p.src[i] != '\n'; i-- {
		if !isSpace(p.src[i]) {
			return true
		}
	}
	return false
}

// blankBefore reports whether off starts its line and the line above is
// blank.
func (p *printer) blankBefore(off int) bool {
	if p.endOfLine(off) {
		return false
	}
	ls := p.lineStart(off)
	if ls == 0 {
		return false
	}
	for i := ls - 2; i >= 0 && p.src[i] != '\n'; i-- {
		if !isSpace(p.src[i]) {
			return false
		}
	}
	return true
}

// wordBefore returns the offset of the word that ends just before off,
// skipping spaces: the `else` before a switch's else block.
func (p *printer) wordBefore(off int) int {
	i := off
	for i > 0 && (p.src[i-1] == ' ' || p.src[i-1] == '\t') {
		i--
	}
	for i > 0 && isWordByte(p.src[i-1]) {
		i--
	}
	return i
}

func isWordByte(c byte) bool {
	return c == '_' || (c|0x20) >= 'a' && (c|0x20) <= 'z' || c >= '0' && c <= '9'
}

func (p *printer) add(l *line) {
	if p.noBlank {
		l.blank = false
	}
	if p.blankNow {
		l.blank = true
	}
	p.noBlank, p.blankNow = false, false
	p.lines = append(p.lines, l)
}

// flush places the comments that come before off: a comment that ends a
// line goes to the end of the last line printed; one on a line of its own
// becomes a line at indent.
func (p *printer) flush(off, indent int) {
	for p.next < len(p.comments) && p.comments[p.next].At.Start.Offset < off {
		i := p.next
		p.next++
		if p.skip[i] {
			continue
		}
		c := p.comments[i]
		text := trimComment(c.Text)
		at := c.At.Start.Offset
		if n := len(p.lines); n > 0 && p.endOfLine(at) {
			if last := p.lines[n-1]; last.comment == "" && !last.isNote {
				last.comment = text
				continue
			}
		}
		p.add(&line{indent: indent, cells: []string{text}, blank: p.blankBefore(at), isNote: true})
	}
}

// begin starts the line of an item that starts at off. Inside a block kept
// on one line the item continues the current line.
func (p *printer) begin(off, indent int, key string) {
	if p.inline > 0 {
		return
	}
	p.flush(off, indent)
	p.add(&line{indent: indent, key: key, cells: []string{""}, blank: p.blankBefore(off)})
	p.keepSuppression(off)
}

// keepSuppression gives a suppression comment (`# callflow:…`) at the end of
// off's source line to the first output line printed from that line. A
// suppression covers the line it ends; when a one-line block is split, the
// comment would otherwise follow the closing brace and cover nothing, while
// the warnings about a block (an unreachable handler, a missing hangup) are
// reported at its first line.
func (p *printer) keepSuppression(off int) {
	for i := p.next; i < len(p.comments) && p.sameLine(off, p.comments[i].At.Start.Offset); i++ {
		c := p.comments[i]
		if p.skip[i] || !isSuppression(c.Text) {
			continue
		}
		if l := p.lines[len(p.lines)-1]; l.comment == "" {
			l.comment = trimComment(c.Text)
			p.skip[i] = true // placed: flush passes over it
		}
		return
	}
}

// isSuppression reports whether a comment is a `# callflow:` directive.
func isSuppression(text string) bool {
	return strings.HasPrefix(strings.TrimLeft(strings.TrimPrefix(text, "#"), " \t"), "callflow:")
}

// text appends s to the current cell.
func (p *printer) text(ss ...string) {
	l := p.lines[len(p.lines)-1]
	for _, s := range ss {
		l.cells[len(l.cells)-1] += s
	}
}

// cell starts a new aligned cell holding s (on a one-line block, s just
// follows after a space).
func (p *printer) cell(s string) {
	l := p.lines[len(p.lines)-1]
	if p.inline > 0 || l.key == "" {
		l.cells[len(l.cells)-1] += " " + s
		return
	}
	l.cells = append(l.cells, s)
}

// open ends the current line with `{` and starts a block.
func (p *printer) open() {
	p.text(" {")
	p.noBlank = true
}

// close flushes the comments left before the `}` at off at the block's
// indentation and prints the brace.
func (p *printer) close(off, indent int) {
	p.flush(off, indent+1)
	p.noBlank = true
	p.add(&line{indent: indent, cells: []string{"}"}})
}

// startInline and endInline bracket a block kept on one line.
func (p *printer) startInline(empty bool) {
	if empty {
		p.text(" {}")
		return
	}
	p.text(" { ")
	p.inline++
}

func (p *printer) endInline() {
	p.inline--
	p.text(" }")
}

// Declaration groups: one blank line separates two groups.
const (
	groupHeader = iota
	groupSettings
	groupData
	groupRules
	groupHandlers
	groupTests
)

func group(d ast.Decl) int {
	switch d.(type) {
	case *ast.Target, *ast.Number, *ast.Voice, *ast.Speed:
		return groupSettings
	case *ast.Const, *ast.Table, *ast.Lookup, *ast.Hours:
		return groupData
	case *ast.Rule:
		return groupRules
	case *ast.Handler:
		return groupHandlers
	}
	return groupTests
}

func (p *printer) file(f *ast.File) {
	p.begin(p.wordBefore(f.Flow.At.Start.Offset), 0, "")
	p.text("flow ", f.Flow.Name)
	if f.VerAt.End.Offset > f.VerAt.Start.Offset {
		p.text(" version ", p.slice(f.VerAt.Start.Offset, f.VerAt.End.Offset))
	}
	prev := groupHeader
	for _, d := range f.Decls {
		g := group(d)
		if g != prev || g == groupHandlers || g == groupTests {
			p.blankNow = true
		}
		prev = g
		p.decl(d)
	}
	p.flush(len(p.src)+1, 0)
}

func (p *printer) slice(start, end int) string {
	if start < 0 || end > len(p.src) || start > end {
		return ""
	}
	return string(p.src[start:end])
}

func expr(e *ast.Expr) string {
	if e == nil {
		return ""
	}
	return e.Text
}

func exprList(es []*ast.Expr) string {
	parts := make([]string, 0, len(es))
	for _, e := range es {
		parts = append(parts, expr(e))
	}
	return strings.Join(parts, ", ")
}

func name(i *ast.Ident) string {
	if i == nil {
		return ""
	}
	return i.Name
}

func (p *printer) decl(d ast.Decl) {
	off := d.Span().Start.Offset
	switch d := d.(type) {
	case *ast.Target:
		p.begin(off, 0, "")
		names := make([]string, 0, len(d.Platforms))
		for _, pl := range d.Platforms {
			names = append(names, name(pl))
		}
		p.text("target ", strings.Join(names, ", "))
	case *ast.Number:
		p.begin(off, 0, "")
		p.text("number ", exprList(d.Numbers))
	case *ast.Voice:
		p.begin(off, 0, "")
		p.text("voice ", expr(d.Value))
	case *ast.Speed:
		p.begin(off, 0, "")
		p.text("speed ", expr(d.Value))
	case *ast.Const:
		p.begin(off, 0, keyConst)
		p.text("const ", name(d.Name))
		p.cell("= " + expr(d.Value))
	case *ast.Table:
		p.begin(off, 0, "")
		p.text("table ", name(d.Name), " from ", expr(d.Path))
	case *ast.Lookup:
		p.begin(off, 0, "")
		p.text("lookup ", name(d.Name), " = get ", expr(d.URL))
		if d.Options != nil {
			p.options(d.Options, d.URL.At.End.Offset, 0)
			return
		}
		if d.Timeout != nil {
			p.text(" timeout ", d.Timeout.Text)
		}
		if d.Cache != nil {
			p.text(" cache ", d.Cache.Text)
		}
		if d.Else != nil {
			p.text(" else ", expr(d.Else))
		}
	case *ast.Hours:
		p.begin(off, 0, "")
		p.text("hours ", name(d.Name), " ", expr(d.Spec), " tz ", expr(d.TZ))
		if len(d.Except) > 0 {
			p.text(" except ", exprList(d.Except))
		}
	case *ast.Rule:
		p.begin(off, 0, keyRule)
		if d.Cond != nil {
			p.text("when ", expr(d.Cond))
		} else {
			p.text("otherwise")
		}
		p.cell("-> " + name(d.Handler))
	case *ast.Handler:
		p.begin(off, 0, "")
		p.text("handler ", name(d.Name))
		p.block(d.Body, 0, p.blockInline(d.Body))
	case *ast.Test:
		p.test(d)
	}
}

// blockInline reports whether a block stays on one line: it was written on
// one line and holds at most one step, which is on one line too.
func (p *printer) blockInline(b *ast.Block) bool {
	if b == nil {
		return true
	}
	if !p.sameLine(b.At.Start.Offset, b.At.End.Offset) || len(b.Steps) > 1 {
		return false
	}
	return len(b.Steps) == 0 || p.stepInline(b.Steps[0])
}

func (p *printer) stepInline(s ast.Step) bool {
	switch s := s.(type) {
	case *ast.If:
		return p.ifInline(s)
	case *ast.Switch:
		return false
	case *ast.Capture:
		return p.optsInline(s.Var.At.End.Offset, s.Options)
	case *ast.Record:
		return p.optsInline(s.Var.At.End.Offset, s.Options)
	case *ast.MakeCall:
		return s.Outcomes == nil || p.outcomesInline(s.Outcomes)
	case *ast.On:
		return p.blockInline(s.Body)
	case *ast.Campaign:
		return p.optsInline(s.Name.At.End.Offset, s.Options)
	case *ast.Post:
		return p.optsInline(s.URL.At.End.Offset, s.Options)
	case *ast.Callback:
		open, close := p.braces(s.At.End.Offset)
		return p.sameLine(open, close) && len(s.Legs) <= 1
	}
	return true
}

func (p *printer) ifInline(s *ast.If) bool {
	for _, br := range s.Branches {
		if !p.blockInline(br.Body) {
			return false
		}
	}
	return s.Else == nil || p.blockInline(s.Else)
}

func (p *printer) optsInline(after int, opts []*ast.Option) bool {
	open, close := p.braces(after)
	if !p.sameLine(open, close) || len(opts) > 1 {
		return false
	}
	if len(opts) == 1 && opts[0].Body != nil {
		return p.blockInline(opts[0].Body)
	}
	return len(opts) == 0 || !hasBlock(opts[0]) || p.optsInline(optBlockAfter(opts[0]), opts[0].Block)
}

func hasBlock(o *ast.Option) bool { return o.Close.End.Offset > o.Close.Start.Offset }

// optBlockAfter is where to look for the `{` of an option's nested block.
func optBlockAfter(o *ast.Option) int {
	off := o.Name.At.End.Offset
	for _, a := range o.Args {
		off = max(off, a.Span().End.Offset)
	}
	if o.Every != nil {
		off = max(off, o.Every.At.End.Offset)
	}
	if o.Value != nil {
		off = max(off, o.Value.At.End.Offset)
	}
	return off
}

// block prints a block of steps after the text that opens it; indent is
// the indentation of that text.
func (p *printer) block(b *ast.Block, indent int, inline bool) {
	if b == nil {
		return
	}
	if inline || p.inline > 0 {
		p.startInline(len(b.Steps) == 0)
		if len(b.Steps) > 0 {
			p.step(b.Steps[0], indent)
			p.endInline()
		}
		return
	}
	p.open()
	for _, s := range b.Steps {
		p.step(s, indent+1)
	}
	p.close(b.At.End.Offset-1, indent)
}

func (p *printer) step(s ast.Step, indent int) {
	off := s.Span().Start.Offset
	switch s := s.(type) {
	case *ast.Say:
		p.begin(off, indent, "")
		p.text("say ", expr(s.Text))
		mods := []struct {
			word string
			e    *ast.Expr
		}{{"voice", s.Voice}, {"speed", s.Speed}, {"repeat", s.Repeat}, {"language", s.Language}}
		sort.SliceStable(mods, func(i, j int) bool {
			return modOffset(mods[i].e) < modOffset(mods[j].e)
		})
		for _, m := range mods {
			if m.e != nil {
				p.text(" ", m.word, " ", m.e.Text)
			}
		}
	case *ast.Play:
		p.begin(off, indent, "")
		p.text("play ", expr(s.URL))
		if s.Repeat != nil {
			p.text(" repeat ", s.Repeat.Text)
		}
	case *ast.Capture:
		p.begin(off, indent, "")
		p.text("capture ", name(s.Var))
		p.options(s.Options, s.Var.At.End.Offset, indent)
	case *ast.MakeCall:
		p.begin(off, indent, "")
		p.makeCall(s, indent)
	case *ast.Agent:
		p.begin(off, indent, "")
		p.text("agent ", expr(s.ID))
	case *ast.IVR:
		p.begin(off, indent, "")
		p.text("ivr ", expr(s.ID))
	case *ast.Set:
		p.begin(off, indent, "")
		p.text("set ", name(s.Var), " = ", expr(s.Value))
	case *ast.Hangup:
		p.begin(off, indent, "")
		p.text("hangup")
	case *ast.Goto:
		p.begin(off, indent, "")
		p.text("goto ", name(s.Handler))
	case *ast.If:
		p.begin(off, indent, "")
		inline := p.inline > 0 || p.ifInline(s)
		for i, br := range s.Branches {
			if i > 0 {
				p.text(" else ")
			}
			p.text("if ", expr(br.Cond))
			p.block(br.Body, indent, inline)
		}
		if s.Else != nil {
			p.text(" else")
			p.block(s.Else, indent, inline)
		}
	case *ast.Switch:
		p.begin(off, indent, "")
		p.text("switch ", expr(s.Value))
		_, close := p.braces(s.Value.At.End.Offset)
		p.open()
		for _, c := range s.Cases {
			p.begin(c.At.Start.Offset, indent+1, "")
			p.text("case ", exprList(c.Values))
			p.block(c.Body, indent+1, p.blockInline(c.Body))
		}
		if s.Else != nil {
			p.begin(p.wordBefore(s.Else.At.Start.Offset), indent+1, "")
			p.text("else")
			p.block(s.Else, indent+1, p.blockInline(s.Else))
		}
		p.close(close, indent)
	case *ast.Callback:
		p.begin(off, indent, "")
		p.text("callback")
		open, close := p.braces(s.At.End.Offset)
		if p.inline > 0 || p.sameLine(open, close) && len(s.Legs) <= 1 {
			p.startInline(len(s.Legs) == 0)
			if len(s.Legs) > 0 {
				p.leg(s.Legs[0], indent)
				p.endInline()
			}
			return
		}
		p.open()
		for _, l := range s.Legs {
			p.begin(l.At.Start.Offset, indent+1, keyLeg)
			p.leg(l, indent+1)
		}
		p.close(close, indent)
	case *ast.Campaign:
		p.begin(off, indent, "")
		p.text("campaign ", expr(s.Name))
		p.options(s.Options, s.Name.At.End.Offset, indent)
	case *ast.Do:
		p.begin(off, indent, "")
		p.text("do ", name(s.Handler))
	case *ast.Return:
		p.begin(off, indent, "")
		p.text("return")
		if s.Value != nil {
			p.text(" ", expr(s.Value))
		}
	case *ast.On:
		p.begin(off, indent, "")
		p.onBlock(s.Outcome, s.Body, indent)
	case *ast.Post:
		p.begin(off, indent, "")
		p.text("post ", expr(s.URL))
		p.options(s.Options, s.URL.At.End.Offset, indent)
	case *ast.Pause:
		p.begin(off, indent, "")
		p.text("pause ", s.Length.Text)
	case *ast.Record:
		p.begin(off, indent, "")
		p.text("record ", name(s.Var))
		p.options(s.Options, s.Var.At.End.Offset, indent)
	}
}

// onBlock prints `on OUTCOME { … }` on the current line.
func (p *printer) onBlock(outcome *ast.Ident, body *ast.Block, indent int) {
	p.text("on ", name(outcome))
	p.block(body, indent, p.blockInline(body))
}

func modOffset(e *ast.Expr) int {
	if e == nil {
		return 1 << 62
	}
	return e.At.Start.Offset
}

// leg prints `leg A to X from Y` on the current line.
func (p *printer) leg(l *ast.Leg, indent int) {
	p.text("leg ", name(l.Name), " to ", expr(l.To))
	if l.From != nil {
		p.cell("from " + l.From.Text)
	}
}

// options prints the option block of a capture, campaign or contact whose
// `{` is the first at or after the offset after.
func (p *printer) options(opts []*ast.Option, after, indent int) {
	_, close := p.braces(after)
	if p.inline > 0 || p.optsInline(after, opts) {
		p.startInline(len(opts) == 0)
		if len(opts) > 0 {
			p.option(opts[0], indent)
			p.endInline()
		}
		return
	}
	p.open()
	for _, o := range opts {
		p.option(o, indent+1)
	}
	p.close(close, indent)
}

func (p *printer) option(o *ast.Option, indent int) {
	if o.Body != nil { // on OUTCOME { … }: steps, not a value to align
		p.begin(o.At.Start.Offset, indent, "")
		p.onBlock(o.Outcome, o.Body, indent)
		return
	}
	p.begin(o.At.Start.Offset, indent, keyOption)
	p.text(name(o.Name))
	var rest []string
	if len(o.Args) > 0 {
		args := make([]string, 0, len(o.Args))
		for _, a := range o.Args {
			args = append(args, p.arg(a))
		}
		rest = append(rest, strings.Join(args, ", "))
	}
	if o.Value != nil {
		rest = append(rest, o.Value.Text)
	}
	if o.Every != nil {
		rest = append(rest, "every "+o.Every.Text)
	}
	if len(rest) > 0 {
		p.cell(strings.Join(rest, " "))
	}
	if hasBlock(o) {
		p.options(o.Block, optBlockAfter(o), indent)
	}
}

func (p *printer) arg(a ast.Arg) string {
	switch a := a.(type) {
	case *ast.Expr:
		return a.Text
	case *ast.Duration:
		return a.Text
	case *ast.Range:
		return p.slice(a.At.Start.Offset, a.At.End.Offset)
	case *ast.Ident:
		return a.Name
	case *ast.Audio:
		return "play " + a.URL.Text
	}
	return ""
}

func (p *printer) test(t *ast.Test) {
	p.begin(t.At.Start.Offset, 0, "")
	p.text("test ", expr(t.Name))
	open, _ := p.braces(t.Name.At.End.Offset)
	close := t.Close.Start.Offset
	if p.sameLine(open, close) && len(t.Stmts) <= 1 {
		p.startInline(len(t.Stmts) == 0)
		if len(t.Stmts) > 0 {
			p.testStmt(t.Stmts[0], 0)
			p.endInline()
		}
		return
	}
	p.open()
	for _, s := range t.Stmts {
		p.testStmt(s, 1)
	}
	p.close(close, 0)
}

func (p *printer) testStmt(s ast.TestStmt, indent int) {
	p.begin(s.Span().Start.Offset, indent, "")
	switch s := s.(type) {
	case *ast.Call:
		p.text("call ", name(s.Platform), " from ", expr(s.From), " to ", expr(s.To))
		if s.At != nil {
			p.text(" at ", s.At.Text)
		}
		if s.Data != nil {
			p.text(" data ", s.Data.Text)
		}
	case *ast.Given:
		switch {
		case s.Secret:
			p.text("given secret ", name(s.Name), " = ", expr(s.Value))
		case s.Post != nil:
			p.text("given post ", expr(s.Post), " = ", expr(s.Value))
		default:
			p.text("given ", name(s.Name), " = ", expr(s.Value))
		}
	case *ast.Press:
		p.text("press ", expr(s.Digits))
	case *ast.Dial:
		p.text("dial ", name(s.Outcome))
	case *ast.Recorded:
		p.text("recorded ", expr(s.URL))
	case *ast.Expect:
		if s.Var != nil {
			p.text("expect var ", s.Var.Name, " == ")
			if len(s.Args) > 0 {
				p.text(expr(s.Args[0]))
			}
			return
		}
		p.text("expect ", name(s.Kind))
		if s.Post {
			p.text(" post")
		}
		if len(s.Args) > 0 {
			p.text(" ", exprList(s.Args))
		}
		if s.Fields != nil {
			p.text(" ", expr(s.Fields))
		}
		if s.From != nil {
			p.text(" from ", s.From.Text)
		}
		if s.Record {
			p.text(" record")
		}
		for _, l := range s.Legs {
			p.text(" leg ", name(l.Name), " to ", expr(l.To))
			if l.From != nil {
				p.text(" from ", l.From.Text)
			}
		}
	}
}
