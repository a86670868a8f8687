package parser

import (
	"bytes"
	"unicode/utf8"

	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/lexer"
	"github.com/callflow/callflow/lang/source"
)

// Limits on input, enforced before participle sees it: its recursive descent
// has no depth limit and a deep enough file overflows the goroutine stack, a
// fatal error recover cannot catch.
const (
	MaxFileSize = 1 << 20 // bytes
	MaxDepth    = 64      // nested blocks and brackets
)

// checkBytes rejects input that is not a text file the lexer should see.
func checkBytes(f *source.File) *diag.Diagnostic {
	src := f.Src
	if len(src) > MaxFileSize {
		return diag.Errorf(diag.FileTooLarge, f.Span(0, 0), "file is %d bytes, over the 1 MiB limit", len(src)).
			Do("Split the flow into several files; one flow file may hold at most %d bytes.", MaxFileSize)
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return diag.Errorf(diag.BadEncoding, f.Span(i, i+1), "binary file: NUL byte at offset %d", i).
			Do("A .flow file is UTF-8 text; check that the path names the flow and not another file.")
	}
	if !utf8.Valid(src) {
		i := firstInvalid(src)
		return diag.Errorf(diag.BadEncoding, f.Span(i, i+1), "file is not valid UTF-8: byte 0x%02x at offset %d", src[i], i).
			Do("Save the file as UTF-8.")
	}
	return nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// checkTokens rejects a file with no statement, and one nested too deeply
// for participle's recursion. toks are balanced.
func checkTokens(f *source.File, toks []plexer.Token) *diag.Diagnostic {
	depth := 0
	empty := true
	for _, t := range toks {
		switch t.Type {
		case lexer.Comment, lexer.Newline, lexer.EOF:
			continue
		}
		switch {
		case opens(t):
			if depth++; depth > MaxDepth {
				return diag.Errorf(diag.TooDeep, span(f, t), "nesting deeper than %d", MaxDepth).
					Do("Flatten the nesting: move inner blocks into handlers and use goto.")
			}
		case closes(t):
			depth--
		}
		empty = false
	}
	if empty {
		return diag.Errorf(diag.EmptyFile, f.Span(0, 0), "file holds no flow").
			Do("Start the file with `flow NAME`, then rules and handlers.")
	}
	return nil
}

// span is the exact span of a token.
func span(f *source.File, t plexer.Token) source.Span {
	return f.Span(t.Pos.Offset, t.Pos.Offset+len(t.Value))
}
