package lexer_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/lang/lexer"
)

// relexEdits are edits of a flow, each applied to the version before:
// some move the rest of the file, some leave lines that do not lex.
var relexEdits = []struct{ old, new string }{
	{"flow ", "flow  "},
	{"\nhandler ", "\n\nhandler "},
	{"\n\nhandler ", "\nhandler "},
	{`say "`, `say "unterminated` + "\n" + `say "`},
	{`say "unterminated` + "\n", ""},
	{"\n", "\n`raw\nstring\n"},
	{"`raw\n", "`raw`\n"},
	{"hangup", "hangup §"},
	{"hangup §", "hangup"},
}

// TestRelexGivesTokensAll checks that lexing each version from the one
// before gives exactly what TokensAll gives, and that the reused tokens
// hold no part of the old text.
func TestRelexGivesTokensAll(t *testing.T) {
	src := read(t, "../../flows/support.flow")
	prev := lexer.Relex("f.flow", []byte(src), nil)
	for _, e := range relexEdits {
		if !strings.Contains(src, e.old) {
			t.Fatalf("%q is not in the flow", e.old)
		}
		src = strings.Replace(src, e.old, e.new, 1)
		prev = sameAsTokensAll(t, src, prev)
	}
}

func sameAsTokensAll(t *testing.T, src string, prev *lexer.Lexed) *lexer.Lexed {
	t.Helper()
	b := []byte(src)
	got := lexer.Relex("f.flow", b, prev)
	toks, errs := lexer.TokensAll("f.flow", b)
	if !reflect.DeepEqual(got.Toks, toks) || !reflect.DeepEqual(got.Errs, errs) {
		t.Fatalf("Relex differs from TokensAll (-TokensAll +Relex):\n%s%s", cmp.Diff(toks, got.Toks), cmp.Diff(errs, got.Errs, cmp.Comparer(func(a, b error) bool { return reflect.DeepEqual(a, b) })))
	}
	for _, tk := range got.Toks {
		if tk.Value != "" && tk.Value != "\n" && !inside(got, unsafe.StringData(tk.Value)) {
			t.Fatalf("token %q at %d holds text of another version", tk.Value, tk.Pos.Offset)
		}
	}
	return got
}

// inside reports whether p points into the text the tokens of l are sliced from.
func inside(l *lexer.Lexed, p *byte) bool {
	text := lexer.TextOf(l)
	start := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	return uintptr(unsafe.Pointer(p)) >= start && uintptr(unsafe.Pointer(p)) < start+uintptr(len(text))
}

func read(t testing.TB, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzRelex checks, for any source and any edit of it, that Relex from the
// source's lexing gives exactly what TokensAll gives for the edited one.
func FuzzRelex(f *testing.F) {
	seeds, _ := filepath.Glob("../../flows/*.flow")
	for i, p := range seeds {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src, uint16(i*53), uint8(i%4), "\n")
		}
	}
	f.Add([]byte("a\n`raw\nb` \"x\n§\nc\n"), uint16(3), uint8(1), "`")
	f.Fuzz(func(t *testing.T, src []byte, at uint16, cut uint8, insert string) {
		if len(src) > 1<<14 || len(insert) > 64 {
			return // an edit is a keystroke or a paste; size is FuzzLexer's
		}
		prev := lexer.Relex("f.flow", src, nil)
		pos := int(at) % (len(src) + 1)
		end := min(len(src), pos+int(cut))
		next := string(src[:pos]) + insert + string(src[end:])
		sameAsTokensAll(t, next, prev)
	})
}
