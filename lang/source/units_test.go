package source_test

import (
	"testing"

	"github.com/callflow/callflow/lang/source"
)

// The same text seen by an editor counting UTF-16 code units, one counting
// bytes and one counting characters: each must land on the same character.
func TestPointAndOffsetInEachUnit(t *testing.T) {
	src := "flow a\n" +
		"say \"你好 ${name}\"\n" + // Chinese: 3 bytes, 1 UTF-16 unit each
		"say \"Xin chào Việt Nam\"\r\n" + // Vietnamese: precomposed, 2 or 3 bytes
		"say \"😀 ok\" # 🎉\n" + // emoji: 4 bytes, 2 UTF-16 units
		"end"
	f := source.NewFile("u.flow", []byte(src))
	cases := []struct {
		name   string
		offset int // byte offset of the character named
		utf16  source.Point
		utf8   source.Point
		runes  source.Point
	}{
		{"start", 0, source.Point{0, 0}, source.Point{0, 0}, source.Point{0, 0}},
		{"${ after Chinese", len("flow a\nsay \"你好 "), source.Point{1, 8}, source.Point{1, 12}, source.Point{1, 8}},
		{"N of Nam", len("flow a\nsay \"你好 ${name}\"\nsay \"Xin chào Việt "), source.Point{2, 19}, source.Point{2, 22}, source.Point{2, 19}},
		{"\\r at line end", len("flow a\nsay \"你好 ${name}\"\nsay \"Xin chào Việt Nam\""), source.Point{2, 23}, source.Point{2, 26}, source.Point{2, 23}},
		{"o after emoji", len("flow a\nsay \"你好 ${name}\"\nsay \"Xin chào Việt Nam\"\r\nsay \"😀 "), source.Point{3, 8}, source.Point{3, 10}, source.Point{3, 7}},
		{"second emoji", len("flow a\nsay \"你好 ${name}\"\nsay \"Xin chào Việt Nam\"\r\nsay \"😀 ok\" # "), source.Point{3, 14}, source.Point{3, 16}, source.Point{3, 13}},
		{"last line", len(src) - 1, source.Point{4, 2}, source.Point{4, 2}, source.Point{4, 2}},
		{"end of file", len(src), source.Point{4, 3}, source.Point{4, 3}, source.Point{4, 3}},
	}
	for _, c := range cases {
		for _, u := range []struct {
			unit source.Unit
			want source.Point
		}{{source.UTF16, c.utf16}, {source.UTF8, c.utf8}, {source.Runes, c.runes}} {
			if got := f.Point(c.offset, u.unit); got != u.want {
				t.Errorf("%s: Point(%d, %s) = %v, want %v", c.name, c.offset, u.unit, got, u.want)
			}
			if got := f.Offset(u.want, u.unit); got != c.offset {
				t.Errorf("%s: Offset(%v, %s) = %d, want %d", c.name, u.want, u.unit, got, c.offset)
			}
		}
	}
}

// Positions an editor may send that name no character: inside a surrogate
// pair or a multi-byte character, past the end of a line or of the file.
func TestOffsetClampsPositionsThatNameNoCharacter(t *testing.T) {
	src := "a😀b\n中\n"
	f := source.NewFile("c.flow", []byte(src))
	emoji := len("a")
	cases := []struct {
		name string
		p    source.Point
		u    source.Unit
		want int
	}{
		{"half a surrogate pair", source.Point{0, 2}, source.UTF16, emoji},
		{"inside a 4-byte character", source.Point{0, 3}, source.UTF8, emoji},
		{"past the line end", source.Point{1, 99}, source.UTF16, len("a😀b\n中")},
		{"past the line end in bytes", source.Point{0, 99}, source.UTF8, len("a😀b")},
		{"past the last line", source.Point{7, 0}, source.UTF16, len(src)},
		{"negative line", source.Point{-1, 5}, source.UTF16, 0},
		{"negative column", source.Point{1, -3}, source.Runes, len("a😀b\n")},
	}
	for _, c := range cases {
		if got := f.Offset(c.p, c.u); got != c.want {
			t.Errorf("%s: Offset(%v, %s) = %d, want %d", c.name, c.p, c.u, got, c.want)
		}
	}
	if got, want := f.Point(emoji+2, source.UTF16), (source.Point{0, 1}); got != want {
		t.Errorf("an offset inside the emoji: Point = %v, want the emoji's start %v", got, want)
	}
	if got, want := f.Point(-4, source.UTF16), (source.Point{0, 0}); got != want {
		t.Errorf("a negative offset: Point = %v, want %v", got, want)
	}
	if got, want := f.Point(1000, source.UTF16), (source.Point{2, 0}); got != want {
		t.Errorf("an offset past the end: Point = %v, want %v", got, want)
	}
}

// Bytes that are not UTF-8 count one unit each, both ways.
func TestInvalidUTF8CountsOneUnitPerByte(t *testing.T) {
	f := source.NewFile("b.flow", []byte("a\xff\xfeb"))
	if got := f.Point(3, source.UTF16); got != (source.Point{0, 3}) {
		t.Errorf("Point = %v, want {0 3}", got)
	}
	if got := f.Offset(source.Point{0, 3}, source.UTF16); got != 3 {
		t.Errorf("Offset = %d, want 3", got)
	}
}
