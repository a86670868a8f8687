package diag

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/source"
)

var update = flag.Bool("update", false, "rewrite golden files")

const supportSrc = "flow support\n" +
	"# Hỗ trợ khách hàng — xin chào\n" +
	"handler start {\n" +
	"\tsay \"Xin chào quý khách\"\tgoto suport\n" +
	"\thangup\n" +
	"\tsay \"Cảm ơn\"\n" +
	"}\n"

const hotlineSrc = "flow hotline\n" +
	"handler 开始 {\n" +
	"  say \"您好，欢迎致电\" then goto 支持\n" +
	"}\n" +
	"handler 开始 {\n" +
	"  dial \"12,34: 100%\"\n" +
	"}\n"

// fixtureFiles holds two files with Vietnamese, Chinese and tabs.
func fixtureFiles() source.Files {
	fs := source.Files{}
	fs.Add(source.NewFile("flows/support.flow", []byte(supportSrc)))
	fs.Add(source.NewFile("flows/hotline.flow", []byte(hotlineSrc)))
	return fs
}

// spanOf returns the span of the nth (from 0) occurrence of needle in f.
func spanOf(t testing.TB, f *source.File, needle string, nth int) source.Span {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		j := bytes.Index(f.Src[off:], []byte(needle))
		if j < 0 {
			t.Fatalf("%s: occurrence %d of %q not found", f.Name, nth, needle)
		}
		if i == nth {
			return f.Span(off+j, off+j+len(needle))
		}
		off += j + len(needle)
	}
}

// fixture returns the diagnostics the golden files render.
func fixture(t testing.TB) (Diagnostics, source.Files) {
	fs := fixtureFiles()
	sup, hot := fs["flows/support.flow"], fs["flows/hotline.flow"]

	unreachable := spanOf(t, sup, "say \"Cảm ơn\"", 0)
	unreachable.End = spanOf(t, sup, "}", 0).End

	ds := Diagnostics{
		Errorf(UnknownHandler, spanOf(t, sup, "suport", 0), "no handler named %q", "suport").
			Do("Declare the handler or fix the name.").Maybe("support"),
		Warningf(UnreachableStep, unreachable, "steps after hangup never run").
			Do("Remove them, or move them before hangup."),
		Errorf(UnknownHandler, spanOf(t, hot, "支持", 0), "no handler named %q", "支持").
			Do("Declare the handler or fix the name.").Maybe("开始"),
		Errorf(DuplicateName, spanOf(t, hot, "开始", 1), "handler %q is declared twice", "开始").
			Do("Rename or remove one of the declarations.").
			Also(spanOf(t, hot, "开始", 0), "first declared here"),
		Warningf(NotE164, spanOf(t, hot, `"12,34: 100%"`, 0), "number %q is not E.164", "12,34: 100%").
			Do("Write numbers as + and the country code,\nlike \"+6512345678\"."),
		Errorf(BadTable, source.Span{File: "flows/missing.flow",
			Start: source.Pos{Offset: 40, Line: 3, Col: 5}, End: source.Pos{Offset: 46, Line: 3, Col: 11}},
			"table file %q is missing", "rates.csv").
			Do("Put rates.csv beside the flow."),
		Errorf(BadVersion, source.Span{File: "flows/hotline.flow"}, "language version 9 is not supported"),
	}
	return ds, fs
}

func TestGolden(t *testing.T) {
	ds, fs := fixture(t)
	for _, tc := range []struct {
		format Format
		golden string
	}{
		{FormatText, "text.golden"},
		{FormatJSON, "json.golden"},
		{FormatSARIF, "sarif.golden"},
		{FormatGitHub, "github.golden"},
		{FormatRDJSONL, "rdjsonl.golden"},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, ds, fs, WithTool("callflow", "v1.2.3")); err != nil {
				t.Fatal(err)
			}
			if tc.format == FormatSARIF {
				validSARIF(t, buf.Bytes())
			}
			golden(t, tc.golden, buf.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update after checking the change)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestWriteDeterministic(t *testing.T) {
	for _, f := range Formats {
		var a, b bytes.Buffer
		ds, fs := fixture(t)
		if err := Write(&a, f, ds, fs); err != nil {
			t.Fatal(err)
		}
		ds, fs = fixture(t)
		if err := Write(&b, f, ds, fs); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: output differs between runs", f)
		}
	}
}

