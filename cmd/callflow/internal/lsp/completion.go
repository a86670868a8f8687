package lsp

import (
	"context"
	"slices"
	"strings"

	plexer "github.com/alecthomas/participle/v2/lexer"
	"go.lsp.dev/protocol"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
)

// declWords start a top-level declaration.
var declWords = []string{"target", "number", "voice", "speed", "const", "table", "lookup", "hours", "when", "otherwise", "handler", "test"}

// testWords start a statement of a test block.
var testWords = []string{"call", "given", "press", "expect", "dial", "recorded"}

// Completion offers what may be written at the cursor: declarations at the
// top level, the steps the file's targets support in a handler, option
// words in capture, campaign and contact blocks, handler names after goto,
// do and ->, platforms after target and call, what a test may expect after
// expect, and names and functions in expressions and ${…}.
func (s *server) Completion(ctx context.Context, p *protocol.CompletionParams) (protocol.CompletionResult, error) {
	items := protocol.CompletionItemSlice{}
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return items, nil
	}
	c := completionContext(d.file.Src, s.offset(d.file, p.Position))
	a := s.understood(d)
	switch c.what {
	case wantDecl:
		items = keywordItems(declWords, nil)
	case wantStep:
		items = s.stepItems(a)
	case wantOption:
		for _, o := range check.OptionWords(c.block) {
			items = append(items, protocol.CompletionItem{Label: o.Name, Kind: protocol.CompletionItemKindProperty,
				Detail: protocol.NewOptional(optionMeaning[c.block][o.Name])})
		}
	case wantCase:
		items = keywordItems([]string{"case", "else"}, nil)
	case wantTest:
		items = keywordItems(testWords, nil)
	case wantExpect:
		items = keywordItems(check.ExpectWords(), nil)
	case wantPostURL:
		items = s.postURLItems(a, d.file, c.from, s.offset(d.file, p.Position))
	case wantHandler:
		items = nameItems(a, func(k nameKind) bool { return k == kindHandler })
	case wantPlatform:
		for _, name := range platform.Names() {
			items = append(items, protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindEnumMember})
		}
	case wantExpr:
		items = append(nameItems(a, func(k nameKind) bool { return k != kindHandler }), functionItems()...)
	}
	return items, nil
}

func keywordItems(words []string, meaning map[string]string) protocol.CompletionItemSlice {
	out := protocol.CompletionItemSlice{}
	for _, w := range words {
		it := protocol.CompletionItem{Label: w, Kind: protocol.CompletionItemKindKeyword}
		if m := meaning[w]; m != "" {
			it.Detail = protocol.NewOptional(m)
		}
		out = append(out, it)
	}
	return out
}

// stepItems are the steps every target of the flow supports, in the
// order lang/platform declares them.
func (s *server) stepItems(a *analysis) protocol.CompletionItemSlice {
	ts := targets(a)
	var words []string
	for _, p := range platform.All() {
		for _, st := range p.Steps {
			if slices.Contains(words, string(st)) || slices.ContainsFunc(ts, func(p *platform.Platform) bool { return !p.Supports(st) }) {
				continue
			}
			words = append(words, string(st))
		}
	}
	return keywordItems(words, stepMeaning)
}

// nameItems are the declared names and variables of the flow that keep.
func nameItems(a *analysis, keep func(nameKind) bool) protocol.CompletionItemSlice {
	out := protocol.CompletionItemSlice{}
	seen := map[string]bool{}
	add := func(name string, k nameKind) {
		if seen[name] || !keep(k) {
			return
		}
		seen[name] = true
		out = append(out, protocol.CompletionItem{Label: name, Kind: itemKind(k), Detail: protocol.NewOptional(k.String())})
	}
	for _, o := range a.namesOf().occs {
		if o.def {
			add(o.name, o.kind)
		}
	}
	for _, b := range exprs.BuiltinNames {
		add(b, kindBuiltin)
	}
	return out
}

func itemKind(k nameKind) protocol.CompletionItemKind {
	switch k {
	case kindHandler, kindLookup:
		return protocol.CompletionItemKindFunction
	case kindConst:
		return protocol.CompletionItemKindConstant
	case kindTable:
		return protocol.CompletionItemKindStruct
	case kindHours:
		return protocol.CompletionItemKindEvent
	}
	return protocol.CompletionItemKindVariable
}

// functionItems are the functions an expression may call, with signatures.
func functionItems() protocol.CompletionItemSlice {
	out := protocol.CompletionItemSlice{}
	for _, name := range exprs.FunctionNames {
		detail := functionSignature[name]
		if detail == "" {
			detail = name + "(…) — expr-lang built-in"
		}
		out = append(out, protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindFunction, Detail: protocol.NewOptional(detail)})
	}
	return out
}

// want is what kind of word the cursor's position takes.
type want uint8

const (
	wantNothing want = iota
	wantDecl
	wantStep
	wantOption
	wantCase
	wantTest
	wantExpect  // the word after expect
	wantPostURL // the URL being written after given post or expect post
	wantHandler
	wantPlatform
	wantExpr
)

