package phone

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPattern(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		// Asterisk's classic North American examples.
		{"_NXXNXXXXXX", []string{"2125551234", "9999999999"},
			[]string{"1125551234", "2121551234", "2120551234", "212555123", "21255512345", ""}},
		{"_1NXXNXXXXXX", []string{"12125551234"}, []string{"2125551234", "11125551234", "121255512345"}},
		// '.' needs at least one more character; '!' needs none.
		{"_9.", []string{"91", "9123456", "9+", "9#"}, []string{"9", "8123", ""}},
		{"_[2-4]X!", []string{"20", "45", "39999", "20#"}, []string{"2", "2#", "15", "55", "x5", ""}},
		{"_!", []string{"", "1", "+8412"}, nil},
		{"_.", []string{"1", "+8412"}, []string{""}},
		// '+' and the digits after the '_' are literal.
		{"_+861XXXXXXXXXX", []string{"+8613066668888"}, []string{"8613066668888", "+861306666888", "+86130666688881", "+8623066668888"}},
		{"_+861XXXXXXXXX", []string{"+861306666888"}, []string{"+8613066668888"}},
		{"_+84[35789]XXXXXXXX", []string{"+84988888888", "+84388888888"}, []string{"+84288888888", "+8498888888"}},
		// Letters are case-insensitive.
		{"_nxxnxxxxxx", []string{"2125551234"}, []string{"1125551234"}},
		{"_1nXxNxXxXxX", []string{"12125551234"}, []string{"12121551234"}},
		{"_z", []string{"1", "9"}, []string{"0", "z", "Z"}},
		{"_Z", []string{"1", "9"}, []string{"0"}},
		{"_N", []string{"2", "9"}, []string{"0", "1"}},
		{"_X", []string{"0", "9"}, []string{"a", "X", "x", "", "00"}},
		// Sets.
		{"_[137]", []string{"1", "3", "7"}, []string{"2", "0", "13", ""}},
		{"_[1-37-9]", []string{"1", "2", "3", "7", "8", "9"}, []string{"0", "4", "5", "6", "-"}},
		{"_[-5]", []string{"-", "5"}, []string{"4"}},
		{"_[5-]", []string{"-", "5"}, []string{"4"}},
		{"_[*#]X", []string{"*1", "#1"}, []string{"11"}},
		{"_[xX]", []string{"x", "X"}, []string{"1"}}, // letters in a set are literal
		// Other characters after '_' are literal, including '-' and '_'.
		{"_*98", []string{"*98"}, []string{"98", "*981"}},
		{"_NXX-XXXX", []string{"555-0100"}, []string{"5550100"}},
		{"__X", []string{"_1"}, []string{"1"}},
		// Without '_' a pattern is a literal: nothing in it is special.
		{"100", []string{"100"}, []string{"1000", "10", "_100"}},
		{"9.", []string{"9."}, []string{"91"}},
		{"NXX", []string{"NXX"}, []string{"212", "nxx"}},
		{"+84988888888", []string{"+84988888888"}, []string{"84988888888"}},
		// A malformed pattern matches nothing.
		{"", nil, []string{"", "1"}},
		{"_", nil, []string{"", "_"}},
		{"_[12", nil, []string{"1", "[12"}},
		{"_9.1", nil, []string{"9", "91", "921"}},
		{"_X[]", nil, []string{"1", "1[]"}},
		{"_[9-0]", nil, []string{"5", "0"}},
	}
	for _, tt := range tests {
		pat, err := CompilePattern(tt.pattern)
		for _, n := range tt.match {
			if !Pattern(n, tt.pattern) {
				t.Errorf("Pattern(%q, %q) = false, want true", n, tt.pattern)
			}
			if err != nil || !pat.Match(n) {
				t.Errorf("CompilePattern(%q).Match(%q) = false (err %v), want true", tt.pattern, n, err)
			}
		}
		for _, n := range tt.noMatch {
			if Pattern(n, tt.pattern) {
				t.Errorf("Pattern(%q, %q) = true, want false", n, tt.pattern)
			}
			if err == nil && pat.Match(n) {
				t.Errorf("CompilePattern(%q).Match(%q) = true, want false", tt.pattern, n)
			}
		}
	}
}

