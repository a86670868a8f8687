package diag

import (
	"bytes"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/source"
)

func TestGitHubEscaping(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"},
		{"a:b", "a:b", "a%3Ab"},
		{"a,b", "a,b", "a%2Cb"},
		{"a\nb", "a%0Ab", "a%0Ab"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"x: 1, y: 50%\n", "x: 1, y: 50%25%0A", "x%3A 1%2C y%3A 50%25%0A"},
		{"chào, 你好: ok", "chào, 你好: ok", "chào%2C 你好%3A ok"},
	} {
		if got := escapeData(tc.in); got != tc.data {
			t.Errorf("escapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := escapeProperty(tc.in); got != tc.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}
}

func TestGitHubCommand(t *testing.T) {
	fs := source.Files{}
	name := "flows/a,b:c%.flow"
	f := fs.Add(source.NewFile(name, []byte("flow a\n  dial \"12,34\"\n")))
	ds := Diagnostics{
		Warningf(NotE164, spanOf(t, f, `"12,34"`, 0), "number %q: 100%% wrong, really", "12,34").
			Do("Write numbers in E.164,\nlike \"+6512345678\"."),
		Errorf(UnknownHandler, spanOf(t, f, "dial", 0), "no handler named %q", "x").Maybe("y"),
		Errorf(BadVersion, source.Span{File: "b.flow"}, "bad version"),
		Errorf(EmptyFile, source.Span{}, "empty\r\nfile"),
	}
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, ds, fs); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		`::warning file=flows/a%2Cb%3Ac%25.flow,line=2,col=8,endLine=2,endColumn=15,title=callflow(not-e164)::number "12,34": 100%25 wrong, really%0AWrite numbers in E.164,%0Alike "+6512345678".`,
		`::error file=flows/a%2Cb%3Ac%25.flow,line=2,col=3,endLine=2,endColumn=7,title=callflow(unknown-handler)::no handler named "x"%0ADid you mean "y"?`,
		`::error file=b.flow,title=callflow(bad-version)::bad version`,
		`::error title=callflow(empty-file)::empty%0D%0Afile`,
		``,
	}, "\n")
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestGitHubOneLineEach(t *testing.T) {
	ds, fs := fixture(t)
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, ds, fs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(ds) {
		t.Fatalf("%d lines for %d diagnostics:\n%s", len(lines), len(ds), buf.String())
	}
	for i, l := range lines {
		want := "::" + ds[i].Severity.String() + " "
		if !strings.HasPrefix(l, want) {
			t.Errorf("line %d = %q, want prefix %q", i, l, want)
		}
		if strings.Contains(l, "\r") || strings.Contains(l, "line=0") || strings.Contains(l, "col=0") ||
			strings.Contains(l, "endLine=0") || strings.Contains(l, "endColumn=0") {
			t.Errorf("line %d = %q has a raw carriage return or a zero position", i, l)
		}
	}
}