type cursorContext struct {
	what  want
	block string // the option block, for wantOption
	from  int    // where the string being written starts, after its quote, for wantPostURL
}

// completionContext reads the tokens before off: the blocks they open and
// the words already on the statement.
func completionContext(src []byte, off int) cursorContext {
	off = max(0, min(off, len(src)))
	toks, err := lexer.Tokens("", src[:off])
	lexedTo := off
	open := -1 // where a string left open at the cursor starts, after its quote
	if err != nil {
		lexedTo = 0
		if len(toks) > 0 {
			last := toks[len(toks)-1]
			lexedTo = last.Pos.Offset + len(last.Value)
		}
		rest := string(src[lexedTo:off])
		if strings.Contains(rest, "${") {
			return cursorContext{what: wantExpr}
		}
		if t := strings.TrimLeft(rest, " \t"); strings.HasPrefix(t, `"`) && !strings.ContainsAny(t[1:], "\"\n") {
			open = off - len(t) + 1
		}
	}
	var blocks []string
	var stmt []plexer.Token // the tokens of the statement the cursor is in
	for _, t := range toks {
		switch {
		case t.Type == lexer.EOF, t.Type == lexer.Comment:
			continue
		case t.Type == lexer.Newline, isPunct(t, ";"):
			stmt = stmt[:0]
			continue
		case isPunct(t, "{"):
			blocks = append(blocks, blockWord(stmt))
			stmt = stmt[:0]
			continue
		case isPunct(t, "}"):
			if len(blocks) > 0 {
				blocks = blocks[:len(blocks)-1]
			}
			stmt = stmt[:0]
			continue
		}
		stmt = append(stmt, t)
	}
	if open >= 0 {
		if n := len(stmt); n == 2 && (stmt[0].Value == "given" || stmt[0].Value == "expect") && stmt[1].Value == "post" {
			return cursorContext{what: wantPostURL, from: open}
		}
		return cursorContext{what: wantNothing}
	}
	// The word being typed is not context.
	if n := len(stmt); n > 0 && stmt[n-1].Type == lexer.Ident && stmt[n-1].Pos.Offset+len(stmt[n-1].Value) == off {
		stmt = stmt[:n-1]
	}
	return contextOf(blocks, stmt)
}

// blockWord is the word a block is opened by: handler, capture, case, ….
func blockWord(stmt []plexer.Token) string {
	for _, t := range stmt {
		if t.Type == lexer.Ident && lexer.IsKeyword(t.Value) {
			return t.Value
		}
	}
	return ""
}

func contextOf(blocks []string, stmt []plexer.Token) cursorContext {
	inner := ""
	if len(blocks) > 0 {
		inner = blocks[len(blocks)-1]
	}
	if len(stmt) == 0 {
		switch inner {
		case "":
			return cursorContext{what: wantDecl}
		case "capture", "campaign", "contact", "post", "lookup", "record":
			return cursorContext{what: wantOption, block: inner}
		case "switch":
			return cursorContext{what: wantCase}
		case "test":
			return cursorContext{what: wantTest}
		case "callback":
			return cursorContext{what: wantNothing}
		}
		return cursorContext{what: wantStep}
	}
	last := stmt[len(stmt)-1]
	switch {
	case last.Value == "goto" || last.Value == "do" || isPunct(last, "->"):
		return cursorContext{what: wantHandler}
	case stmt[0].Value == "target" || last.Value == "call":
		return cursorContext{what: wantPlatform}
	case inner == "test" && len(stmt) == 1 && last.Value == "expect":
		return cursorContext{what: wantExpect}
	}
	return cursorContext{what: wantExpr}
}

// postURLItems are the URLs the flow's posts send to, for the string a
// test's given post or expect post is writing from from to the cursor at:
// each replaces what is typed so far (a URL is no word an editor would
// split it into). A URL with ${…} is offered up to it.
func (s *server) postURLItems(a *analysis, f *source.File, from, at int) protocol.CompletionItemSlice {
	items := protocol.CompletionItemSlice{}
	if a.flow == nil || a.flow.Unit == nil || a.flow.Unit.Main == nil {
		return items
	}
	var srcs []string
	ast.Inspect(a.flow.Unit.Main, func(n ast.Node) bool {
		if p, ok := n.(*ast.Post); ok && p.URL != nil {
			srcs = append(srcs, p.URL.Text)
		}
		return true
	})
	exact, prefixes := ast.URLPrefixes(srcs)
	seen := map[string]bool{"": true}
	for _, u := range append(exact, prefixes...) {
		if seen[u] {
			continue
		}
		seen[u] = true
		edit := &protocol.TextEdit{Range: s.rangeOf(f, from, at), NewText: u}
		items = append(items, protocol.CompletionItem{Label: u, Kind: protocol.CompletionItemKindValue,
			Detail: protocol.NewOptional("a post of the flow"), TextEdit: edit, FilterText: protocol.NewOptional(u)})
	}
	return items
}
