package check_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/source"
)

// FuzzCompile runs the whole front end, parser and checker, on any input:
// it never panics, every diagnostic's span lies within a file the compile
// read, and a compile without errors yields a program. Seeds are the
// checker's testdata flows.
func FuzzCompile(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.flow")
	more, _ := filepath.Glob("testdata/*/*.flow")
	for _, p := range append(seeds, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		files := source.Files{}
		prog, ds := lang.CompileFile("f.flow", src, lang.WithSources(files))
		for _, d := range ds {
			sf := files[d.Subject.File]
			if sf == nil {
				t.Fatalf("%v: span in a file the compile did not read", d)
			}
			s := d.Subject
			if s.Start.Line < 1 || s.Start.Offset < 0 || s.End.Offset < s.Start.Offset || s.End.Offset > len(sf.Src) ||
				sf.Pos(s.Start.Offset) != s.Start || sf.Pos(s.End.Offset) != s.End {
				t.Fatalf("%v: span %v..%v is not inside %s (%d bytes)", d, s.Start, s.End, sf.Name, len(sf.Src))
			}
			if d.Summary == "" || d.Hint() == "" {
				t.Fatalf("%v: no summary or no hint", d)
			}
		}
		if !ds.HasErrors() && prog == nil {
			t.Fatalf("no errors and no program:\n%s", ds)
		}
	})
}
