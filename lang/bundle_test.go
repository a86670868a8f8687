package lang_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/bundle"
	"github.com/callflow/callflow/lang/ir"
)

// menuFS is a flow with a test file and a table in a folder below it.
func menuFS() fstest.MapFS {
	return fstest.MapFS{
		"sales/menu.flow":      {Data: []byte("flow menu\n\ntarget tencent\nnumber \"+8675500000001\"\n\ntable vips from \"data/vips.csv\"\n\nwhen caller in vips -> vip\notherwise           -> keep\n\nhandler vip {\n  set name = vips[caller].name\n  agent 388\n}\n\nhandler keep {\n}\n")},
		"sales/menu_test.flow": {Data: []byte("flow menu\n\ntest \"a VIP reaches agent 388\" {\n  call tencent from \"+8613066668888\" to \"+8675500000001\"\n  expect agent 388\n}\n")},
		"sales/data/vips.csv":  {Data: []byte("number,name\n+8613066668888,Zoë\n")},
	}
}

func compileMenu(t *testing.T) *ir.Flow {
	t.Helper()
	prog, diags := lang.CompileFiles(menuFS(), []string{"sales/menu.flow", "sales/menu_test.flow"})
	if prog == nil {
		t.Fatal(diags)
	}
	return prog.Flow("menu")
}

// A version names the same sources in every build of callflow: calls are
// pinned to it across deploys, so the hash must never change. These
// versions were computed by the compiler before bundles existed.
func TestVersionsAreStable(t *testing.T) {
	if f := compileMenu(t); f.Version != "0b167d2fb8a2" {
		t.Errorf("menu's version is %s, want 0b167d2fb8a2 as every earlier build named it", f.Version)
	}
	prog, _ := lang.CompileFile("hello.flow", []byte("flow hello\ntarget 8x8\notherwise -> main\nhandler main {\n  hangup\n}\n"))
	if v := prog.Flow("hello").Version; v != "a0ffaea5c472" {
		t.Errorf("hello's version is %s, want a0ffaea5c472", v)
	}
}

// A flow's bundle holds its source, its test file and its table, hashes
// to its version, and compiles back to that version after a round trip.
func TestBundleRoundTrip(t *testing.T) {
	f := compileMenu(t)
	b := f.Bundle
	if b == nil || b.Flow != "sales/menu.flow" || len(b.Tests) != 1 || b.Tests[0] != "sales/menu_test.flow" ||
		len(b.Files) != 3 || string(b.Files["sales/data/vips.csv"]) != "number,name\n+8613066668888,Zoë\n" {
		t.Fatalf("bundle %+v", b)
	}
	if b.Version() != f.Version {
		t.Fatalf("the bundle hashes to %s, the flow's version is %s", b.Version(), f.Version)
	}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	opened, err := bundle.Open(f.Version, data)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := lang.CompileBundle(opened)
	if err != nil {
		t.Fatal(err)
	}
	if again.Name != "menu" || again.Version != f.Version || again.File != f.File || again.Bundle.Version() != f.Version {
		t.Fatalf("compiled back: %s@%s from %s", again.Name, again.Version, again.File)
	}
}

// Open refuses what does not hash to the version asked for, and what is
// not a bundle; CompileBundle refuses what does not compile.
func TestBundleRefused(t *testing.T) {
	f := compileMenu(t)
	changed := *f.Bundle
	changed.Files = map[string][]byte{}
	for p, d := range f.Bundle.Files {
		changed.Files[p] = d
	}
	changed.Files["sales/data/vips.csv"] = []byte("number,name\n+8613066668888,Mallory\n")
	data, _ := changed.Marshal()
	_, err := bundle.Open(f.Version, data)
	var mm *bundle.MismatchError
	if !errors.As(err, &mm) || mm.Want != f.Version || mm.Got != changed.Version() {
		t.Errorf("Open of changed content: %v, want a *MismatchError", err)
	}
	for name, tc := range map[string]struct {
		data, want string
	}{
		"not JSON":      {`{"flow":`, "cannot decode"},
		"no flow":       {`{"files":{}}`, "no flow file"},
		"flow not held": {`{"flow":"a.flow","files":{}}`, `"a.flow" is listed but not held`},
		"test not held": {`{"flow":"a.flow","tests":["a_test.flow"],"files":{"a.flow":""}}`, `"a_test.flow" is listed but not held`},
		"path outside":  {`{"flow":"a.flow","files":{"a.flow":"","../etc/passwd":""}}`, `"../etc/passwd" is not a clean path`},
		"absolute path": {`{"flow":"a.flow","files":{"a.flow":"","/etc/passwd":""}}`, `"/etc/passwd" is not a clean path`},
		"not a flow":    {`{"flow":"a.txt","files":{"a.txt":""}}`, "not a .flow file"},
		"bytes not b64": {`{"flow":"a.flow","files":{"a.flow":"%%%"}}`, "cannot decode"},
	} {
		if _, err := bundle.Open("0123456789ab", []byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.want)
		}
	}
	broken := &bundle.Bundle{Flow: "x.flow", Files: map[string][]byte{"x.flow": []byte("flow x\nhandler {")}}
	if _, _, err := lang.CompileBundle(broken); err == nil || !strings.Contains(err.Error(), broken.Version()) {
		t.Errorf("CompileBundle of a broken flow: %v, want an error naming its version", err)
	}
	// A test list that is not the compiler's would compile to another version.
	other := *f.Bundle
	other.Tests = nil
	if _, _, err := lang.CompileBundle(&other); err == nil || !strings.Contains(err.Error(), "compiles to version") {
		t.Errorf("CompileBundle with its test file unlisted: %v, want a version mismatch", err)
	}
}

// FuzzOpenBundle: Open never panics, and what it accepts hashes to the
// version asked for and passes Check.
func FuzzOpenBundle(f *testing.F) {
	data, _ := (&bundle.Bundle{Flow: "a.flow", Files: map[string][]byte{"a.flow": []byte("flow a\n")}}).Marshal()
	f.Add("0123456789ab", data)
	f.Add("", []byte(`{"flow":"a.flow","files":{"a.flow":"","b/c.csv":"eA=="}}`))
	f.Fuzz(func(t *testing.T, version string, data []byte) {
		b, err := bundle.Open(version, data)
		if err != nil {
			return
		}
		if b.Version() != version || b.Check() != nil {
			t.Fatalf("Open accepted %q as version %s: hashes to %s, check %v", data, version, b.Version(), b.Check())
		}
	})
}
