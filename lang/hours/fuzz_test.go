package hours

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks that Parse never panics, that an error's span lies inside
// the string it names (the compiler slices the literal with it), and that a
// schedule's canonical form parses back to the same windows.
func FuzzParse(f *testing.F) {
	f.Add("Mon-Fri 09:00-18:00", "Asia/Shanghai", "2026-10-01..2026-10-07")
	f.Add("Sat 10:00-14:00, Sun 10:00-12:00", "Europe/London", "2026-12-25|2026-12-31..2027-01-01")
	f.Add("Fri 22:00-02:00", "America/New_York", "")
	f.Add("daily 00:00-24:00", "UTC", " 2026-02-30 ")
	f.Add(" fri-MON 9:00 - 7:30 ,", "Asia/Shangai", "..")
	f.Add("Mön 24:30-25:61", "asia/shanghai", "2026-13-01..2026-01-01")
	f.Fuzz(func(t *testing.T, spec, tz, except string) {
		var entries []string
		if except != "" {
			entries = strings.Split(except, "|")
		}
		s, err := Parse(spec, tz, entries)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T, want *Error", err)
			}
			var in string
			switch e.Part {
			case PartSpec:
				in = spec
			case PartTZ:
				in = tz
			case PartExcept:
				if e.Index < 0 || e.Index >= len(entries) {
					t.Fatalf("except index %d of %d entries", e.Index, len(entries))
				}
				in = entries[e.Index]
			default:
				t.Fatalf("unknown part %q", e.Part)
			}
			if e.Offset < 0 || e.Len < 0 || e.Offset+e.Len > len(in) {
				t.Fatalf("span [%d,+%d) outside %q: %v", e.Offset, e.Len, in, err)
			}
			if e.Msg == "" {
				t.Fatal("empty message")
			}
			return
		}
		again, err := Parse(s.String(), tz, entries)
		if err != nil {
			t.Fatalf("canonical %q does not parse: %v", s, err)
		}
		if again.String() != s.String() || again.spill != s.spill ||
			!cmp.Equal(again.own, s.own, cmp.AllowUnexported(window{})) {
			t.Fatalf("canonical %q parses differently from %q", s, spec)
		}
		s.Open(time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC))
	})
}