func TestCompilePatternErrors(t *testing.T) {
	tests := []struct {
		pattern string
		offset  int
		msg     string
	}{
		{"", 0, "empty pattern"},
		{"_", 1, "empty pattern after _"},
		{"_[", 1, "unclosed ["},
		{"_[12", 1, "unclosed ["},
		{"_XX[1-3", 3, "unclosed ["},
		{"_[]", 1, "empty set []"},
		{"_NXX[]X", 4, "empty set []"},
		{"_9.1", 2, "wildcard must be the last character"},
		{"_9..", 2, "wildcard must be the last character"},
		{"_!X", 1, "wildcard must be the last character"},
		{"_X.[1-2]", 2, "wildcard must be the last character"},
		{"_X[5-1]", 3, "range start is after range end"},
		{"_[1-37-2]", 5, "range start is after range end"},
		{"_[1é]", 3, "non-ASCII character in set"},
		{"_X[12]X[", 7, "unclosed ["}, // the first error is reported
		{"_[1-]]", 0, ""},             // valid: [1-] then a literal ']'
		{"_[-]", 0, ""},
		{"_9.", 0, ""},
		{"_[2-4]X!", 0, ""},
		{"_é", 0, ""},  // literal outside a set, matched byte by byte
		{"9.1", 0, ""}, // a literal pattern is never malformed
		{"[", 0, ""},
	}
	for _, tt := range tests {
		pat, err := CompilePattern(tt.pattern)
		if tt.msg == "" {
			if err != nil || pat == nil || pat.String() != tt.pattern {
				t.Errorf("CompilePattern(%q) = %v, %v; want it to compile", tt.pattern, pat, err)
			}
			continue
		}
		var pe *PatternError
		if !errors.As(err, &pe) {
			t.Errorf("CompilePattern(%q) error = %v (%T), want *PatternError", tt.pattern, err, err)
			continue
		}
		if pat != nil {
			t.Errorf("CompilePattern(%q) returned a pattern with its error", tt.pattern)
		}
		if pe.Offset != tt.offset || pe.Msg != tt.msg {
			t.Errorf("CompilePattern(%q) = {%d, %q}, want {%d, %q}", tt.pattern, pe.Offset, pe.Msg, tt.offset, tt.msg)
		}
	}
	_, err := CompilePattern("_9.1")
	if got, want := err.Error(), "pattern offset 2: wildcard must be the last character"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestPatternMatchesUTF8Bytewise(t *testing.T) {
	if !Pattern("é1", "_éX") || Pattern("e1", "_éX") || !Pattern("é", "_.") {
		t.Error("literal UTF-8 in a pattern should match itself byte by byte")
	}
}

func TestPatternAllocs(t *testing.T) {
	pat, _ := CompilePattern("_+84[35789]XXXXXXXX")
	if n := testing.AllocsPerRun(100, func() {
		Pattern("+84988888888", "_+84[35789]XXXXXXXX")
		Pattern("+84988888888", "_[") // the error path too
		pat.Match("+84988888888")
	}); n != 0 {
		t.Errorf("Pattern allocates %v times per run, want 0", n)
	}
}

func BenchmarkPattern(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Pattern("+8613066668888", "_+861XXXXXXXXXX")
		Pattern("2125551234", "_NXXNXXXXXX")
		Pattern("+84988888888", "_+84[35789]XXXXXXXX")
		Pattern("91234567", "_9.")
	}
}

func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{
		{"+8613066668888", "_+861XXXXXXXXXX"},
		{"2125551234", "_NXXNXXXXXX"},
		{"12125551234", "_1NXXNXXXXXX"},
		{"91", "_9."},
		{"25999", "_[2-4]X!"},
		{"5", "_[1-37-9]"},
		{"100", "100"},
		{"", "_!"},
		{"1", "_[12"},
		{"91", "_9.1"},
		{"-", "_[-5]"},
		{"é", "_[é]"},
		{"1", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, number, pattern string) {
		got := Pattern(number, pattern)
		pat, err := CompilePattern(pattern)
		if err != nil {
			var pe *PatternError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(pattern) || pe.Msg == "" {
				t.Fatalf("CompilePattern(%q) = %#v, want a *PatternError inside the pattern", pattern, err)
			}
			if got {
				t.Fatalf("Pattern(%q, %q) = true for a malformed pattern", number, pattern)
			}
			return
		}
		if m := pat.Match(number); m != got {
			t.Fatalf("Pattern(%q, %q) = %v but Pat.Match = %v", number, pattern, got, m)
		}
		if isASCII(number) && isASCII(pattern) {
			if want := patternRegexp(t, pattern).MatchString(number); got != want {
				t.Fatalf("Pattern(%q, %q) = %v, regexp oracle says %v", number, pattern, got, want)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// patternRegexp translates a valid ASCII pattern into an equivalent regexp,
// written from the pattern grammar rather than from the matcher, so the
// fuzzer can compare the two.
func patternRegexp(t *testing.T, pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	if pattern[0] != '_' {
		b.WriteString(regexp.QuoteMeta(pattern))
	} else {
		for i := 1; i < len(pattern); i++ {
			switch c := pattern[i]; c {
			case 'X', 'x':
				b.WriteString(`[0-9]`)
			case 'Z', 'z':
				b.WriteString(`[1-9]`)
			case 'N', 'n':
				b.WriteString(`[2-9]`)
			case '.':
				b.WriteString(`.+`)
			case '!':
				b.WriteString(`.*`)
			case '[':
				end := i + strings.IndexByte(pattern[i:], ']')
				set := pattern[i+1 : end]
				b.WriteString(`[`)
				for k := 0; k < len(set); k++ {
					if k+2 < len(set) && set[k+1] == '-' {
						b.WriteString(`\x{` + hex(set[k]) + `}-\x{` + hex(set[k+2]) + `}`)
						k += 2
					} else {
						b.WriteString(`\x{` + hex(set[k]) + `}`)
					}
				}
				b.WriteString(`]`)
				i = end
			default:
				b.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		t.Fatalf("oracle for %q: %v", pattern, err)
	}
	return re
}

func hex(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
