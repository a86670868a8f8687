package diag

import (
	"slices"
	"strings"
	"testing"
)

// TestLineHashes checks lineHashes against the expectations of
// github/codeql-action's own tests of the algorithm (src/fingerprints.test.ts),
// so the values callflow writes are the ones the upload action computes.
func TestLineHashes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{"c129715d7a2bc9a3:1"}},
		{" a\nb\n  \t\tc\n d", []string{
			"271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1",
		}},
		{" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End", []string{
			"8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1",
			"c6805c5e1288b612:1", "b86d3392aea1be30:1", "e6ceba753e1a442:1",
		}},
		{" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", endsWithBreak},
		{" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", endsWithBreak},
		{" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", endsWithBreak},
		{" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", endsWithBreak},
		{strings.Repeat("Lorem ipsum dolor sit amet.\n", 10), []string{
			"a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3",
			"a7f2ff13bc495cf2:4", "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6",
			"a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1",
			"cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1",
		}},
	}
	for _, tt := range tests {
		if got := lineHashes([]byte(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("lineHashes(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
}

var endsWithBreak = []string{
	"e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
	"e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
	"c129715d7a2bc9a3:1",
}

// TestLineHashesUnicode: JavaScript strings are UTF-16, so a character
// beyond the Basic Multilingual Plane is two units to the upload action and
// a byte-order mark is a character; invalid UTF-8, which the action's decoder
// repairs its own way, gets no hashes. The expected values come from running
// fingerprints.ts's hash on the same bytes under Node.
func TestLineHashesUnicode(t *testing.T) {
	src := "flow a\n  say \"😀 Xin chào 您好\"\n\uFEFFx\n"
	want := []string{"5fb233dbcb52a251:1", "c0d5786b654df3fe:1", "51bfbc6e89697e4c:1", "c129715d7a2bc9a3:1"}
	if got := lineHashes([]byte(src)); !slices.Equal(got, want) {
		t.Errorf("lineHashes(%q) = %q, want %q", src, got, want)
	}
	if got := lineHashes([]byte("flow a\n\xff\n")); got != nil {
		t.Errorf("invalid UTF-8 hashed: %q", got)
	}
}