func TestWriteEmpty(t *testing.T) {
	want := map[Format]string{
		FormatText:    "",
		FormatJSON:    "[]\n",
		FormatGitHub:  "",
		FormatRDJSONL: "",
	}
	for _, f := range Formats {
		for _, ds := range []Diagnostics{nil, {}, {nil}} {
			var buf bytes.Buffer
			if err := Write(&buf, f, ds, nil); err != nil {
				t.Fatal(err)
			}
			if w, ok := want[f]; ok && buf.String() != w {
				t.Errorf("%s: empty output = %q, want %q", f, buf.String(), w)
			}
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", nil, nil); err == nil {
		t.Fatal("Write with format xml: want an error")
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{
		"text": FormatText, "json": FormatJSON, "sarif": FormatSARIF, "github": FormatGitHub, "rdjsonl": FormatRDJSONL,
		"SARIF": FormatSARIF, " GitHub ": FormatGitHub,
	} {
		got, err := ParseFormat(in)
		if err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "xml", "gh", "texts"} {
		if got, err := ParseFormat(in); err == nil {
			t.Errorf("ParseFormat(%q) = %q, want an error", in, got)
		} else if !strings.Contains(err.Error(), "sarif") {
			t.Errorf("ParseFormat(%q) error %q does not list the formats", in, err)
		}
	}
}

func TestSummary(t *testing.T) {
	e := &Diagnostic{Severity: Error}
	w := &Diagnostic{Severity: Warning}
	for _, tc := range []struct {
		ds    Diagnostics
		files int
		want  string
	}{
		{nil, 4, "no problems in 4 files"},
		{nil, 1, "no problems in 1 file"},
		{nil, 0, "no problems in 0 files"},
		{Diagnostics{e}, 1, "1 error in 1 file"},
		{Diagnostics{e, e}, 3, "2 errors in 3 files"},
		{Diagnostics{w}, 2, "1 warning in 2 files"},
		{Diagnostics{w, w, w}, 1, "3 warnings in 1 file"},
		{Diagnostics{e, w, e}, 3, "2 errors, 1 warning in 3 files"},
		{Diagnostics{e, w, w}, 1, "1 error, 2 warnings in 1 file"},
	} {
		if got := Summary(tc.ds, tc.files); got != tc.want {
			t.Errorf("Summary(%d diagnostics, %d) = %q, want %q", len(tc.ds), tc.files, got, tc.want)
		}
	}
}

func TestRegionNeverZero(t *testing.T) {
	fs := fixtureFiles()
	sup := fs["flows/support.flow"]
	lineEnd := sup.Span(len("flow support"), len("flow support")+1) // the newline
	for _, tc := range []struct {
		name string
		span source.Span
		want region
	}{
		{"unknown", source.Span{File: "x.flow"}, region{1, 1, 1, 2}},
		{"empty", sup.Span(5, 5), region{1, 6, 1, 7}},
		{"token", sup.Span(5, 12), region{1, 6, 1, 13}},
		{"newline", lineEnd, region{1, 13, 1, 14}},
		{"no end", source.Span{File: "x.flow", Start: source.Pos{Line: 3, Col: 4}}, region{3, 4, 3, 5}},
		{"zero col", source.Span{File: "x.flow", Start: source.Pos{Line: 3}}, region{3, 1, 3, 2}},
		{"inverted", source.Span{File: "x.flow", Start: source.Pos{Line: 3, Col: 4}, End: source.Pos{Line: 2, Col: 9}}, region{3, 4, 3, 5}},
		{"next line start, file unknown", source.Span{File: "x.flow", Start: source.Pos{Line: 3, Col: 4}, End: source.Pos{Line: 4, Col: 1}}, region{3, 4, 4, 1}},
		{"next line start", sup.Span(0, len("flow support\n")), region{1, 1, 1, 13}},
	} {
		if got := regionOf(tc.span, fs); got != tc.want {
			t.Errorf("%s: regionOf = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
