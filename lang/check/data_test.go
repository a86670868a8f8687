package check_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
)

// tableFlow reads the table vips from file; the path literal starts at
// line 6, column 18.
func tableFlow(file string) string {
	return "flow t\n\ntarget tencent\nnumber \"+10000000001\"\n\ntable vips from \"" + file + "\"\n\notherwise -> main\n\nhandler main {\n  set v = caller in vips\n  agent 1\n}\n"
}

// A table reached through a symbolic link that leaves the folder is refused
// like "../" is, at the table's path, and nothing outside is read; a link
// that stays inside is followed.
func TestTableLinkOutsideFolder(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	if err := os.WriteFile(secret, []byte("number,agent\n+8613000000001,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	links := map[string]string{
		"abs.csv":    secret,                                                    // absolute
		"rel.csv":    filepath.Join("..", filepath.Base(outside), "secret.csv"), // climbs out
		"out":        outside,                                                   // a folder link, then a file in it
		"inside.csv": filepath.Join("data", "vips.csv"),
	}
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "vips.csv"), []byte("number,agent\n+8613000000002,6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	// rel.csv climbs out of dir into its sibling: put dir and outside side
	// by side.
	if filepath.Dir(dir) != filepath.Dir(outside) {
		t.Fatalf("temp folders %s and %s are not siblings", dir, outside)
	}
	for _, tc := range []struct{ table, link string }{
		{"abs.csv", "abs.csv"},
		{"rel.csv", "rel.csv"},
		{"out/secret.csv", "out"},
	} {
		fsys := os.DirFS(dir)
		if err := os.WriteFile(filepath.Join(dir, "t.flow"), []byte(tableFlow(tc.table)), 0o644); err != nil {
			t.Fatal(err)
		}
		prog, ds := lang.CompileFiles(fsys, []string{"t.flow"})
		if prog != nil || len(ds) != 1 {
			t.Fatalf("%s: program %v, diagnostics %v; want one error", tc.table, prog != nil, ds)
		}
		d := ds[0]
		if d.Code != diag.BadTable || d.Subject.File != "t.flow" || d.Subject.Start.Line != 6 || d.Subject.Start.Col != 17 ||
			!strings.Contains(d.Summary, "leads outside the folder") || !strings.Contains(d.Summary, tc.link+" is a symbolic link") {
			t.Errorf("%s: %s at %s:%d:%d %q; want bad-table at t.flow:6:17 naming the link %s", tc.table, d.Code,
				d.Subject.File, d.Subject.Start.Line, d.Subject.Start.Col, d.Summary, tc.link)
		}
	}

	if err := os.WriteFile(filepath.Join(dir, "t.flow"), []byte(tableFlow("inside.csv")), 0o644); err != nil {
		t.Fatal(err)
	}
	if prog, ds := lang.CompileFiles(os.DirFS(dir), []string{"t.flow"}); prog == nil {
		t.Errorf("a link inside the folder is refused: %v", ds)
	}
}
